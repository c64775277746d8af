"""A chaos run: two gunicorn workers and two RQ workers on PostgreSQL + Redis under load, killed and restarted.

Run from the repository root (as root or as the user owning PostgreSQL's binaries):

    python -m bench.chaos [--duration 60] [--size 400] [--clients 3] [--timers 120]

The run starts a PostgreSQL cluster and a Redis server of its own (initdb into a temporary directory, free ports),
so that restarting them disturbs nobody else on the machine; both are removed at the end. On them:

* the schema by the migrations, the shipped processes and bench/timer.bpmn deployed; a city, its information
  office and editor, `--counties` counties with a writer, verifier and leader each; `--size` information items
  waiting at 核实审核 (bench.http_load's set-up);
* `gunicorn -w 2` in production mode with REDIS_URL (timers enqueued after commit), and two
  `rq worker --with-scheduler -w webapp.jobs.Worker` as docs/deployment.md runs them, kept running by this script
  as systemd's Restart=always would (a dead worker is started again after a second);
* load: `--clients` threads complete the items over HTTP (核实审核 → 签发 → 采编处理, as bench.http_load does),
  reconnecting after a refused connection; a starter thread arms new timers in-process throughout (bench_timer
  instances due 3–8 s later), beside `--timers` armed before the run, due across it;
* chaos, at fixed fractions of `--duration`: kill -9 of a gunicorn worker (15 %), of an RQ worker with its scheduler
  (30 %), `redis-cli shutdown nosave` and a new redis-server a second later (45 %), `pg_ctl restart -m fast` (60 %),
  and kill -9 of the other gunicorn worker and the other RQ worker at once (75 %). After each, the time until the
  system is whole again: /readyz 200, two gunicorn workers and two RQ workers registered;
* settle: the load stops, the run waits until no timer that was due is left armed (or `--settle` seconds), then
  stops everything and checks every instance from its saved state: open task rows are exactly the workflow's ready
  user tasks, armed timer rows exactly its waiting timers, the status matches, no task row was completed twice;
  each fired timer has one history event (more: fired twice); a timer due before the settle ended and still
  armed, or an armed-in-the-workflow timer without its row, is lost.

Prints `figure chaos.* N` lines (bench.figures); docs/reliability.md records a run.
"""
import argparse
import contextlib
import glob
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import dataset
from bench.figures import children, emit
from bench.http_load import SECRET, STEPS, Session, county_code, create_items, free_port, make_org, wait_until_up

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DIAGRAM = BENCH_DIR / "timer.bpmn"
PROCESS_KEY = "bench_timer"
QUEUE = "govflow-chaos"
SWEEP_SECONDS = 2          # the workers' sweep: what catches the timers whose jobs Redis lost
WEB_WORKERS = RQ_WORKERS = 2
BACKOFF_SECONDS = 0.5      # a load client waits this long after a 5xx or a lost connection
RECOVERY_LIMIT = 90        # seconds: a disruption the system has not recovered from by then counts as this long
CHAOS = (  # fraction of the duration, event
    (0.15, "kill -9 gunicorn worker"),
    (0.30, "kill -9 rq worker"),
    (0.45, "restart redis"),
    (0.60, "restart postgresql"),
    (0.75, "kill -9 gunicorn worker + rq worker"),
)


# --- services of the run's own ---------------------------------------------------------------------------------

