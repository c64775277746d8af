"""Inbox page load time for a user with 100,000 finished items behind the tabs, against the same pages with 100.

Run from the repository root:

    python -m bench.inbox_load [--db sqlite postgresql] [--url postgresql://postgres@127.0.0.1:5432/postgres]
                               [--history 100000] [--baseline 100] [--share 0.1] [--rounds 15]

For each database, two fresh databases (temporary SQLite files, or PostgreSQL databases of the run's own,
dropped at the end), one per side, their schema made from the models (`db.create_all()`: the inbox's indexes
are in the models before any migration carries them), the shipped processes deployed, and one user, the
信息员 `bench_writer` of a county office, whose tabs are measured:

* history (`--history` reports on the loaded side, `--baseline` on the baseline side), bulk-inserted:
  finished information reports started by the user, each with its 采编 step completed by the user and its
  核实审核 step by the office director (我发起的, 已办: as many rows as reports); for a `--share` of them
  (on the baseline side all of them, so that its every tab fills a page) a finished report of a colleague
  copied to the user, read (抄送我的), and an old urge, sent by the user or addressed to them by name, in
  turn (催办记录). About 1 % of the reports are 特急 and 8 % 紧急.
* the present, the same on both sides: 200 open 采编 tasks of the user (5 特急, 20 紧急; 10 past their
  deadline, 10 near it), 20 unread copies of a colleague's reports still running, 10 urges of the last hour
  on the user's open tasks. A real report started and submitted through the engine gives every bulk row its
  workflow state; the lists never read it.

On PostgreSQL each side gets VACUUM (ANALYZE) after its load (what autovacuum does within minutes); GovFlow
never runs ANALYZE on SQLite. The sides then take turns path by path, round after round (forwards,
backwards, ...), each request made through Flask's test client as the logged-in user, timed from the
request to the full response; the SQL statements each page ran are counted. Prints a table of the median
(p50) and p90 per page and side with the ratio loaded/baseline, and writes it all to
bench/results/inbox_load.json.
"""
import argparse
import json
import os
import re
import sys
import time
import uuid
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, text

from bench.figures import emit, statements_counted
from bench.timer_lag import DEFAULT_PG_URL, autocommit, fresh_database, in_turns, machine, percentile

BENCH_DIR = Path(__file__).resolve().parent
CHUNK = 5000
PASSWORD = "bench-pw-1"
OPEN_TASKS = 200
UNREAD_COPIES = 20
RECENT_URGES = 10
# Each tab's first page, a later page, and two filters that must look past the newest rows.
PATHS = ["/", "/done", "/started", "/copied", "/urges", "/done?page=2", "/api/tasks?tab=done",
         "/done?type=emergency", "/started?urgency=urgent"]


def make_app(url):
    from webapp import create_app
    from webapp.cli import deploy_directory
    from webapp.config import ROOT
    from webapp.extensions import db

    # A dict of its own: webapp.engine.database adds SQLite's connect_args to the options it is given.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "DEMO_CLOCK": False,
                      "REDIS_URL": None, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}})
    with app.app_context():
        db.create_all()
        deploy_directory(str(ROOT / "processes"))
        db.session.commit()
    return app


