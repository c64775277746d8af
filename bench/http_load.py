"""Task completions per second and their latency over HTTP, with gunicorn on PostgreSQL.

Run from the repository root:

    python -m bench.http_load [--size 2000] [--workers 4] [--clients 4] [--counties 8] [--baseline N]
                              [--url postgresql://postgres@127.0.0.1:5432/postgres] [--profile]

A fresh PostgreSQL database of the run's own (dropped at the end), its schema made by the migrations, the
shipped processes deployed. In bulk, one commit: a city with its information office (信息科) and one editor,
`--counties` county offices, each with a writer, a verifier and a leader, and one more county for the
baseline. Through the service layer (`reports.operations.create_item`, then `runner.complete` of 采编, one
commit per batch): `--size` information items spread over the counties, each waiting at 核实审核.

* baseline, in-process (no HTTP, same database, before gunicorn starts): `--baseline` items of the baseline
  county carried through 核实审核 → 签发 → 采编处理 by `runner.complete` plus a commit, one step at a time, as
  a request would; the rate and the latency of one step.
* gunicorn: `gunicorn -w W 'webapp:create_app()'` as the README runs it in production (GOVFLOW_ENV=production,
  GOVFLOW_DEMO_CLOCK=0, no REDIS_URL: no timer is armed on this path), bound to loopback.
* session GETs: every client sends `--session-gets` authenticated GET /api/session: the cost of a request
  that does next to nothing (session cookie, user loader, JSON).
* completions: `--clients` threads, each with keep-alive connections (http.client; sync workers close them
  after each answer and the client reconnects) logged in through /login as the users of its own counties
  and as the editor, CSRF token from GET /api/session in X-CSRF-Token. Stage by stage, each client lists
  a user's 待办 (GET /api/tasks?tab=todo; the editor's filtered by the county, `unit=`) and POSTs
  /api/tasks/<id>/complete with the step's form for every row, until the list is empty: every item goes
  核实审核 (verifier) → 签发 (leader) → 采编处理 (editor, adopted). Clients own disjoint counties, so no
  two clients ever reach for the same task: any non-200 answer, 409 included, counts as an error. A
  completion's latency runs from sending the POST to reading the whole answer; the rate is all completions
  over the time from the clients' common start to the last one's end (list GETs included).
* CPU: the user and system time the gunicorn workers used in each phase, per request (PostgreSQL's not counted).
* memory: after the run, the resident set size of each gunicorn worker (the arbiter's children).
* --profile: cProfile of the in-process baseline's completions, top functions printed.

Prints one `figure name value unit` line per figure (bench.figures) and writes bench/results/http_load.json.
Targets, reported and not asserted: >= 300 completions/s and p95 < 100 ms with 4 or more clients, < 250 MB RSS
per worker.
"""
import argparse
import contextlib
import cProfile
import http.client
import io
import json
import os
import pstats
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

from bench import dataset
from bench.figures import children, emit, rss_mb
from bench.timer_lag import DEFAULT_PG_URL, fresh_database, machine, percentile

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SECRET = "bench-http-load-not-a-production-secret-0123456789"  # production refuses short keys
PASSWORD = "bench-pw-1"
BATCH = 100                    # items per commit while setting up
STARTUP_SECONDS = 60
TARGETS = {"completions_per_s": 300, "latency_p95_ms": 100, "worker_rss_mb": 250}

COMPOSE = {"title": "某县春耕进展", "body": "全县已完成春播面积十二万亩，同比增长百分之五。", "category": "经济运行",
           "urgency": "normal", "importance": "general", "secrecy": "0", "source_unit": "县农业农村局"}
STEPS = (  # step key, who acts (a county's user or the city editor), the form
    ("verify", "verifier", {"decision": "pass", "opinion": "属实"}),
    ("sign", "leader", {"decision": "pass"}),
    ("edit", "editor", {"decision": "adopt", "publication": "汇要", "opinion": "予以采用"}),
)


