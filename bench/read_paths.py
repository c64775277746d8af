"""Read paths at provincial scale: the inbox, the supervision desk, the overdue report and the monthly table on
the data set of bench.dataset, against the same pages on a data set a thousandth of its size (the baseline).

Run from the repository root:

    python -m bench.read_paths --size 1.0                       # builds both data sets (minutes), then measures
    python -m bench.read_paths --loaded-url postgresql://postgres@127.0.0.1:5432/govflow_dataset_1_0
                                                                  # measures on a data set kept by bench.dataset --keep
    python -m bench.read_paths --size 0.01 --rounds 5            # a quick run

Each page is requested through Flask's test client as the logged-in user, as the browser would ask for it, and
timed to the full response; the sides take turns page by page (forwards, backwards, ...) for --rounds rounds
after two unmeasured warm-up requests. The users are the same on both sides: the first city's writer, editor,
handler and supervisor (bench.dataset's names).

Prints one `figure` line per page and side (p50, p95, SQL statements) and the ratio loaded/baseline, and writes
bench/results/read_paths.json. Targets (docs/performance.md): inbox p95 under 50 ms, the others under 500 ms.
"""
import argparse
import json
import re
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote

from bench import dataset
from bench.figures import emit, statements_counted
from bench.timer_lag import DEFAULT_PG_URL, fresh_database, in_turns, machine, percentile

BENCH_DIR = Path(__file__).resolve().parent


def last_month(now):
    from webapp.core.clock import LOCAL_TZ

    first = now.astimezone(LOCAL_TZ).date().replace(day=1)
    return (first.replace(year=first.year - 1, month=12) if first.month == 1 else first.replace(month=first.month - 1))


def pages(now):
    """(name, user, method, path, form, target ms at p95): what each role opens first, and the slow variants."""
    month = last_month(now).strftime("%Y-%m")
    return [
        ("inbox.writer", "c0u0wr0", "GET", "/", None, 50),
        ("inbox.editor", "c0in0", "GET", "/", None, 50),
        ("inbox.handler", "c0u0ha0", "GET", "/", None, 50),
        ("inbox.writer_done", "c0u0wr0", "GET", "/done", None, 50),
        ("inbox.api_todo", "c0in0", "GET", "/api/tasks?tab=todo", None, 50),
        ("desk.first_page", "c0su0", "GET", "/supervision/", None, 500),
        ("desk.by_unit", "c0su0", "GET", "/supervision/?sort=unit", None, 500),
        ("desk.by_report", "c0su0", "GET", "/supervision/?sort=report", None, 500),
        ("desk.search", "c0su0", "GET", "/supervision/?q=%E6%B2%B3%E9%81%93", None, 500),
        ("desk.closed", "c0su0", "GET", "/supervision/?status=closed", None, 500),
        ("overdue.by_unit", "c0su0", "GET", "/statistics/overdue", None, 500),
        ("overdue.by_month", "c0su0", "GET", "/statistics/overdue?by=month", None, 500),
        ("monthly.produce", "c0su0", "POST", "/statistics/monthly/produce", {"month": month}, 500),
        ("monthly.table", "c0su0", "GET", f"/statistics/monthly?month={month}", None, 500),
        # The shell's search box (docs/ui.md): a word in every title, and one in none.
        ("search.writer_common", "c0u0wr0", "GET", f"/search/?q={quote('春耕进展')}", None, 300),
        ("search.editor_common", "c0in0", "GET", f"/search/?q={quote('春耕进展')}", None, 300),
        ("search.supervisor_case", "c0su0", "GET", f"/search/?q={quote('河道整治')}", None, 300),
        ("search.editor_absent", "c0in0", "GET", f"/search/?q={quote('台风登陆')}", None, 300),
    ]