def make_people():
    """A county office with the measured 信息员, a colleague and the office director."""
    from werkzeug.security import generate_password_hash

    from webapp.auth.models import Unit, User
    from webapp.extensions import db

    city = Unit(code="city", name="临江市委办公室", kind="city")
    county = Unit(code="county", name="青山县委办公室", kind="county", parent=city)
    info = Unit(code="city-info", name="市委办信息科", kind="office", function="info", parent=city)
    db.session.add_all([city, county, info])
    people = {}
    for username, roles in (("bench_writer", ["writer"]), ("colleague", ["writer"]), ("director", ["verifier"])):
        user = User(username=username, name=f"用户{username}", unit=county, clearance=2,
                    password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
        user.roles = roles
        db.session.add(user)
        people[username] = user
    db.session.commit()
    return county, people


def template_state(writer):
    """The workflow state of a real report, submitted through the engine: every bulk instance carries it."""
    from webapp.engine import runner
    from webapp.engine.models import ProcessInstance
    from webapp.extensions import db
    from webapp.reports.operations import create_item

    item, task = create_item(writer)
    db.session.commit()
    runner.complete(task.id, writer, {"title": "模板信息", "body": "用于压测的信息正文，仅提供工作流状态。",
                                      "category": "经济运行", "urgency": "normal", "importance": "general",
                                      "secrecy": "0", "source_unit": "县农业农村局"})
    db.session.commit()
    instance = db.session.get(ProcessInstance, item.instance_id)
    return instance.definition_id, instance.state_json, instance.serializer_version


class Loader:
    """Bulk rows shaped like the ones the engine writes, with ids of their own."""

    def __init__(self, db, county, people, now):
        from webapp.engine.models import HumanTask, ProcessInstance

        self.now, self.unit_id = now, county.id
        self.ids = {u: p.id for u, p in people.items()}
        self.definition_id, self.state_json, self.serializer = template_state(people["bench_writer"])
        self.next_instance = db.session.query(func.max(ProcessInstance.id)).scalar()
        self.next_task = db.session.query(func.max(HumanTask.id)).scalar()
        self.rows = {"process_instances": [], "human_tasks": [], "instance_copies": [], "urges": []}
        self.counts = dict.fromkeys(self.rows, 0)

    def add(self, table, row):
        self.rows[table].append(row)
        if len(self.rows[table]) >= CHUNK:
            self.flush()

    def flush(self):
        """Insert what is pending, parents first (instances before their tasks, tasks before urges)."""
        from webapp.extensions import db

        for name in self.rows:
            if self.rows[name]:
                db.session.execute(insert(db.metadata.tables[name]), self.rows[name])
                self.counts[name] += len(self.rows[name])
                self.rows[name] = []

    def instance(self, starter, started, running, title, urgency, secrecy=0):
        self.next_instance += 1
        self.add("process_instances", {
            "id": self.next_instance, "definition_id": self.definition_id, "business_key": None,
            "state_json": self.state_json, "serializer_version": self.serializer, "lock_version": 1,
            "status": "running" if running else "completed", "unit_id": self.unit_id, "secrecy": secrecy,
            "started_by_id": self.ids[starter], "started_dt": started,
            "ended_dt": None if running else started + timedelta(hours=2)})
        return self.next_instance

    def task(self, instance_id, step, role, title, urgency, created, by=None, assignee=None, due=None, secrecy=0):
        self.next_task += 1
        labels = {"compose": ("采编", "reports.compose"), "verify": ("核实审核", "reports.verify")}
        self.add("human_tasks", {
            "id": self.next_task, "instance_id": instance_id, "task_uuid": str(uuid.uuid4()),
            "process_key": "info_report", "step_key": step, "step_label": labels[step][0],
            "form_key": labels[step][1], "role": role, "unit_id": self.unit_id,
            "assignee_id": self.ids[assignee] if assignee else None, "state": "completed" if by else "open",
            "title": title, "secrecy": secrecy, "urgency": urgency, "created_dt": created, "due_dt": due,
            "completed_dt": created + timedelta(minutes=30) if by else None,
            "completed_by_id": self.ids[by] if by else None, "superseded": False})
        return self.next_task

    def report(self, starter, started, index, running=False):
        """A report of `starter`: its 采编 done by them, its 核实审核 done by the director (or open)."""
        urgency = "very_urgent" if index % 100 == 7 else "urgent" if index % 100 < 9 else "normal"
        title = f"历史信息第{index}条"
        instance_id = self.instance(starter, started, running, title, urgency)
        compose = self.task(instance_id, "compose", "writer", title, urgency, started, by=starter, assignee=starter)
        verify = self.task(instance_id, "verify", "verifier", title, urgency, started + timedelta(minutes=30),
                           by=None if running else "director")
        return instance_id, compose, verify

    def history(self, count, share):
        """`count` reports of the user spread over the last two years, oldest first; one in 1/`share` of
        them has a colleague's report copied to the user beside it, and an urge (sent or received)."""
        span = timedelta(days=730) / max(count, 1)
        first = self.now - timedelta(days=731)
        every = max(1, round(1 / share))
        for index in range(count):
            started = first + span * index
            own, own_compose, _ = self.report("bench_writer", started, index)
            if index % every:
                continue
            copied, _, colleague_verify = self.report("colleague", started + timedelta(minutes=1), index)
            self.add("instance_copies", {"instance_id": copied, "user_id": self.ids["bench_writer"],
                                         "sender_id": self.ids["colleague"], "note": "",
                                         "created_dt": started + timedelta(hours=3),
                                         "read_dt": started + timedelta(hours=4)})
            sent = (index // every) % 2 == 0
            self.add("urges", {
                "instance_id": copied if sent else own, "task_id": colleague_verify if sent else own_compose,
                "sender_id": self.ids["bench_writer" if sent else "director"],
                "target_unit_id": self.unit_id, "target_role": "verifier" if sent else "writer",
                "target_user_id": None if sent else self.ids["bench_writer"], "notify_leader": False, "note": "",
                "created_dt": started + timedelta(minutes=40)})

    def present(self):
        """What is going on now, the same on both sides."""
        for index in range(OPEN_TASKS):
            urgency = "very_urgent" if index < 5 else "urgent" if index < 25 else "normal"
            due = (self.now - timedelta(hours=index + 1) if index % 20 == 1
                   else self.now + timedelta(hours=index % 20 + 1) if index % 20 == 2 else None)
            created = self.now - timedelta(hours=OPEN_TASKS - index)
            title = f"待办信息第{index}条"
            instance_id = self.instance("bench_writer", created, True, title, urgency)
            task_id = self.task(instance_id, "compose", "writer", title, urgency, created, assignee="bench_writer",
                                due=due)
            if index < RECENT_URGES:
                self.add("urges", {"instance_id": instance_id, "task_id": task_id, "sender_id": self.ids["director"],
                                   "target_unit_id": self.unit_id, "target_role": "writer",
                                   "target_user_id": self.ids["bench_writer"], "notify_leader": False,
                                   "note": "请抓紧", "created_dt": self.now - timedelta(hours=1)})
        for index in range(UNREAD_COPIES):
            copied, _, _ = self.report("colleague", self.now - timedelta(hours=index + 1), 100 + index, running=True)
            self.add("instance_copies", {"instance_id": copied, "user_id": self.ids["bench_writer"],
                                         "sender_id": self.ids["colleague"], "note": "请阅",
                                         "created_dt": self.now - timedelta(minutes=30 + index), "read_dt": None})


def load(app, history, share, now):
    from webapp.extensions import db

    with app.app_context():
        county, people = make_people()
        started = time.perf_counter()
        loader = Loader(db, county, people, now)
        loader.history(history, share)
        loader.present()
        loader.flush()
        db.session.commit()
        seconds = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            autocommit(db, *(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))"
                             for t in loader.counts), "VACUUM (ANALYZE)")
        server = db.session.execute(text(
            "SELECT 'PostgreSQL ' || current_setting('server_version')" if db.engine.dialect.name == "postgresql"
            else "SELECT 'SQLite ' || sqlite_version()")).scalar()
        db.session.remove()
    return {"history": history, "share": share, "rows": loader.counts, "load_seconds": round(seconds, 1)}, server