# --- set-up ---------------------------------------------------------------------------------------------------

def county_code(index):
    return "county-base" if index is None else f"county-{index}"


def make_org(counties):
    """City, its information office and editor; counties 0..counties-1 and the baseline's, three users each."""
    from werkzeug.security import generate_password_hash

    from webapp.auth.models import Unit, User
    from webapp.extensions import db

    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    province = Unit(code="prov", name="江南省委办公厅", kind="province")
    city = Unit(code="city", name="临江市委办公室", kind="city", parent=province)
    units = [province, Unit(code="prov-info", name="省委办公厅信息处", kind="office", function="info", parent=province),
             city, Unit(code="city-info", name="市委办信息科", kind="office", function="info", parent=city)]
    users = []

    def user(username, unit, role):
        account = User(username=username, name=f"用户{username}", unit=unit, clearance=2, password_hash=password_hash)
        account.roles = [role]
        users.append(account)

    user("editor", units[3], "editor")
    for index in [*range(counties), None]:
        code = county_code(index)
        unit = Unit(code=code, name=f"{code}县委办公室", kind="county", parent=city)
        units.append(unit)
        for role in ("writer", "verifier", "leader"):
            user(f"{role}-{code}", unit, role)
    db.session.add_all(units + users)
    db.session.commit()
    return {u.code: u.id for u in units}


def create_items(count, codes):
    """`count` items waiting at 核实审核, written in turn by the writers of `codes`; returns their instance ids."""
    from webapp.auth.models import User
    from webapp.engine import runner
    from webapp.extensions import db
    from webapp.reports.operations import create_item

    writer_ids = [db.session.query(User.id).filter_by(username=f"writer-{code}").scalar() for code in codes]
    instance_ids = []
    for start in range(0, count, BATCH):
        for index in range(start, min(count, start + BATCH)):
            writer = db.session.get(User, writer_ids[index % len(codes)])
            item, task = create_item(writer)
            runner.complete(task.id, writer, COMPOSE)
            instance_ids.append(item.instance_id)
        db.session.commit()
    return instance_ids


def run_inprocess(instance_ids, code, profile):
    """The baseline: the items through the remaining steps by runner.complete + commit; returns latencies (s)."""
    from webapp.auth.models import User
    from webapp.engine import runner
    from webapp.engine.models import HumanTask
    from webapp.extensions import db

    profiler = cProfile.Profile() if profile else None
    latencies = []
    for step, role, form in STEPS:
        username = "editor" if role == "editor" else f"{role}-{code}"
        user_id = db.session.query(User.id).filter_by(username=username).scalar()
        for instance_id in instance_ids:
            began = time.perf_counter()
            if profiler:
                profiler.enable()
            row_id = (db.session.query(HumanTask.id)
                      .filter_by(instance_id=instance_id, state="open", step_key=step).scalar())
            runner.complete(row_id, db.session.get(User, user_id), form)
            db.session.commit()
            if profiler:
                profiler.disable()
            latencies.append(time.perf_counter() - began)
    return latencies, profiler


def profile_top(profiler, count=25):
    """The profile's top functions by own time and by cumulative time, as text."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(count)
    stats.sort_stats("cumulative").print_stats(count)
    return out.getvalue()


# --- gunicorn -------------------------------------------------------------------------------------------------

def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(url, workers, log_path, attachment_dir):
    """A gunicorn arbiter with `workers` sync workers on a free loopback port; yields (process, port)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "MAIL_SERVER", "NOTICE_CHANNELS") and not k.startswith("GOVFLOW_")}
    env.update(DATABASE_URL=url, SECRET_KEY=SECRET, GOVFLOW_ENV="production", GOVFLOW_DEMO_CLOCK="0",
               ATTACHMENT_DIR=str(attachment_dir))
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "webapp:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_up(proc, port, log_path)
        yield proc, port
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def wait_until_up(proc, port, log_path):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/login")
            if conn.getresponse().status == 200:
                conn.close()
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port}:\n{Path(log_path).read_text(errors='replace')[-3000:]}")