class Side:
    """One data set: its app and a logged-in test client per user."""

    def __init__(self, name, app):
        self.name, self.app = name, app
        self.clients = {}
        self.seconds, self.statements = {}, {}

    def client(self, username):
        if username not in self.clients:
            client = self.app.test_client()
            with self.app.app_context():
                html = client.get("/login").get_data(as_text=True)
                token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
                answer = client.post("/login", data={"username": username, "password": dataset.PASSWORD,
                                                     "csrf_token": token})
                assert answer.status_code == 302, (username, answer.get_data(as_text=True)[:300])
                page = client.get("/").get_data(as_text=True)
            client.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            self.clients[username] = client
        return self.clients[username]

    def request(self, page, record=True):
        from webapp.extensions import db

        name, username, method, path, form, _target = page
        client = self.client(username)
        with self.app.app_context(), statements_counted(db.engine) as count:
            started = time.perf_counter()
            if method == "POST":
                answer = client.post(path, data={**form, "csrf_token": client.csrf})
            else:
                answer = client.get(path)
            body = answer.get_data()
            elapsed = time.perf_counter() - started
        assert answer.status_code in (200, 302), (self.name, name, answer.status_code, body[:500])
        if record:
            self.seconds.setdefault(name, []).append(elapsed)
            self.statements[name] = count[0]


def _app(url):
    from webapp import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "DEMO_CLOCK": False,
                       "REDIS_URL": None})


def run(args):
    from webapp.core import clock

    now = clock.now()  # the month of the monthly table is the app's last month
    report = {"benchmark": "read_paths", "command": "python -m bench.read_paths " + " ".join(args.argv),
              "machine": machine(), "run_at": now.isoformat(), "rounds": args.rounds, "sides": {}, "pages": {}}
    with ExitStack() as stack:
        sides = []
        for name, size, url in (("baseline", args.baseline, args.baseline_url), ("loaded", args.size, args.loaded_url)):
            if url is None:
                url = stack.enter_context(fresh_database("postgresql", args.url))
                app, made = dataset.build(url, size)
                dataset.report(made, prefix=f"read.{name}.dataset")
                report["sides"][name] = {"size": size, "rows": made["rows"], "seconds": made["phases"]}
                dataset.dispose(app)
            else:
                report["sides"][name] = {"url": url}
            app = _app(url)
            stack.callback(dataset.dispose, app)
            sides.append(Side(name, app))
        measured = pages(now)
        in_turns(sides, measured, args.rounds, lambda side, page, record: side.request(page, record))
        for name, *_rest, target in measured:
            row = {"target_p95_ms": target}
            for side in sides:
                values = side.seconds[name]
                row[side.name] = {"p50_ms": round(percentile(values, 0.5) * 1000, 2),
                                  "p95_ms": round(percentile(values, 0.95) * 1000, 2),
                                  "statements": side.statements[name]}
                emit(f"read.{side.name}.{name}.p50", row[side.name]["p50_ms"], "ms")
                emit(f"read.{side.name}.{name}.p95", row[side.name]["p95_ms"], "ms")
                emit(f"read.{side.name}.{name}.statements", side.statements[name], "count")
            row["ratio_p95"] = round(row["loaded"]["p95_ms"] / row["baseline"]["p95_ms"], 2)
            row["meets_target"] = row["loaded"]["p95_ms"] < target
            emit(f"read.ratio.{name}.p95", row["ratio_p95"], "ratio")
            report["pages"][name] = row
    return report


def print_table(report):
    header = f"{'page':<22}{'base p50':>10}{'base p95':>10}{'load p50':>10}{'load p95':>10}{'ratio':>8}" \
             f"{'target':>8}{'SQL':>9}"
    print(f"\nread paths, ms ({report['rounds']} rounds)\n{header}\n{'-' * len(header)}")
    for name, row in report["pages"].items():
        base, loaded = row["baseline"], row["loaded"]
        mark = "" if row["meets_target"] else " MISSED"
        print(f"{name:<22}{base['p50_ms']:>10.1f}{base['p95_ms']:>10.1f}{loaded['p50_ms']:>10.1f}"
              f"{loaded['p95_ms']:>10.1f}{row['ratio_p95']:>8.2f}{row['target_p95_ms']:>8}"
              f"{base['statements']:>5}/{loaded['statements']:<3}{mark}")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.read_paths", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=1.0, help="the loaded data set (bench.dataset --size)")
    parser.add_argument("--baseline", type=float, default=0.001, help="the baseline data set's size")
    parser.add_argument("--loaded-url", help="measure on this database (made by bench.dataset --keep) instead")
    parser.add_argument("--baseline-url", help="the baseline on this database (made by bench.dataset --keep)")
    parser.add_argument("--url", default=DEFAULT_PG_URL, help="PostgreSQL server for the data sets made here")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results" / "read_paths.json")
    args = parser.parse_args(argv)
    args.argv = argv
    report = run(args)
    print_table(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return report


if __name__ == "__main__":
    main()
