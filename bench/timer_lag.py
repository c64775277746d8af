"""Timer lag (due → fired) with no other timer pending and with 100,000 pending timers, on one database.

Run from the repository root (`make bench` runs it on SQLite and on PostgreSQL, with --rq):

    python -m bench.timer_lag --db sqlite [--rq]
    python -m bench.timer_lag --db postgresql [--url postgresql://postgres@127.0.0.1:5432/postgres] [--rq]

On a fresh database (a temporary SQLite file, or a PostgreSQL database of its own, dropped at the end)
whose schema is made by the migrations, as `flask govflow setup` makes it:

1. deploy `bench/timer.bpmn`: start → intermediate timer catch event (`timeDate` read from the variable
   `due`) → end;
2. baseline, no other timer pending. The sweep path (`timers.fire_due()`: what the embedded sweeper
   thread and the RQ `sweep` job run): each round starts K real instances (`runner.start`, one commit
   each, as K requests would) whose timers are all due at the same moment, pins GovFlow's clock one second
   past it and runs the sweep. A timer's lag is the wall-clock time from the start of that sweep to the
   commit that fired its row; throughput is timers fired over the sweep's wall-clock time.
   With --rq also the production path: two real `rq worker --with-scheduler -w webapp.jobs.Worker`
   processes on a leased Redis database, GovFlow's clock released (workers read the system clock), each
   armed timer enqueued after commit by `webapp.engine.scheduling`, the workers' sweep job set to once an
   hour so that each timer is fired by its own `fire_timer` job; K timers due at the same whole second.
   The lag is `fired_dt - due_dt` as the worker wrote it (as in docs/timers.md), split at the moment
   RQ's scheduler put the job on the queue (`job.enqueued_at`): scheduler wait + work;
3. load `--pending` armed timers due 30 to 395 days later: one real instance, and bulk-inserted copies of
   exactly the rows the engine wrote for it (`process_instances`, `timers`, `instance_events`), each with
   its own timer task id and due time, in the workflow state as in the `timers` row. Three copies are
   checked by letting the engine fire them (nothing is due, so nothing may change) in a transaction that is
   rolled back. On PostgreSQL the load is followed by VACUUM (ANALYZE) and CHECKPOINT (what autovacuum and
   the checkpointer do on their own within minutes), so that the loaded phase measures the steady state.
   With --rq every pending timer is also scheduled in Redis, as the after-commit hook would have done;
4. repeat step 2 with fresh instances; print a table with the ratios loaded/baseline of this same run and
   the plan of the sweep's pick query, and write it all to bench/results/timer_lag-<db>.json.

A deployed sweep runs every GOVFLOW_TIMER_SWEEP_SECONDS: in the sweep path a timer also waits for the
next sweep to start, which is not part of the lag measured here.
"""
import argparse
import contextlib
import json
import math
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, event, func, insert, select, text

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DIAGRAM = BENCH_DIR / "timer.bpmn"
PROCESS_KEY = "bench_timer"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379"

ROUND_SPAN = timedelta(hours=2)                   # pinned clock: a round starts 2 h after the previous one
DUE_AFTER = timedelta(hours=1)                    # pinned clock: timers are due 1 h after they were armed
PENDING_FROM = timedelta(days=30)                 # pending timers: due 30 ... 395 days after the run's start
PENDING_SPREAD = timedelta(days=365)
CHUNK = 5000                                      # rows (and Redis jobs) per bulk batch
PICK_MARK = "FROM timers JOIN process_instances"  # the sweep's pick query (webapp/engine/timers.py)

REDIS_DBS = range(5, 16)          # Redis databases the tests lease (tests/engine/test_rq_timers.py): same leases
REDIS_LEASE_SECONDS = 3600
RQ_WORKERS = 2
RQ_SWEEP_SECONDS = 3600           # the workers' sweep job: out of the way, each timer is fired by its own job
RQ_FIRE_TIMEOUT = 120             # seconds after the due time before a round is declared failed


# --- the database ----------------------------------------------------------------------------------------------