@contextmanager
def logged_in(app):
    client = app.test_client()
    with app.app_context():
        html = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        answer = client.post("/login", data={"username": "bench_writer", "password": PASSWORD, "csrf_token": token})
        assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    yield client


class Side:
    def __init__(self, name, app, client):
        self.name, self.app, self.client = name, app, client
        self.seconds = {path: [] for path in PATHS}
        self.statements = {}
        self.rows = {}

    def get(self, path, record=True):
        from webapp.extensions import db

        with self.app.app_context(), statements_counted(db.engine) as count:
            started = time.perf_counter()
            answer = self.client.get(path)
            body = answer.get_data(as_text=True)
            elapsed = time.perf_counter() - started
        assert answer.status_code == 200, (path, answer.status_code, body[:500])
        if record:
            self.seconds[path].append(elapsed)
            self.statements[path] = count[0]
            self.rows[path] = (len(json.loads(body).get("tasks", [])) if path.startswith("/api/")
                               else len(re.findall(r'data-(?:task|instance)-id="', body)))


def summary(side, path):
    values = side.seconds[path]
    return {"p50_ms": round(percentile(values, 0.5) * 1000, 2), "p90_ms": round(percentile(values, 0.9) * 1000, 2),
            "statements": side.statements[path], "rows_shown": side.rows[path]}