# --- the load generator ---------------------------------------------------------------------------------------

class Session:
    """One logged-in user over one keep-alive connection (reopened when the server closes it)."""

    def __init__(self, port, username):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = {}
        status, body = self.request("GET", "/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', body.decode()).group(1)
        form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": csrf})
        status, _ = self.request("POST", "/login", form.encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise RuntimeError(f"login of {username} answered {status}")
        status, body = self.request("GET", "/api/session")
        self.csrf = json.loads(body)["csrf_token"]

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body, headers)
        response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        if response.will_close:
            self.conn.close()
        return response.status, data

    def api(self, method, path, payload=None):
        body = None if payload is None else json.dumps(payload).encode()
        return self.request(method, path, body, {"Content-Type": "application/json", "Accept": "application/json",
                                                 "X-CSRF-Token": self.csrf})


class Client(threading.Thread):
    """One load-generating client: its own counties' users and a session of the editor."""

    def __init__(self, port, counties, unit_ids, start, session_gets):
        super().__init__(daemon=True)
        self.port = port
        self.counties = counties
        self.unit_ids = unit_ids
        self.start_barrier = start
        self.session_gets = session_gets
        self.latencies = []          # completions, seconds
        self.list_latencies = []
        self.session_latencies = []
        self.statuses = {}           # non-200 answers: status -> count
        self.error = None

    def run(self):
        try:
            editor = Session(self.port, "editor")
            sessions = {(role, code): Session(self.port, f"{role}-{code}")
                        for code in self.counties for role in ("verifier", "leader")}
            self.start_barrier.wait()
            for _ in range(self.session_gets):
                self.timed(editor.api, "GET", "/api/session", into=self.session_latencies)
            self.start_barrier.wait()
            for _step, role, form in STEPS:
                for code in self.counties:
                    if role == "editor":
                        self.complete_all(editor, f"/api/tasks?tab=todo&unit={self.unit_ids[code]}", form)
                    else:
                        self.complete_all(sessions[role, code], "/api/tasks?tab=todo", form)
        except Exception as exc:  # raised again by the main thread
            self.error = exc
            self.start_barrier.abort()

    def timed(self, call, *args, into):
        began = time.perf_counter()
        status, body = call(*args)
        into.append(time.perf_counter() - began)
        if status != 200:
            self.statuses[status] = self.statuses.get(status, 0) + 1
        return status, body

    def complete_all(self, session, todo_path, form):
        while True:
            status, body = self.timed(session.api, "GET", todo_path, into=self.list_latencies)
            rows = json.loads(body)["tasks"] if status == 200 else []
            if not rows:
                return
            for row in rows:
                self.timed(session.api, "POST", f"/api/tasks/{row['id']}/complete", form, into=self.latencies)


def cpu_seconds(pids):
    """User plus system CPU time the processes have used so far (/proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def run_clients(port, count, codes, unit_ids, session_gets, workers):
    """Start `count` clients over disjoint shares of the counties; returns them, the two phases' seconds and the
    CPU seconds the `workers` used in each."""
    start = threading.Barrier(count + 1)
    clients = [Client(port, codes[index::count], unit_ids, start, session_gets) for index in range(count)]
    for client in clients:
        client.start()
    try:
        start.wait()                   # all logged in: session GETs
        began, cpu_began = time.perf_counter(), cpu_seconds(workers)
        start.wait()                   # all sent theirs: completions
        middle, cpu_middle = time.perf_counter(), cpu_seconds(workers)
    except threading.BrokenBarrierError:
        began = middle = time.perf_counter()
        cpu_began = cpu_middle = 0
    for client in clients:
        client.join()
    phases = (middle - began, time.perf_counter() - middle)
    cpu = (cpu_middle - cpu_began, cpu_seconds(workers) - cpu_middle)
    failed = [c.error for c in clients if c.error]
    if failed:
        raise RuntimeError(f"a client failed: {failed[0]!r}") from failed[0]
    return clients, phases, cpu


def latency_summary(seconds):
    return {"count": len(seconds), "p50_ms": percentile(seconds, 0.50) * 1000,
            "p95_ms": percentile(seconds, 0.95) * 1000, "p99_ms": percentile(seconds, 0.99) * 1000,
            "max_ms": max(seconds) * 1000}


# --- main -----------------------------------------------------------------------------------------------------

def run(args):
    from sqlalchemy import text

    from webapp.core import clock
    from webapp.extensions import db

    clock.set_fixed(None)  # the system clock, as the gunicorn workers read it
    report = {"benchmark": "http_load", "command": "python -m bench.http_load " + " ".join(args.argv),
              "machine": machine(), "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
              "size": args.size, "workers": args.workers, "clients": args.clients, "counties": args.counties,
              "baseline_items": args.baseline, "targets": TARGETS}
    codes = [county_code(index) for index in range(args.counties)]
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_database("postgresql", args.url))
        work_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="govflow-bench-http-")))
        began = time.perf_counter()
        app = dataset.schema(url, SECRET_KEY=SECRET, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
        with app.app_context():
            report["server"] = "PostgreSQL " + db.session.execute(text("SHOW server_version")).scalar()
            unit_ids = make_org(args.counties)
            create_items(args.size, codes)
            baseline_ids = create_items(args.baseline, [county_code(None)])
            report["setup_seconds"] = time.perf_counter() - began
            print(f"  set up in {report['setup_seconds']:.1f} s; in-process baseline...", flush=True)
            began = time.perf_counter()
            inprocess, profiler = run_inprocess(baseline_ids, county_code(None), args.profile)
            report["inprocess"] = {"completions": len(inprocess), "seconds": time.perf_counter() - began,
                                   "latency": latency_summary(inprocess)}
            db.session.remove()
            db.engine.dispose()

        log_path = work_dir / "gunicorn.log"
        proc, port = stack.enter_context(gunicorn(url, args.workers, log_path, work_dir / "attachments"))
        print(f"  gunicorn up (pid {proc.pid}, port {port}); {args.clients} clients...", flush=True)
        worker_pids = children(proc.pid)
        clients, (session_seconds, completion_seconds), (session_cpu, completion_cpu) = run_clients(
            port, args.clients, codes, unit_ids, args.session_gets, worker_pids)
        workers = [mb for mb in map(rss_mb, children(proc.pid)) if mb is not None]

        with app.app_context():
            report["open_tasks_left"] = db.session.execute(text(
                "SELECT count(*) FROM human_tasks WHERE state = 'open'")).scalar()
            db.session.remove()
            db.engine.dispose()

    completions = [s for c in clients for s in c.latencies]
    sessions = [s for c in clients for s in c.session_latencies]
    statuses = {}
    for client in clients:
        for status, count in client.statuses.items():
            statuses[str(status)] = statuses.get(str(status), 0) + count
    report["http"] = {
        "completions": len(completions), "expected_completions": args.size * len(STEPS),
        "seconds": completion_seconds, "latency": latency_summary(completions),
        "list_gets": latency_summary([s for c in clients for s in c.list_latencies]),
        "non_200": statuses, "session_gets": latency_summary(sessions), "session_seconds": session_seconds,
        "worker_cpu_seconds": {"session_gets": session_cpu, "completions": completion_cpu}}
    report["memory"] = {"worker_rss_mb": workers}
    if profiler:
        report["profile_top"] = profile_top(profiler)
    return report


def figures(report):
    """The run's figures as (name, value, unit)."""
    http, inprocess = report["http"], report["inprocess"]
    rate = http["completions"] / http["seconds"]
    inprocess_rate = inprocess["completions"] / inprocess["seconds"]
    session_rate = http["session_gets"]["count"] / http["session_seconds"]
    rss = report["memory"]["worker_rss_mb"]
    return [
        ("http.completions", http["completions"], "count"),
        ("http.completions_per_s", rate, "items/s"),
        ("http.latency_p50_ms", http["latency"]["p50_ms"], "ms"),
        ("http.latency_p95_ms", http["latency"]["p95_ms"], "ms"),
        ("http.latency_p99_ms", http["latency"]["p99_ms"], "ms"),
        ("http.latency_max_ms", http["latency"]["max_ms"], "ms"),
        ("http.errors", sum(http["non_200"].values()), "count"),
        ("http.todo_get_p50_ms", http["list_gets"]["p50_ms"], "ms"),
        ("http.worker_cpu_ms_per_completion", http["worker_cpu_seconds"]["completions"] / http["completions"] * 1000,
         "ms"),
        ("http.session_get_per_s", session_rate, "requests/s"),
        ("http.session_get_p50_ms", http["session_gets"]["p50_ms"], "ms"),
        ("http.worker_cpu_ms_per_session_get",
         http["worker_cpu_seconds"]["session_gets"] / http["session_gets"]["count"] * 1000, "ms"),
        ("baseline.inprocess_completions_per_s", inprocess_rate, "items/s"),
        ("baseline.inprocess_latency_p50_ms", inprocess["latency"]["p50_ms"], "ms"),
        ("baseline.inprocess_latency_p95_ms", inprocess["latency"]["p95_ms"], "ms"),
        ("ratio.http_vs_inprocess", rate / inprocess_rate, "ratio"),
        ("ratio.http_latency_p50_vs_inprocess", http["latency"]["p50_ms"] / inprocess["latency"]["p50_ms"], "ratio"),
        ("ratio.completion_vs_session_get", rate / session_rate, "ratio"),
        ("memory.web_worker_rss_max_mb", max(rss), "MB"),
        ("memory.web_worker_rss_mean_mb", sum(rss) / len(rss), "MB"),
        ("setup.seconds", report["setup_seconds"], "s"),
    ]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.http_load", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000, help="items carried through 3 steps over HTTP")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    parser.add_argument("--counties", type=int, default=8, help="county offices, shared out among the clients")
    parser.add_argument("--baseline", type=int, help="items carried in-process for the baseline (default size/4)")
    parser.add_argument("--session-gets", type=int, default=250, help="GET /api/session per client")
    parser.add_argument("--url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
                        help="PostgreSQL server on which the run creates (and drops) a database of its own")
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process baseline, print the top")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results", help="directory for the JSON file")
    args = parser.parse_args(argv)
    args.argv = argv
    if args.baseline is None:
        args.baseline = max(1, args.size // 4)
    if min(args.size, args.workers, args.clients, args.baseline, args.session_gets) < 1:
        parser.error("--size, --workers, --clients, --baseline and --session-gets must be at least 1")
    if args.counties < args.clients:
        parser.error("--counties must be at least --clients: each client owns counties of its own")

    print(f"http load: {args.size} items x {len(STEPS)} steps, gunicorn -w {args.workers}, {args.clients} clients, "
          f"{args.baseline} items in-process", flush=True)
    report = run(args)
    report["figures"] = {name: value for name, value, _unit in figures(report)}
    if "profile_top" in report:
        print(report["profile_top"])
    for name, value, unit in figures(report):
        emit(name, value, unit)
    found = report["figures"]
    report["targets_met"] = {
        "completions_per_s": found["http.completions_per_s"] >= TARGETS["completions_per_s"],
        "latency_p95_ms": found["http.latency_p95_ms"] < TARGETS["latency_p95_ms"],
        "worker_rss_mb": found["memory.web_worker_rss_max_mb"] < TARGETS["worker_rss_mb"]}
    print("targets: " + ", ".join(f"{name} {'met' if met else 'missed'}"
                                  for name, met in report["targets_met"].items()))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "http_load.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {path}")
    return report


if __name__ == "__main__":
    main()