@contextmanager
def fresh_database(kind, server_url):
    """Yield the URL of a new empty database; remove it afterwards."""
    from webapp.config import normalize_database_url

    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="govflow-bench-") as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"
        return
    base = normalize_database_url(server_url)
    name = f"govflow_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(re.sub(r"/[^/]*$", "/postgres", base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield re.sub(r"/[^/]*$", f"/{name}", base)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_app(url):
    """The app as deployed without Redis: schema by the migrations, the bench diagram deployed."""
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.config import ROOT as APP_ROOT
    from webapp.engine import definitions
    from webapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "DEMO_CLOCK": False,
                      "REDIS_URL": None})
    with app.app_context():
        upgrade(directory=str(APP_ROOT / "migrations"))
        definitions.deploy(PROCESS_KEY, DIAGRAM.read_text(encoding="utf-8"))
        db.session.commit()
    return app


def server_version(db):
    if db.engine.dialect.name == "postgresql":
        return "PostgreSQL " + db.session.execute(text("SHOW server_version")).scalar()
    return "SQLite " + db.session.execute(text("SELECT sqlite_version()")).scalar()


# --- measuring ------------------------------------------------------------------------------------------------

class Recorder:
    """When each timer row was committed as fired, and how long the sweep's pick queries took."""

    def __init__(self, db):
        self.db = db
        self.committed_at = {}  # timer id -> perf_counter() right after the commit that fired it
        self.pick_seconds = []
        self._fired = set()
        self._listeners = (
            (db.session, "after_flush", self._after_flush),
            (db.session, "after_commit", self._after_commit),
            (db.session, "after_rollback", self._after_rollback),
            (db.engine, "before_cursor_execute", self._before_execute),
            (db.engine, "after_cursor_execute", self._after_execute),
        )

    def __enter__(self):
        for target, name, fn in self._listeners:
            event.listen(target, name, fn)
        return self

    def __exit__(self, *exc):
        for target, name, fn in self._listeners:
            event.remove(target, name, fn)

    def _after_flush(self, session, _context):
        from webapp.engine.models import Timer

        self._fired.update(obj.id for obj in session.dirty if isinstance(obj, Timer) and obj.state == "fired")

    def _after_commit(self, _session):
        now = time.perf_counter()
        for timer_id in self._fired:
            self.committed_at.setdefault(timer_id, now)
        self._fired.clear()

    def _after_rollback(self, _session):
        self._fired.clear()

    def _before_execute(self, conn, _cursor, statement, _params, _context, _many):
        if PICK_MARK in statement:
            conn.info["bench_pick_started"] = time.perf_counter()

    def _after_execute(self, conn, _cursor, statement, _params, _context, _many):
        started = conn.info.pop("bench_pick_started", None)
        if started is not None:
            self.pick_seconds.append(time.perf_counter() - started)


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * fraction)) - 1]


def lag_summary(name, path, pending, rounds, count, lags):
    return {
        "phase": name,
        "path": path,
        "pending": pending,
        "rounds": rounds,
        "timers_per_round": count,
        "lag_p50_ms": percentile(lags, 0.50) * 1000,
        "lag_p95_ms": percentile(lags, 0.95) * 1000,
        "lag_max_ms": max(lags) * 1000,
    }