def run_database(kind, args, now):
    print(f"{kind}: loading...", flush=True)
    result = {"sides": {}, "pages": {}}
    with ExitStack() as stack:
        sides = []
        # The baseline's every tab fills its first page: each of its reports comes with a copy and an urge.
        for name, history, share in (("baseline", args.baseline, 1), ("loaded", args.history, args.share)):
            app = make_app(stack.enter_context(fresh_database(kind, args.url)))
            stack.callback(_dispose, app)
            result["sides"][name], result["server"] = load(app, history, share, now)
            print(f"  {name}: {history} reports loaded in {result['sides'][name]['load_seconds']} s", flush=True)
            sides.append(Side(name, app, stack.enter_context(logged_in(app))))
        in_turns(sides, PATHS, args.rounds, lambda side, path, record: side.get(path, record))
        for path in PATHS:
            row = {side.name: summary(side, path) for side in sides}
            row["ratio_p50"] = round(row["loaded"]["p50_ms"] / row["baseline"]["p50_ms"], 2)
            row["ratio_p90"] = round(row["loaded"]["p90_ms"] / row["baseline"]["p90_ms"], 2)
            result["pages"][path] = row
    return result


def _dispose(app):
    from bench.timer_lag import dispose

    dispose(app)


def print_report(report):
    for result in report["databases"].values():
        sides = result["sides"]
        rows = sides["loaded"]["rows"]
        print(f"\ninbox load, {result['server']}: the user's history {sides['baseline']['history']} (baseline) vs "
              f"{sides['loaded']['history']} reports (loaded; tables: {rows}), {report['rounds']} rounds; ms")
        header = f"{'page':<26}{'base p50':>10}{'base p90':>10}{'load p50':>10}{'load p90':>10}" \
                 f"{'ratio p50':>11}{'ratio p90':>11}{'SQL':>8}{'rows':>8}"
        print(header)
        print("-" * len(header))
        for path, row in result["pages"].items():
            base, loaded = row["baseline"], row["loaded"]
            print(f"{path:<26}{base['p50_ms']:>10.1f}{base['p90_ms']:>10.1f}{loaded['p50_ms']:>10.1f}"
                  f"{loaded['p90_ms']:>10.1f}{row['ratio_p50']:>11.2f}{row['ratio_p90']:>11.2f}"
                  f"{base['statements']:>4}/{loaded['statements']:<3}{base['rows_shown']:>4}/{loaded['rows_shown']:<3}")
    for kind, result in report["databases"].items():
        for path, row in result["pages"].items():
            name = f"inbox_load.{kind}.{path.strip('/').replace('/', '.') or 'todo'}"
            emit(f"{name}.p90", row["loaded"]["p90_ms"], "ms")
            emit(f"{name}.ratio_p90", row["ratio_p90"], "ratio")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.inbox_load", description=__doc__.splitlines()[0])
    parser.add_argument("--db", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    parser.add_argument("--url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
                        help="PostgreSQL server on which the run creates (and drops) databases of its own")
    parser.add_argument("--history", type=int, default=100_000, help="history rows per tab on the loaded side")
    parser.add_argument("--baseline", type=int, default=100, help="history rows per tab on the baseline side")
    parser.add_argument("--share", type=float, default=0.1,
                        help="copies to the user and urges, as a share of the history (1: as many as reports)")
    parser.add_argument("--rounds", type=int, default=15, help="timed requests per page and side")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results" / "inbox_load.json")
    args = parser.parse_args(argv)
    if min(args.history, args.baseline, args.rounds) < 1 or not 0 < args.share <= 1:
        parser.error("--history, --baseline and --rounds must be at least 1, --share in (0, 1]")
    from webapp.core import clock

    now = datetime.now(UTC).replace(microsecond=0)
    clock.set_fixed(now)  # the open tasks' deadline marks stay as loaded
    try:
        report = {"benchmark": "inbox_load", "command": "python -m bench.inbox_load " + " ".join(argv),
                  "machine": machine(), "run_at": now.isoformat(), "rounds": args.rounds, "share": args.share,
                  "open_tasks": OPEN_TASKS, "unread_copies": UNREAD_COPIES, "recent_urges": RECENT_URGES,
                  "databases": {kind: run_database(kind, args, now) for kind in args.db}}
    finally:
        clock.set_fixed(None)
    print_report(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