def _pg_bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _as_postgres(command):
    """Run PostgreSQL's tools as the postgres user when this script runs as root (initdb refuses root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Services:
    """A PostgreSQL cluster and a Redis server on free loopback ports, in a temporary directory."""

    def __init__(self, work):
        self.work = work
        self.pg_dir, self.redis_dir = work / "pg", work / "redis"
        self.pg_port, self.redis_port = free_port(), free_port()

    @property
    def pg_url(self):
        return f"postgresql://postgres@127.0.0.1:{self.pg_port}/postgres"

    @property
    def redis_url(self):
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def __enter__(self):
        self.pg_dir.mkdir(parents=True)
        self.redis_dir.mkdir(parents=True)
        if os.geteuid() == 0:
            self.work.parent.chmod(0o711)  # the temporary directory: postgres must pass through it
            shutil.chown(self.work, "postgres")
            shutil.chown(self.pg_dir, "postgres")
        done = subprocess.run(_as_postgres([_pg_bin("initdb"), "-D", str(self.pg_dir / "data"), "-U", "postgres",
                                            "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                              capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr[-2000:]}")
        self.pg_ctl("start")
        self.start_redis()
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(Exception):
            self.pg_ctl("stop", "-m", "immediate")
        with contextlib.suppress(Exception):
            self.stop_redis()

    def pg_ctl(self, action, *options):
        settings = f"-p {self.pg_port} -k {self.pg_dir} -c listen_addresses=127.0.0.1 -c max_connections=100"
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), action, "-D", str(self.pg_dir / "data"), "-w", "-t", "60",
                                     "-l", str(self.pg_dir / "server.log"), "-o", settings, *options]),
                       check=True, capture_output=True)

    def start_redis(self):
        subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(self.redis_port),
                        "--save", "", "--appendonly", "no", "--dir", str(self.redis_dir),
                        "--pidfile", str(self.redis_dir / "redis.pid"), "--logfile", str(self.redis_dir / "redis.log")],
                       check=True, capture_output=True)
        for _ in range(100):
            if self._redis_up():
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop_redis(self):
        subprocess.run(["redis-cli", "-p", str(self.redis_port), "shutdown", "nosave"], capture_output=True)
        for _ in range(100):
            if not self._redis_up():
                return
            time.sleep(0.05)

    def _redis_up(self):
        done = subprocess.run(["redis-cli", "-p", str(self.redis_port), "ping"], capture_output=True, text=True)
        return done.stdout.strip() == "PONG"


# --- the processes under test ----------------------------------------------------------------------------------

def environment(url, redis_url, attachment_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVFLOW_", "MAIL_", "NOTICE_", "LOG_"))}
    env.update(DATABASE_URL=url, REDIS_URL=redis_url, RQ_QUEUE=QUEUE, SECRET_KEY=SECRET, GOVFLOW_ENV="production",
               GOVFLOW_DEMO_CLOCK="0", ATTACHMENT_DIR=str(attachment_dir),
               GOVFLOW_TIMER_SWEEP_SECONDS=str(SWEEP_SECONDS), GOVFLOW_COOKIE_SECURE="0")
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return env


class Supervisor:
    """gunicorn (its arbiter replaces killed workers) and the RQ workers (replaced here, as systemd would)."""

    def __init__(self, env, logs):
        self.env, self.logs = env, logs
        self.web = None
        self.port = free_port()
        self.rq = [None] * RQ_WORKERS
        self.stop = threading.Event()
        self.restarts = Counter()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self):
        log = open(self.logs / "gunicorn.log", "ab")  # noqa: SIM115  (closed with the process)
        self.web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(WEB_WORKERS), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "30", "webapp:create_app()"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until_up(self.web, self.port, self.logs / "gunicorn.log")
        for index in range(RQ_WORKERS):
            self._start_worker(index)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self._thread.join(timeout=5)
        for proc in [self.web, *self.rq]:
            with contextlib.suppress(ProcessLookupError, AttributeError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in [self.web, *self.rq]:
            if proc is None:
                continue
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)

    def _start_worker(self, index):
        log = open(self.logs / f"rq-{index}.log", "ab")  # noqa: SIM115
        self.rq[index] = subprocess.Popen(
            [sys.executable, "-m", "rq.cli", "worker", "--with-scheduler", "-w", "webapp.jobs.Worker",
             "--maintenance-interval", "5", "-u", self.env["REDIS_URL"], "-n", f"chaos-{index}-{time.time_ns()}",
             QUEUE], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def _watch(self):
        while not self.stop.wait(1.0):
            for index, proc in enumerate(self.rq):
                if proc.poll() is not None:
                    self.restarts[f"rq-{index}"] += 1
                    self._start_worker(index)

    def web_workers(self):
        return children(self.web.pid)

    def kill_web_worker(self, which=0):
        pids = sorted(self.web_workers())
        os.kill(pids[which % len(pids)], signal.SIGKILL)

    def kill_rq_worker(self, index):
        os.killpg(self.rq[index].pid, signal.SIGKILL)  # the worker and its scheduler process


# --- load ------------------------------------------------------------------------------------------------------

class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.connection_errors = 0
        self.completions = 0

    def add(self, status):
        with self.lock:
            self.statuses[status] += 1

    def refused(self):
        with self.lock:
            self.connection_errors += 1


class Stopped(Exception):
    """The run ended while a client was still logging in again."""


class LoadClient(threading.Thread):
    """Completes its counties' items over HTTP until told to stop or out of work; survives lost connections."""

    def __init__(self, port, counties, unit_ids, tally, stop):
        super().__init__(daemon=True)
        self.port, self.counties, self.unit_ids, self.tally, self.stop = port, counties, unit_ids, tally, stop
        self.sessions = {}
        self.error = None

    def session(self, username):
        """A logged-in session (GET /login, POST /login, GET /api/session), logging in again after a lost one."""
        while username not in self.sessions:
            try:
                self.sessions[username] = Session(self.port, username)
                for _ in range(3):
                    self.tally.add(200)
            except RuntimeError as exc:  # "login of … answered <status>"
                answered = re.search(r"answered (\d+)", str(exc))
                self.tally.add(int(answered.group(1))) if answered else self.tally.refused()
            except (OSError, http.client.HTTPException, ValueError, AttributeError):
                self.tally.refused()
            if username not in self.sessions and self.stop.wait(BACKOFF_SECONDS):
                raise Stopped
        return self.sessions[username]

    def call(self, username, method, path, payload=None):
        try:
            status, body = self.session(username).api(method, path, payload)
        except (OSError, http.client.HTTPException):
            self.tally.refused()
            self.sessions.pop(username, None)
            self.stop.wait(BACKOFF_SECONDS)
            return None, b""
        self.tally.add(status)
        if status >= 500:
            self.stop.wait(BACKOFF_SECONDS)  # as a browser's user or an API client honouring Retry-After would
        return status, body

    def run(self):
        try:
            for _step, role, form in STEPS:
                for code in self.counties:
                    username = "editor" if role == "editor" else f"{role}-{code}"
                    path = "/api/tasks?tab=todo" + (f"&unit={self.unit_ids[code]}" if role == "editor" else "")
                    self.complete_all(username, path, form)
            while not self.stop.is_set():  # out of items: keep reading until the run ends
                self.call("editor", "GET", "/api/tasks?tab=todo")
                self.call(f"writer-{self.counties[0]}", "GET", "/api/session")
        except Stopped:
            return
        except Exception as exc:  # reported by the main thread
            self.error = exc

    def complete_all(self, username, path, form):
        while not self.stop.is_set():
            status, body = self.call(username, "GET", path)
            if status is None:
                continue
            rows = json.loads(body)["tasks"] if status == 200 else []
            if status == 200 and not rows:
                return
            for row in rows:
                if self.stop.is_set():
                    return
                if self.call(username, "POST", f"/api/tasks/{row['id']}/complete", form)[0] == 200:
                    with self.tally.lock:
                        self.tally.completions += 1