class Bench:
    """The rounds of one run; `start` is the run's first clock moment (pinned rounds go on from it)."""

    def __init__(self, db, start, count, rounds):
        self.db = db
        self.start = start
        self.count = count
        self.rounds = rounds
        self.next_round = 0
        self.rq = None  # RQSetup while the RQ path is measured

    def start_instances(self, count, due):
        """Start `count` instances whose timers are due at `due`, one commit each; returns the timer ids."""
        from webapp.engine import runner
        from webapp.engine.models import Timer

        ids = []
        for _ in range(count):
            ids.append(runner.start(PROCESS_KEY, None, {"due": due.isoformat()}).id)
            self.db.session.commit()
        timer_ids = self.db.session.execute(select(Timer.id).where(Timer.instance_id.in_(ids))).scalars().all()
        self.db.session.rollback()
        if len(timer_ids) != count:
            raise RuntimeError(f"expected {count} armed timers, found {len(timer_ids)}")
        return timer_ids

    def check_fired(self, timer_ids):
        """Every timer fired once and its instance completed; returns the timers' (id, due_dt, fired_dt)."""
        from webapp.engine.models import InstanceEvent, ProcessInstance, Timer

        session = self.db.session
        session.rollback()
        rows = session.execute(
            select(Timer.id, Timer.due_dt, Timer.fired_dt, ProcessInstance.status)
            .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
            .where(Timer.id.in_(timer_ids), Timer.state == "fired")
        ).all()
        events = session.execute(
            select(func.count()).select_from(InstanceEvent).join(Timer, Timer.instance_id == InstanceEvent.instance_id)
            .where(Timer.id.in_(timer_ids), InstanceEvent.action == "timer")
        ).scalar()
        session.rollback()
        if len(rows) != len(timer_ids) or events != len(timer_ids) or any(r.status != "completed" for r in rows):
            raise RuntimeError(f"{len(rows)}/{len(timer_ids)} timers fired, {events} timer events")
        return [(r.id, r.due_dt, r.fired_dt) for r in rows]

    # the sweep path, pinned clock

    def sweep_round(self, count, explain=False):
        """Arm `count` timers, move the clock past their due time, sweep; returns the round's measurements."""
        from webapp.engine import clock, timers

        armed_at = self.start + self.next_round * ROUND_SPAN
        self.next_round += 1
        due = armed_at + DUE_AFTER
        clock.set_fixed(armed_at)
        began = time.perf_counter()
        timer_ids = self.start_instances(count, due)
        arm_seconds = time.perf_counter() - began

        clock.set_fixed(due + timedelta(seconds=1))
        plan = explain_pick(self.db) if explain else None
        with Recorder(self.db) as recorder:
            swept_at = time.perf_counter()
            while timers.fire_due():  # one sweep fires up to 1000 instances; sweep again until none is due
                pass
        self.check_fired(timer_ids)
        lags = [recorder.committed_at[t] - swept_at for t in timer_ids]
        return {"lags": lags, "arm_seconds": arm_seconds, "pick_seconds": recorder.pick_seconds, "plan": plan}

    def sweep_phase(self, name, pending):
        results = [self.sweep_round(self.count, explain=(r == self.rounds - 1)) for r in range(self.rounds)]
        lags = [lag for r in results for lag in r["lags"]]
        picks = [p for r in results for p in r["pick_seconds"]]
        fired = self.count * self.rounds
        summary = {
            **lag_summary(name, "sweep", pending, self.rounds, self.count, lags),
            "fired_per_second": fired / sum(max(r["lags"]) for r in results),
            "round_fired_per_second": [self.count / max(r["lags"]) for r in results],
            "pick_mean_ms": sum(picks) / len(picks) * 1000,
            "pick_queries": len(picks),
            "armed_per_second": fired / sum(r["arm_seconds"] for r in results),
            "pick_plan": results[-1]["plan"],
        }
        print(f"  sweep {name}: lag p50 {summary['lag_p50_ms']:.0f} ms, p95 {summary['lag_p95_ms']:.0f} ms, "
              f"{summary['fired_per_second']:.1f} fired/s, pick {summary['pick_mean_ms']:.2f} ms", flush=True)
        return summary

    # the RQ path, system clock

    def rq_round(self):
        """Arm K timers due at one whole second (system clock) and let the workers fire them.

        Returns per timer (lag, scheduler wait, worker part, fired by its own job): the lag `fired_dt - due_dt`
        splits at the moment RQ's scheduler moved the job onto the queue (`job.enqueued_at`).
        """
        from webapp.engine import clock

        clock.set_fixed(None)
        margin = timedelta(seconds=2 + self.count / 50)  # arming K timers must end before they are due
        due = (clock.now() + margin).replace(microsecond=0)
        timer_ids = self.start_instances(self.count, due)
        if clock.now() >= due:
            raise RuntimeError("arming took longer than the margin before the due time")
        deadline = due.timestamp() + RQ_FIRE_TIMEOUT
        while self.fired_count(timer_ids) < len(timer_ids):
            if time.time() > deadline:
                raise RuntimeError(f"RQ workers did not fire {self.count} timers within {RQ_FIRE_TIMEOUT} s")
            time.sleep(0.2)
        rows = self.check_fired(timer_ids)
        jobs = self.rq.timer_jobs(rows)
        return [((fired - due_dt).total_seconds(), (job.enqueued_at - due_dt).total_seconds(),
                 (fired - job.enqueued_at).total_seconds(), bool(job.return_value()))
                for (_, due_dt, fired), job in zip(rows, jobs, strict=True)]

    def fired_count(self, timer_ids):
        from webapp.engine.models import Timer

        count = self.db.session.execute(
            select(func.count()).select_from(Timer).where(Timer.id.in_(timer_ids), Timer.state == "fired")).scalar()
        self.db.session.rollback()
        return count

    def rq_phase(self, name, pending):
        with self.rq.workers():
            timers = [t for _ in range(self.rounds) for t in self.rq_round()]
        lags = [lag for lag, *_ in timers]
        by_jobs = [t for t in timers if t[3]]  # the split holds only for timers their own job fired
        waits = [wait for _, wait, _, _ in by_jobs]
        worker_parts = [part for _, _, part, _ in by_jobs]
        summary = {
            **lag_summary(name, "rq", pending, self.rounds, self.count, lags),
            "lag_min_ms": min(lags) * 1000,
            "scheduler_wait_p50_ms": percentile(waits, 0.50) * 1000,
            "scheduler_wait_max_ms": max(waits) * 1000,
            "worker_p50_ms": percentile(worker_parts, 0.50) * 1000,
            "worker_p95_ms": percentile(worker_parts, 0.95) * 1000,
            "worker_max_ms": max(worker_parts) * 1000,
            "fired_by_timer_jobs": len(by_jobs),
        }
        print(f"  rq    {name}: lag p50 {summary['lag_p50_ms']:.0f} ms, p95 {summary['lag_p95_ms']:.0f} ms, "
              f"max {summary['lag_max_ms']:.0f} ms; queued -> fired p50 {summary['worker_p50_ms']:.0f} ms",
              flush=True)
        return summary


# --- the sweep's pick query ---------------------------------------------------------------------------------------

def explain_pick(db):
    """The plan of the sweep's pick query as it runs now (the statement is captured from the engine itself)."""
    from webapp.engine import timers

    captured = []

    def capture(_conn, _cursor, statement, params, _context, _many):
        if PICK_MARK in statement:
            captured.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        timers._next_due_instance(set())  # the query fire_due() runs for each instance it fires
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
        db.session.rollback()
    statement, params = captured[0]
    conn = db.session.connection()
    try:
        if db.engine.dialect.name == "postgresql":
            rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).all()
            return [row[0] for row in rows]
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
        return [f"{row[0]}|{row[1]}| {row[3]}" for row in rows]
    finally:
        db.session.rollback()


# --- pending timers -----------------------------------------------------------------------------------------------

def load_pending(db, start, count):
    """`count` armed timers due 30-395 days after `start`: one real instance and bulk copies of its rows.

    Returns (summary, [(timer id, due_dt)] of all of them).
    """
    from webapp.engine import clock, runner
    from webapp.engine.models import InstanceEvent, ProcessInstance, Timer

    instances, timers_t, events_t = ProcessInstance.__table__, Timer.__table__, InstanceEvent.__table__
    clock.set_fixed(start)
    began = time.perf_counter()

    def due_of(i):
        return start + PENDING_FROM + timedelta(seconds=int(PENDING_SPREAD.total_seconds() * i / count))

    template = runner.start(PROCESS_KEY, None, {"due": due_of(0).isoformat()})
    db.session.commit()
    instance_row = dict(db.session.execute(select(instances).where(instances.c.id == template.id)).mappings().one())
    timer_row = dict(db.session.execute(select(timers_t).where(timers_t.c.instance_id == template.id))
                     .mappings().one())
    event_rows = [dict(r) for r in db.session.execute(select(events_t).where(events_t.c.instance_id == template.id))
                  .mappings()]
    db.session.rollback()
    armed = [(timer_row["id"], timer_row["due_dt"])]
    template_uuid, template_due = timer_row["task_uuid"], due_of(0).isoformat()
    state_json = instance_row["state_json"]
    if template_uuid not in state_json or template_due not in state_json:
        raise RuntimeError("the template's workflow state does not hold its timer task id and due time")
    for row in (instance_row, timer_row, *event_rows):
        del row["id"]

    copies = []
    for first in range(1, count, CHUNK):
        batch = range(first, min(first + CHUNK, count))
        uuids = [str(uuid.uuid4()) for _ in batch]
        dues = [due_of(i) for i in batch]
        rows = [{**instance_row,
                 "state_json": state_json.replace(template_uuid, u).replace(template_due, d.isoformat())}
                for u, d in zip(uuids, dues, strict=True)]
        ids = db.session.execute(insert(instances).returning(instances.c.id, sort_by_parameter_order=True),
                                 rows).scalars().all()
        timer_ids = db.session.execute(
            insert(timers_t).returning(timers_t.c.id, sort_by_parameter_order=True),
            [{**timer_row, "instance_id": i, "task_uuid": u, "due_dt": d} for i, u, d in zip(ids, uuids, dues,
                                                                                            strict=True)],
        ).scalars().all()
        db.session.execute(insert(events_t), [{**e, "instance_id": i} for i in ids for e in event_rows])
        db.session.commit()
        copies.extend(ids)
        armed.extend(zip(timer_ids, dues, strict=True))
    seconds = time.perf_counter() - began
    check_copies(db, count, copies[:1] + copies[len(copies) // 2:][:1] + copies[-1:])
    after_load = []
    if db.engine.dialect.name == "postgresql":
        # What autovacuum and the checkpointer do on their own within minutes of such a load; done here so
        # that the loaded phase measures the steady state, not whichever of them happens to run meanwhile.
        after_load = ["VACUUM (ANALYZE)", "CHECKPOINT"]
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for statement in after_load:
                conn.exec_driver_sql(statement)
    return {"pending": count, "load_seconds": seconds, "after_load": after_load}, armed


def check_copies(db, count, instance_ids):
    """Copied instances are what the engine wrote: firing one (nothing is due) leaves its timer row as it is."""
    from webapp.engine import runner
    from webapp.engine.models import Timer

    armed = db.session.query(func.count()).select_from(Timer).filter(Timer.state == "armed").scalar()
    if armed != count:
        raise RuntimeError(f"expected {count} armed timers after the load, found {armed}")
    for instance_id in sorted(set(instance_ids)):
        before = db.session.query(Timer.task_uuid, Timer.due_dt, Timer.state).filter_by(instance_id=instance_id).all()
        runner.fire_timers(instance_id)
        db.session.flush()
        after = db.session.query(Timer.task_uuid, Timer.due_dt, Timer.state).filter_by(instance_id=instance_id).all()
        db.session.rollback()
        if len(before) != 1 or before != after or before[0].state != "armed":
            raise RuntimeError(f"copied instance {instance_id} is not what the engine wrote: {before} -> {after}")


# --- the RQ path ----------------------------------------------------------------------------------------------------

@contextmanager
def leased_redis(base):
    """A Redis database of this run's own, leased like the RQ tests lease theirs; flushed before and after."""
    from redis import Redis

    admin = Redis.from_url(f"{base}/0", socket_connect_timeout=2)
    admin.ping()
    token = uuid.uuid4().hex
    for index in REDIS_DBS:
        if admin.set(f"govflow:test-redis-db:{index}", token, nx=True, ex=REDIS_LEASE_SECONDS):
            break
    else:
        raise RuntimeError(f"no free Redis database in {list(REDIS_DBS)}")
    url = f"{base}/{index}"
    Redis.from_url(url).flushdb()
    try:
        yield url
    finally:
        Redis.from_url(url).flushdb()
        if admin.get(f"govflow:test-redis-db:{index}") == token.encode():
            admin.delete(f"govflow:test-redis-db:{index}")


class RQSetup:
    """The app switched to the production timer path: REDIS_URL set, after-commit enqueueing installed."""

    def __init__(self, app, redis_url, log_dir):
        self.app = app
        self.redis_url = redis_url
        self.queue_name = f"govflow-bench-{uuid.uuid4().hex[:8]}"
        self.log_dir = log_dir

    def __enter__(self):
        from webapp.engine import scheduling

        self.app.config.update(REDIS_URL=self.redis_url, RQ_QUEUE=self.queue_name,
                               TIMER_SWEEP_SECONDS=RQ_SWEEP_SECONDS)
        scheduling.install()
        return self

    def __exit__(self, *exc):
        from webapp.engine import scheduling

        scheduling.uninstall()
        self.app.config.update(REDIS_URL=None)

    def queue(self):
        from webapp.engine import scheduling

        return scheduling.queue(self.queue_name, self.redis_url)

    def enqueue(self, armed):
        """Schedule a `fire_timer` job for each (timer id, due time), as the after-commit hook does."""
        from webapp.engine import scheduling

        q = self.queue()
        for first in range(0, len(armed), CHUNK):
            scheduling.enqueue_timers(armed[first:first + CHUNK], q=q)
        return q.scheduled_job_registry.count

    def timer_jobs(self, rows):
        """The `fire_timer` job of each (timer id, due_dt, ...) row, in the same order."""
        from rq.job import Job

        from webapp.engine import scheduling

        ids = [scheduling.timer_job_id(timer_id, due) for timer_id, due, *_ in rows]
        jobs = Job.fetch_many(ids, connection=self.queue().connection)
        if any(job is None or job.enqueued_at is None for job in jobs):
            raise RuntimeError("a timer's job is missing or was never queued")
        return jobs

    @contextmanager
    def workers(self, count=RQ_WORKERS):
        """`count` real workers with schedulers on the queue, as docs/timers.md runs them in production."""
        from rq import Worker

        env = {**os.environ, "DATABASE_URL": self.app.config["SQLALCHEMY_DATABASE_URI"],
               "REDIS_URL": self.redis_url, "RQ_QUEUE": self.queue_name, "GOVFLOW_DEMO_CLOCK": "0",
               "GOVFLOW_TIMER_SWEEP_SECONDS": str(RQ_SWEEP_SECONDS), "SECRET_KEY": "bench"}
        procs = []
        try:
            for index in range(count):
                with open(self.log_dir / f"worker-{index}.log", "ab") as out:
                    procs.append(subprocess.Popen(
                        [sys.executable, "-m", "rq.cli", "worker", "--with-scheduler", "-w", "webapp.jobs.Worker",
                         "--maintenance-interval", "60", "-u", self.redis_url, "-n", f"{self.queue_name}-w{index}",
                         self.queue_name],
                        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                    ))
            q = self.queue()
            deadline = time.monotonic() + 30
            while not (len(Worker.all(queue=q)) == count and q.connection.exists(f"rq:scheduler-lock:{q.name}")):
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    raise RuntimeError(f"rq workers did not come up; see {self.log_dir}")
                time.sleep(0.1)
            yield procs
        finally:
            for proc in procs:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=5)


# --- reporting ----------------------------------------------------------------------------------------------------

SWEEP_METRICS = (  # key, column title, format
    ("lag_p50_ms", "lag p50 ms", "{:.0f}"),
    ("lag_p95_ms", "lag p95 ms", "{:.0f}"),
    ("lag_max_ms", "lag max ms", "{:.0f}"),
    ("fired_per_second", "fired/s", "{:.1f}"),
    ("pick_mean_ms", "pick ms", "{:.3f}"),
    ("armed_per_second", "armed/s", "{:.1f}"),
)
RQ_METRICS = (
    ("lag_p50_ms", "lag p50 ms", "{:.0f}"),
    ("lag_p95_ms", "lag p95 ms", "{:.0f}"),
    ("lag_max_ms", "lag max ms", "{:.0f}"),
    ("scheduler_wait_p50_ms", "sched p50 ms", "{:.0f}"),
    ("worker_p50_ms", "work p50 ms", "{:.0f}"),
    ("worker_p95_ms", "work p95 ms", "{:.0f}"),
    ("worker_max_ms", "work max ms", "{:.0f}"),
)


def ratios(baseline, loaded, metrics):
    return {key: round(loaded[key] / baseline[key], 3) for key, _, _ in metrics}


def print_table(title, baseline, loaded, ratio, metrics):
    print(f"\n{title}")
    header = f"{'phase':<10}{'pending':>9}" + "".join(f"{name:>13}" for _, name, _ in metrics)
    print(header)
    print("-" * len(header))
    for row in (baseline, loaded):
        print(f"{row['phase']:<10}{row['pending']:>9}"
              + "".join(f"{fmt.format(row[key]):>13}" for key, _, fmt in metrics))
    print(f"{'loaded/baseline':<19}" + "".join(f"{ratio[key]:>13.2f}" for key, _, _ in metrics))


def print_report(report):
    sweep = report["sweep"]
    print(f"\ntimer lag, {report['server']}, {report['machine']['cpus']} CPUs, "
          f"K={sweep['baseline']['timers_per_round']} timers due at once, {sweep['baseline']['rounds']} rounds "
          f"per phase; {report['load']['pending']} pending timers loaded in {report['load']['load_seconds']:.1f} s"
          + (f" (then {', '.join(report['load']['after_load'])})" if report["load"]["after_load"] else ""))
    print_table("sweep path: timers.fire_due(), lag from the start of the sweep to the commit",
                sweep["baseline"], sweep["loaded"], sweep["ratio_loaded_to_baseline"], SWEEP_METRICS)
    if "rq" in report:
        rq = report["rq"]
        print_table(f"RQ path: {RQ_WORKERS} webapp.jobs.Worker processes, lag = fired_dt - due_dt = sched (due -> "
                    f"job queued by RQ's scheduler) + work (queued -> fired)",
                    rq["baseline"], rq["loaded"], rq["ratio_loaded_to_baseline"], RQ_METRICS)
        total = rq["baseline"]["rounds"] * rq["baseline"]["timers_per_round"]
        print(f"fired by their own fire_timer job (the rest by the sweep job): baseline "
              f"{rq['baseline']['fired_by_timer_jobs']}/{total}, loaded {rq['loaded']['fired_by_timer_jobs']}/{total}"
              f"; Redis held {rq['scheduled_jobs_loaded']} scheduled jobs in the loaded phase")
    for row in (sweep["baseline"], sweep["loaded"]):
        print(f"\npick query plan, {row['phase']} ({row['pending']} pending):")
        for line in row["pick_plan"]:
            print("  " + line)


def machine():
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "system": platform.platform()}