def start_timers(count, due_of):
    """Start `count` bench_timer instances, one commit each, due at `due_of(index)`; returns how many started."""
    from webapp.engine import runner
    from webapp.extensions import db

    started = 0
    for index in range(count):
        try:
            runner.start(PROCESS_KEY, None, {"due": due_of(index).isoformat()})
            db.session.commit()
            started += 1
        except Exception:  # the database is being restarted: this start did not happen
            db.session.rollback()
    return started


class TimerStarter(threading.Thread):
    """Arms new timers while the chaos runs: one instance every `every` seconds, due 3–8 s later."""

    def __init__(self, app, until, every=0.25):
        super().__init__(daemon=True)
        self.app, self.until, self.every = app, until, every
        self.started = self.failed = 0

    def run(self):
        from webapp.extensions import db

        with self.app.app_context():
            while time.monotonic() < self.until:
                if start_timers(1, lambda _i: datetime.now(UTC) + timedelta(seconds=random.uniform(3, 8))):
                    self.started += 1
                else:
                    self.failed += 1
                time.sleep(self.every)
            db.session.remove()


# --- watching recovery -----------------------------------------------------------------------------------------

CANARY = "webapp.core.request_ids.current"  # a job that does nothing but answer


def whole(supervisor, redis_url):
    """/readyz answers 200, gunicorn has its workers, both RQ worker processes run and a canary job is done by one
    of them within two seconds. (Worker registrations are no test: they are gone with a Redis restart, and the
    workers, which keep working, register again only when they start.)"""
    from redis import Redis
    from rq import Queue

    if len(supervisor.web_workers()) != WEB_WORKERS or any(p.poll() is not None for p in supervisor.rq):
        return False
    try:
        conn = http.client.HTTPConnection("127.0.0.1", supervisor.port, timeout=2)
        conn.request("GET", "/readyz")
        ready = conn.getresponse().status == 200
        conn.close()
        if not ready:
            return False
        redis = Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)
        job = Queue(QUEUE, connection=redis).enqueue(CANARY, result_ttl=60)
        for _ in range(20):
            if job.get_status(refresh=True) == "finished":
                return True
            time.sleep(0.1)
    except Exception:
        return False
    return False