# --- main -----------------------------------------------------------------------------------------------------------

def run(args):
    from webapp.engine import clock
    from webapp.extensions import db

    start = datetime.now(UTC).replace(second=0, microsecond=0)
    report = {"benchmark": "timer_lag", "command": "python -m bench.timer_lag " + " ".join(args.argv),
              "database": args.db, "machine": machine(), "run_at": datetime.now(UTC).isoformat(timespec="seconds")}
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_database(args.db, args.url))
        app = make_app(url)
        stack.callback(clock.set_fixed, None)
        stack.enter_context(app.app_context())
        stack.callback(db.engine.dispose)
        stack.callback(db.session.remove)
        report["server"] = server_version(db)
        bench = Bench(db, start, args.timers, args.rounds)
        rq = None
        if args.rq:
            redis_url = stack.enter_context(leased_redis(args.redis))
            log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="govflow-bench-rq-")))
            rq = RQSetup(app, redis_url, log_dir)

        bench.sweep_round(max(1, args.timers // 10))  # warm-up, not measured
        sweep_baseline = bench.sweep_phase("baseline", 0)
        if rq:
            with rq:
                bench.rq = rq
                rq_baseline = bench.rq_phase("baseline", 0)
        print(f"  loading {args.pending} pending timers...", flush=True)
        report["load"], armed = load_pending(db, start, args.pending)
        if rq:
            with rq:
                scheduled = rq.enqueue(armed)
                rq_loaded = bench.rq_phase("loaded", args.pending)
        sweep_loaded = bench.sweep_phase("loaded", args.pending)

    report["sweep"] = {"baseline": sweep_baseline, "loaded": sweep_loaded,
                       "ratio_loaded_to_baseline": ratios(sweep_baseline, sweep_loaded, SWEEP_METRICS)}
    if rq:
        report["rq"] = {"workers": RQ_WORKERS, "sweep_seconds": RQ_SWEEP_SECONDS, "baseline": rq_baseline,
                        "loaded": rq_loaded, "scheduled_jobs_loaded": scheduled,
                        "ratio_loaded_to_baseline": ratios(rq_baseline, rq_loaded, RQ_METRICS)}
    return report


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.timer_lag", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
                        help="PostgreSQL server on which the run creates (and drops) a database of its own")
    parser.add_argument("--pending", type=int, default=100_000, help="pending (not yet due) timers when loaded")
    parser.add_argument("--timers", type=int, default=200, help="K: timers due at the same moment, per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per phase and path")
    parser.add_argument("--rq", action="store_true", help="also measure the RQ path with real workers")
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS", DEFAULT_REDIS),
                        help="Redis server (without database number) for --rq")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results", help="directory for the JSON file")
    args = parser.parse_args(argv)
    args.argv = argv
    if args.pending < 1 or args.timers < 1 or args.rounds < 1:
        parser.error("--pending, --timers and --rounds must be at least 1")
    if (2 * args.rounds + 2) * ROUND_SPAN >= PENDING_FROM:
        parser.error("too many rounds: the pending timers would come due during the run")

    print(f"timer lag on {args.db}: K={args.timers}, {args.rounds} rounds, {args.pending} pending"
          + (", sweep and RQ paths" if args.rq else ", sweep path"), flush=True)
    report = run(args)
    print_report(report)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"timer_lag-{args.db}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