def disrupt(event, supervisor, services):
    if event == "kill -9 gunicorn worker":
        supervisor.kill_web_worker(0)
    elif event == "kill -9 rq worker":
        supervisor.kill_rq_worker(0)
    elif event == "restart redis":
        services.stop_redis()
        time.sleep(1.0)
        services.start_redis()
    elif event == "restart postgresql":
        services.pg_ctl("restart", "-m", "fast")
    else:
        supervisor.kill_web_worker(1)
        supervisor.kill_rq_worker(1)


def run_chaos(supervisor, services, began, duration):
    """Each event at its moment; returns [(event, seconds until whole again)]."""
    recoveries = []
    for fraction, event in CHAOS:
        time.sleep(max(0.0, began + fraction * duration - time.monotonic()))
        print(f"  {time.monotonic() - began:5.1f} s: {event}", flush=True)
        hit = time.monotonic()
        disrupt(event, supervisor, services)
        time.sleep(0.5)  # let the kill land before asking whether all is whole
        while not whole(supervisor, services.redis_url):
            if time.monotonic() - hit > RECOVERY_LIMIT:
                break
            time.sleep(0.1)
        recoveries.append((event, time.monotonic() - hit))
        print(f"         whole again after {recoveries[-1][1]:.1f} s", flush=True)
    return recoveries


# --- checking --------------------------------------------------------------------------------------------------

def check_instances():
    """(instances checked, [(instance id, reason)]) from every instance's saved state against its rows."""
    from SpiffWorkflow.util.task import TaskState

    from webapp.engine import store
    from webapp.engine.models import HumanTask, InstanceEvent, ProcessInstance, Timer
    from webapp.engine.projection import _armed_timers
    from webapp.extensions import db

    problems = []
    completes = Counter(task_id for (task_id,) in db.session.query(InstanceEvent.task_id).filter(
        InstanceEvent.action == "complete", InstanceEvent.task_id.isnot(None)))
    ids = [i for (i,) in db.session.query(ProcessInstance.id).order_by(ProcessInstance.id)]
    for instance_id in ids:
        instance = db.session.get(ProcessInstance, instance_id)
        workflow = store.restore(instance)
        ready = {str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
        open_rows = {r.task_uuid for r in db.session.query(HumanTask).filter_by(instance_id=instance_id,
                                                                                 state="open")}
        waiting = {str(t.id) for t, _due in _armed_timers(workflow)}
        armed_rows = {r.task_uuid for r in db.session.query(Timer).filter(
            Timer.instance_id == instance_id, Timer.state.in_(("armed", "held")))}
        if instance.status == "incident":
            problems.append((instance_id, "stopped by an incident"))
        elif ready != open_rows:
            problems.append((instance_id, f"ready tasks {sorted(ready)} but open rows {sorted(open_rows)}"))
        elif waiting != armed_rows:
            problems.append((instance_id, f"waiting timers {sorted(waiting)} but armed rows {sorted(armed_rows)}"))
        elif workflow.is_completed() != (instance.status == "completed"):
            problems.append((instance_id, f"status {instance.status} but completed={workflow.is_completed()}"))
        twice = [row.id for row in db.session.query(HumanTask.id).filter_by(instance_id=instance_id)
                 if completes[row.id] > 1]
        if twice:
            problems.append((instance_id, f"task rows completed twice: {twice}"))
        db.session.expunge_all()
    return len(ids), problems


def check_timers(settled_at):
    """(timers fired, fired twice, lost): history events per fired timer row; armed rows due before the end."""
    from webapp.engine.models import InstanceEvent, Timer
    from webapp.extensions import db

    events = Counter()
    for instance_id, step_key, data in db.session.query(
            InstanceEvent.instance_id, InstanceEvent.step_key, InstanceEvent.data).filter_by(action="timer"):
        events[instance_id, step_key, (data or {}).get("due")] += 1
    fired = db.session.query(Timer).filter_by(state="fired").all()
    twice = sum(1 for t in fired if events[t.instance_id, t.step_key, t.due_dt.isoformat()] > 1)
    lost = db.session.query(Timer).filter(Timer.state == "armed", Timer.due_dt < settled_at).count()
    return len(fired), twice, lost


def wait_for_timers(app, deadline):
    """Until no armed timer is due any more (all were armed to be due before the load stopped), or the deadline."""
    from webapp.engine.models import Timer
    from webapp.extensions import db

    with app.app_context():
        while time.monotonic() < deadline:
            left = db.session.query(Timer).filter(Timer.state == "armed").count()
            db.session.rollback()
            if left == 0:
                break
            time.sleep(0.5)
        db.session.remove()
    return datetime.now(UTC)


# --- main ------------------------------------------------------------------------------------------------------

def run(args):
    from webapp.core import clock
    from webapp.engine import definitions
    from webapp.extensions import db

    clock.set_fixed(None)  # the system clock, as the workers read it
    codes = [county_code(index) for index in range(args.counties)]
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="govflow-chaos-")))
        logs = work / "logs"
        logs.mkdir()
        services = stack.enter_context(Services(work / "services"))
        print(f"  own PostgreSQL on :{services.pg_port}, Redis on :{services.redis_port}", flush=True)
        url = services.pg_url.rsplit("/", 1)[0] + "/govflow_chaos"
        subprocess.run(["psql", "-q", "-d", services.pg_url, "-c", "CREATE DATABASE govflow_chaos"], check=True)
        app = dataset.schema(url, SECRET_KEY=SECRET, REDIS_URL=services.redis_url, RQ_QUEUE=QUEUE,
                             SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
        with app.app_context():
            definitions.deploy(PROCESS_KEY, DIAGRAM.read_text(encoding="utf-8"))
            db.session.commit()
            unit_ids = make_org(args.counties)
            create_items(args.size, codes)
            began_wall = datetime.now(UTC)
            spread = max(1.0, args.duration - 10)
            armed = start_timers(args.timers, lambda i: began_wall + timedelta(seconds=5 + spread * i / args.timers))
            db.session.remove()
        print(f"  {args.size} items at 核实审核, {armed} timers armed; starting gunicorn -w {WEB_WORKERS} and "
              f"{RQ_WORKERS} rq workers", flush=True)

        env = environment(url, services.redis_url, work / "attachments")
        with Supervisor(env, logs) as supervisor:
            subprocess.run([sys.executable, "-m", "flask", "--app", "webapp", "govflow", "start-sweep"], cwd=ROOT,
                           env=env, check=True, capture_output=True)
            tally, stop = Tally(), threading.Event()
            clients = [LoadClient(supervisor.port, codes[i::args.clients], unit_ids, tally, stop)
                       for i in range(args.clients)]
            began = time.monotonic()
            starter = TimerStarter(app, began + args.duration - 8)
            for thread in [*clients, starter]:
                thread.start()
            recoveries = run_chaos(supervisor, services, began, args.duration)
            time.sleep(max(0.0, began + args.duration - time.monotonic()))
            stop.set()
            for thread in [*clients, starter]:
                thread.join(timeout=60)
            print(f"  load stopped after {time.monotonic() - began:.0f} s; waiting for the timers to settle",
                  flush=True)
            settled_at = wait_for_timers(app, time.monotonic() + args.settle)
            restarts = dict(supervisor.restarts)
        if args.logs:
            shutil.copytree(logs, args.logs, dirs_exist_ok=True)
        with app.app_context():
            checked, problems = check_instances()
            fired, twice, lost = check_timers(settled_at)
            db.session.remove()
            db.engine.dispose()
    failed = [c.error for c in clients if c.error]
    if failed:
        raise RuntimeError(f"a load client failed: {failed[0]!r}") from failed[0]
    requests = sum(tally.statuses.values())
    return {
        "requests": requests + tally.connection_errors, "answered": requests,
        "status_5xx": sum(n for s, n in tally.statuses.items() if s >= 500),
        "status_409": tally.statuses.get(409, 0), "connection_errors": tally.connection_errors,
        "completions": tally.completions, "statuses": dict(tally.statuses),
        "instances_checked": checked, "problems": problems, "timers_fired": fired, "timers_fired_twice": twice,
        "timers_lost": lost, "timers_armed_before": armed, "timers_started_during": starter.started,
        "timer_starts_failed": starter.failed, "recoveries": recoveries, "rq_restarts": restarts,
    }


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load and chaos")
    parser.add_argument("--size", type=int, default=400, help="items carried through 3 steps over HTTP")
    parser.add_argument("--clients", type=int, default=3, help="concurrent HTTP clients")
    parser.add_argument("--counties", type=int, default=6, help="county offices, shared out among the clients")
    parser.add_argument("--timers", type=int, default=120, help="timers armed before the run, due across it")
    parser.add_argument("--settle", type=float, default=60, help="seconds to wait for due timers after the load")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results", help="directory for the JSON file")
    parser.add_argument("--logs", type=Path, help="copy the gunicorn and RQ worker logs into this directory")
    args = parser.parse_args(argv)
    if args.duration < 20 or min(args.size, args.clients, args.timers) < 1 or args.counties < args.clients:
        parser.error("--duration at least 20; --size, --clients, --timers at least 1; --counties >= --clients")
    print(f"chaos: {args.duration:.0f} s, {args.size} items, {args.clients} clients, {args.timers} timers", flush=True)
    report = run(args)
    for event, seconds in report["recoveries"]:
        print(f"  recovery after {event}: {seconds:.1f} s")
    for instance_id, reason in report["problems"][:20]:
        print(f"  inconsistent instance {instance_id}: {reason}")
    print(f"  statuses {report['statuses']}, connection errors {report['connection_errors']}, "
          f"completions {report['completions']}, timers fired {report['timers_fired']} "
          f"({report['timers_armed_before']} armed before, {report['timers_started_during']} during; "
          f"{report['timer_starts_failed']} starts refused while PostgreSQL restarted), "
          f"rq restarts {report['rq_restarts']}")
    emit("chaos.requests", report["requests"], "count")
    emit("chaos.5xx", report["status_5xx"], "count")
    emit("chaos.connection_errors", report["connection_errors"], "count")
    emit("chaos.instances_checked", report["instances_checked"], "count")
    emit("chaos.instances_inconsistent", len(report["problems"]), "count")
    emit("chaos.timers_fired", report["timers_fired"], "count")
    emit("chaos.timers_fired_twice", report["timers_fired_twice"], "count")
    emit("chaos.timers_lost", report["timers_lost"], "count")
    emit("chaos.recovery_seconds", max(seconds for _event, seconds in report["recoveries"]), "s")
    args.out.mkdir(parents=True, exist_ok=True)
    report["command"] = "python -m bench.chaos " + " ".join(argv)
    report["run_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    path = args.out / "chaos.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"written to {path}")
    return report


if __name__ == "__main__":
    main()
