"""Timer lag (due → fired) with no other timer pending and with 100,000 pending timers, side by side.

Run from the repository root (`make bench` runs both databases, with --rq, and --stale-stats on PostgreSQL):

    python -m bench.timer_lag --db sqlite [--rq]
    python -m bench.timer_lag --db postgresql [--url postgresql://postgres@127.0.0.1:5432/postgres] [--rq]
                              [--stale-stats]

Fresh databases (temporary SQLite files, or PostgreSQL databases of the run's own, dropped at the end),
their schema made by the migrations as `flask govflow setup` makes it, `bench/timer.bpmn` deployed in each
(start → intermediate timer catch event, `timeDate` read from the variable `due` → end), one per side:

* baseline: no other timer pending;
* loaded: `--pending` armed timers due 30 to 395 days later. One is a real instance; the others are
  bulk-inserted copies of exactly the rows the engine wrote for it (`process_instances`, `timers`,
  `instance_events`), each with its own timer task id and due time, in the workflow state as in the
  `timers` row. Three copies are checked by letting the engine fire them (nothing is due, so nothing may
  change) in a transaction that is rolled back. With --rq every pending timer is also scheduled in Redis,
  as the after-commit hook does;
* stale (--stale-stats, PostgreSQL): loaded the same way, but the planner's statistics were taken before
  the load, when no instance was running: the state between a burst of new instances and autovacuum's
  next ANALYZE.

On PostgreSQL, autovacuum is off for the engine's tables during the run, so that no plan changes midway:
the baseline has no statistics (a new database), the loaded side gets VACUUM (ANALYZE) and CHECKPOINT
after its load (what autovacuum and the checkpointer do on their own within minutes: the steady state),
the stale side an ANALYZE before its load. GovFlow never runs ANALYZE on SQLite.

The sides then take turns, round after round (forwards, backwards, forwards ...), so that a machine that
gets slower or faster during the run (other processes) weighs on every side alike; the ratios to the
baseline come from this same run.

* sweep path (`timers.fire_due()`: what the embedded sweeper thread and the RQ `sweep` job run): a round
  starts K real instances (`runner.start`, one commit each, as K requests would) whose timers are all due
  at the same moment, pins GovFlow's clock one second past it and runs the sweep. A timer's lag is the
  wall-clock time from the start of that sweep to the commit that fired its row; throughput is K over the
  time to the last of them. A deployed sweep runs every GOVFLOW_TIMER_SWEEP_SECONDS, so a timer also
  waits for the next sweep to start: that wait is not part of this lag.
* RQ path (--rq; baseline and loaded): two real `rq worker --with-scheduler -w webapp.jobs.Worker`
  processes per side, each side on a Redis database of its own (leased like the RQ tests lease theirs),
  GovFlow's clock released (workers read the system clock), every armed timer enqueued after commit by
  `webapp.engine.scheduling`, the workers' sweep job set to once an hour so that each timer is fired by
  its own `fire_timer` job. K timers due at the same whole second; the lag is `fired_dt - due_dt` as the
  worker wrote it (as in docs/timers.md), split at the moment RQ's scheduler put the job on the queue
  (`job.enqueued_at`) into the scheduler's wait and the work after it.

Prints a table per path with the ratios to the baseline and the plan of the sweep's pick query on every
side (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite), and writes it all to
bench/results/timer_lag-<db>.json.
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
from typing import NamedTuple

from sqlalchemy import create_engine, event, func, insert, select, text

from bench.figures import emit

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

REDIS_DBS = range(5, 16)          # Redis databases the tests lease (tests/engine/test_rq_timers.py): same leases
REDIS_LEASE_SECONDS = 3600
RQ_WORKERS = 2
RQ_SWEEP_SECONDS = 3600           # the workers' sweep job: out of the way, each timer is fired by its own job
RQ_FIRE_TIMEOUT = 120             # seconds after the due time before a round is declared failed


def is_pick(statement):
    """Whether `statement` is the sweep's pick query (webapp/engine/timers.py: oldest due armed timer first)."""
    return "FROM timers" in statement and "ORDER BY timers.due_dt" in statement


# --- the database ----------------------------------------------------------------------------------------------

@contextmanager
def fresh_database(kind, server_url, keep_as=None):
    """Yield the URL of a new empty database; remove it afterwards. `keep_as` (PostgreSQL): give it that
    name instead (an old database of that name is dropped first) and leave it in place."""
    from webapp.config import normalize_database_url

    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="govflow-bench-") as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"
        return
    base = normalize_database_url(server_url)
    name = keep_as or f"govflow_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(re.sub(r"/[^/]*$", "/postgres", base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if keep_as:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield re.sub(r"/[^/]*$", f"/{name}", base)
    finally:
        if not keep_as:
            from webapp.core import background

            background.stop_all()  # the apps made on it: no round of their threads after the drop
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
        if is_pick(statement):
            conn.info["bench_pick_started"] = time.perf_counter()

    def _after_execute(self, conn, _cursor, statement, _params, _context, _many):
        started = conn.info.pop("bench_pick_started", None)
        if started is not None:
            self.pick_seconds.append(time.perf_counter() - started)


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * fraction)) - 1]


def lag_summary(side, pending, rounds, count, lags):
    return {
        "side": side,
        "pending": pending,
        "rounds": rounds,
        "timers_per_round": count,
        "lag_p50_ms": percentile(lags, 0.50) * 1000,
        "lag_p95_ms": percentile(lags, 0.95) * 1000,
        "lag_max_ms": max(lags) * 1000,
    }


class RQTimer(NamedTuple):
    """One timer fired on the RQ path; seconds."""

    lag: float     # fired_dt - due_dt
    wait: float    # due_dt -> the job put on the queue by RQ's scheduler
    work: float    # queued -> fired_dt (waiting for a worker, then the job until the row fired)
    by_job: bool   # fired by its own fire_timer job (not by the sweep job)
    run: float     # the job's own run time (started_at -> ended_at)


class Side:
    """One of the databases measured side by side: `baseline` (no other timer pending), `loaded` or `stale`."""

    def __init__(self, name, pending, app, start, count):
        self.name = name
        self.pending = pending
        self.app = app
        self.start = start      # pinned rounds: the first round's clock moment, the next ones 2 h apart
        self.count = count      # K
        self.next_round = 0
        self.rq = None          # RQSetup with --rq
        self.sweep_rounds = []
        self.rq_rounds = []

    def context(self):
        return self.app.app_context()

    def start_instances(self, count, due):
        """Start `count` instances whose timers are due at `due`, one commit each; returns the timer ids."""
        from webapp.engine import runner
        from webapp.engine.models import Timer
        from webapp.extensions import db

        ids = []
        for _ in range(count):
            ids.append(runner.start(PROCESS_KEY, None, {"due": due.isoformat()}).id)
            db.session.commit()
        timer_ids = db.session.execute(select(Timer.id).where(Timer.instance_id.in_(ids))).scalars().all()
        db.session.rollback()
        if len(timer_ids) != count:
            raise RuntimeError(f"expected {count} armed timers, found {len(timer_ids)}")
        return timer_ids

    def check_fired(self, timer_ids):
        """Every timer fired once and its instance completed; returns the timers' (id, due_dt, fired_dt)."""
        from webapp.engine.models import InstanceEvent, ProcessInstance, Timer
        from webapp.extensions import db

        db.session.rollback()
        rows = db.session.execute(
            select(Timer.id, Timer.due_dt, Timer.fired_dt, ProcessInstance.status)
            .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
            .where(Timer.id.in_(timer_ids), Timer.state == "fired")
        ).all()
        events = db.session.execute(
            select(func.count()).select_from(InstanceEvent).join(Timer, Timer.instance_id == InstanceEvent.instance_id)
            .where(Timer.id.in_(timer_ids), InstanceEvent.action == "timer")
        ).scalar()
        db.session.rollback()
        if len(rows) != len(timer_ids) or events != len(timer_ids) or any(r.status != "completed" for r in rows):
            raise RuntimeError(f"{self.name}: {len(rows)}/{len(timer_ids)} timers fired, {events} timer events")
        return [(r.id, r.due_dt, r.fired_dt) for r in rows]

    # the sweep path, pinned clock

    def sweep_round(self, count, explain=False):
        """Arm `count` timers, pin the clock 1 s past their due time, sweep; returns the round's measurements."""
        from webapp.core import clock
        from webapp.engine import timers
        from webapp.extensions import db

        armed_at = self.start + self.next_round * ROUND_SPAN
        self.next_round += 1
        due = armed_at + DUE_AFTER
        clock.set_fixed(armed_at)
        began = time.perf_counter()
        timer_ids = self.start_instances(count, due)
        arm_seconds = time.perf_counter() - began

        clock.set_fixed(due + timedelta(seconds=1))
        plan = explain_pick(db) if explain else None
        with Recorder(db) as recorder:
            swept_at = time.perf_counter()
            while timers.fire_due():  # one sweep fires up to 1000 instances; sweep again until none is due
                pass
        self.check_fired(timer_ids)
        lags = [recorder.committed_at[t] - swept_at for t in timer_ids]
        return {"lags": lags, "arm_seconds": arm_seconds, "pick_seconds": recorder.pick_seconds, "plan": plan}

    def sweep_summary(self):
        rounds = self.sweep_rounds
        lags = [lag for r in rounds for lag in r["lags"]]
        picks = [p for r in rounds for p in r["pick_seconds"]]
        fired = self.count * len(rounds)
        return {
            **lag_summary(self.name, self.pending, len(rounds), self.count, lags),
            "fired_per_second": fired / sum(max(r["lags"]) for r in rounds),
            "round_fired_per_second": [self.count / max(r["lags"]) for r in rounds],
            "pick_mean_ms": sum(picks) / len(picks) * 1000 if picks else None,
            "pick_queries": len(picks),
            "armed_per_second": fired / sum(r["arm_seconds"] for r in rounds),
            "pick_plan": rounds[-1]["plan"],
        }

    # the RQ path, system clock

    def rq_round(self):
        """Arm K timers due at one whole second (system clock) and let the workers fire them.

        Returns an RQTimer per timer: its lag `fired_dt - due_dt`, split at the moment RQ's scheduler moved
        its job onto the queue (`job.enqueued_at`) into the scheduler's wait and the work after it.
        """
        from webapp.core import clock

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
        return [RQTimer(lag=(fired - due_dt).total_seconds(), wait=(job.enqueued_at - due_dt).total_seconds(),
                        work=(fired - job.enqueued_at).total_seconds(), by_job=bool(job.return_value()),
                        run=(job.ended_at - job.started_at).total_seconds())
                for (_, due_dt, fired), job in zip(rows, jobs, strict=True)]

    def fired_count(self, timer_ids):
        from webapp.engine.models import Timer
        from webapp.extensions import db

        count = db.session.execute(
            select(func.count()).select_from(Timer).where(Timer.id.in_(timer_ids), Timer.state == "fired")).scalar()
        db.session.rollback()
        return count

    def rq_summary(self):
        rounds = self.rq_rounds
        timers = [t for r in rounds for t in r]
        by_jobs = [t for t in timers if t.by_job]  # the split holds only for timers their own job fired
        return {
            **lag_summary(self.name, self.pending, len(rounds), self.count, [t.lag for t in timers]),
            "scheduler_wait_p50_ms": percentile([t.wait for t in by_jobs], 0.50) * 1000,
            "scheduler_wait_max_ms": max(t.wait for t in by_jobs) * 1000,
            "worker_p50_ms": percentile([t.work for t in by_jobs], 0.50) * 1000,
            "worker_p95_ms": percentile([t.work for t in by_jobs], 0.95) * 1000,
            "worker_max_ms": max(t.work for t in by_jobs) * 1000,
            "job_run_p50_ms": percentile([t.run for t in by_jobs], 0.50) * 1000,
            "job_run_p95_ms": percentile([t.run for t in by_jobs], 0.95) * 1000,
            "fired_by_timer_jobs": len(by_jobs),
            "round_lag_p50_ms": [percentile([t.lag for t in r], 0.50) * 1000 for r in rounds],
            "round_worker_p50_ms": [percentile([t.work for t in r], 0.50) * 1000 for r in rounds],
        }


def abba(sides, index):
    """The order of the sides in round `index`: forwards, backwards, forwards ... so that a drift of the
    machine's speed during the run (other processes) weighs on every side alike."""
    return sides if index % 2 == 0 else sides[::-1]


def in_turns(sides, items, rounds, visit, warm_ups=2):
    """`visit(side, item, record)` every item on every side `warm_ups` times unrecorded (caches, first-use
    compilation), then once per round, recorded, the sides taking turns in `abba` order."""
    for side in sides:
        for item in items:
            for _ in range(warm_ups):
                visit(side, item, False)
    for index in range(rounds):
        for item in items:
            for side in abba(sides, index):
                visit(side, item, True)


# --- the sweep's pick query ---------------------------------------------------------------------------------------

def explain_pick(db):
    """The plan of the sweep's pick query as it runs now (the statement is captured from the engine itself)."""
    from webapp.engine import timers

    captured = []

    def capture(_conn, _cursor, statement, params, _context, _many):
        if is_pick(statement):
            captured.append((statement, params))

    pick = getattr(timers, "_next_due_instance", None)  # the query fire_due() runs for each instance it fires
    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        if pick is not None:
            pick(set())
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
        db.session.rollback()
    if not captured:
        return ["(no pick query found: webapp/engine/timers.py has changed, update bench/timer_lag.py)"]
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

def load_pending(db, start, count, due_of=None):
    """`count` armed timers due 30-395 days after `start` (or the i-th at `due_of(i)`, after `start`): one real
    instance and bulk copies of its rows, armed with GovFlow's clock pinned at `start` (left pinned).

    Returns (summary, [(timer id, due_dt)] of all of them).
    """
    from webapp.core import clock
    from webapp.engine import runner
    from webapp.engine.models import InstanceEvent, ProcessInstance, Timer

    instances, timers_t, events_t = ProcessInstance.__table__, Timer.__table__, InstanceEvent.__table__
    armed_before = db.session.query(func.count()).select_from(Timer).filter(Timer.state == "armed").scalar()
    db.session.rollback()
    clock.set_fixed(start)
    began = time.perf_counter()

    if due_of is None:
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
    check_copies(db, armed_before + count, copies[:1] + copies[len(copies) // 2:][:1] + copies[-1:])
    return {"pending": count, "load_seconds": seconds}, armed


def autocommit(db, *statements):
    """Run maintenance statements outside a transaction (VACUUM cannot run inside one)."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


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
        if any(job is None or None in (job.enqueued_at, job.started_at, job.ended_at) for job in jobs):
            raise RuntimeError("a timer's job is missing or was never queued")
        return jobs

    @contextmanager
    def workers(self, count=RQ_WORKERS):
        """`count` real workers with schedulers on the queue, as docs/timers.md runs them in production."""
        from rq import Worker

        env = {**os.environ, "DATABASE_URL": self.app.config["SQLALCHEMY_DATABASE_URI"],
               "REDIS_URL": self.redis_url, "RQ_QUEUE": self.queue_name, "GOVFLOW_DEMO_CLOCK": "0",
               "GOVFLOW_TIMER_SWEEP_SECONDS": str(RQ_SWEEP_SECONDS), "SECRET_KEY": "bench"}
        self.log_dir.mkdir(parents=True, exist_ok=True)
        logs = [self.log_dir / f"worker-{index}.log" for index in range(count)]
        procs = []
        try:
            for index, log in enumerate(logs):
                with open(log, "ab") as out:
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
                    output = "\n".join(log.read_text(errors="replace")[-2000:] for log in logs)
                    raise RuntimeError(f"rq workers did not come up:\n{output}")
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
    ("job_run_p50_ms", "job p50 ms", "{:.1f}"),
)


def add_ratios(table, metrics):
    """Ratios side/baseline for every side measured beside the baseline."""
    baseline = table["baseline"]
    for name in [n for n, row in table.items() if n != "baseline" and isinstance(row, dict) and "side" in row]:
        table[f"ratio_{name}_to_baseline"] = {
            key: round(table[name][key] / baseline[key], 3) if table[name][key] and baseline[key] else None
            for key, _, _ in metrics}
    return table


def print_table(title, table, metrics):
    print(f"\n{title}")
    header = f"{'':<10}{'pending':>9}" + "".join(f"{name:>13}" for _, name, _ in metrics)
    print(header)
    print("-" * len(header))
    rows = {name: row for name, row in table.items() if isinstance(row, dict) and "side" in row}
    for row in rows.values():
        print(f"{row['side']:<10}{row['pending']:>9}"
              + "".join(f"{fmt.format(row[key]) if row[key] is not None else '-':>13}" for key, _, fmt in metrics))
    for name in rows:
        if name != "baseline":
            ratio = table[f"ratio_{name}_to_baseline"]
            cells = (f"{ratio[key]:>13.2f}" if ratio[key] is not None else f"{'-':>13}" for key, _, _ in metrics)
            print(f"{name + '/baseline':<19}" + "".join(cells))


def print_report(report):
    print(f"\ntimer lag, {report['server']}, {report['machine']['cpus']} CPUs; K={report['timers_per_round']} timers "
          f"due at once, {report['rounds']} rounds per side, sides taking turns (forwards, backwards, ...)")
    for name, side in report["sides"].items():
        load = f"{side['pending']} pending timers loaded in {side['load_seconds']:.1f} s; " if side["pending"] else ""
        print(f"  {name}: {load}statistics: {side['statistics']}")
    print_table("sweep path: timers.fire_due(); lag = start of the sweep -> commit of the fired row",
                report["sweep"], SWEEP_METRICS)
    if "rq" in report:
        rq = report["rq"]
        print_table(f"RQ path: {RQ_WORKERS} webapp.jobs.Worker per side; lag = fired_dt - due_dt = sched (due -> job "
                    f"queued by RQ's scheduler) + work (queued -> fired)", rq, RQ_METRICS)
        total = report["rounds"] * report["timers_per_round"]
        print(f"fired by their own fire_timer job: baseline {rq['baseline']['fired_by_timer_jobs']}/{total}, "
              f"loaded {rq['loaded']['fired_by_timer_jobs']}/{total}; the loaded side's queue held "
              f"{rq['scheduled_jobs_loaded']} scheduled jobs")
    for name in report["sides"]:
        row = report["sweep"][name]
        print(f"\nthe sweep's pick query, {name} ({row['pending']} pending), last round:")
        for line in row["pick_plan"]:
            print("  " + line)
    emit_figures(report)


def emit_figures(report):
    """The summary figures as `figure name value unit` lines (bench/figures.py)."""
    for path, metrics in (("sweep", SWEEP_METRICS), ("rq", RQ_METRICS)):
        for name, row in report.get(path, {}).items():
            if isinstance(row, dict) and "side" in row:
                for key, _, _ in metrics:
                    if row[key] is not None:
                        emit(f"timer_lag.{report['database']}.{path}.{name}.{key.removesuffix('_ms')}", row[key],
                             figure_unit(key))
            elif name.startswith("ratio_"):
                for key, value in row.items():
                    if value is not None:
                        emit(f"timer_lag.{report['database']}.{path}.{name}.{key.removesuffix('_ms')}", value, "ratio")


def figure_unit(key):
    return "ms" if key.endswith("_ms") else "items/s" if key.endswith("_per_second") else "count"


def machine():
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "system": platform.platform()}


# --- main -----------------------------------------------------------------------------------------------------------

STATISTICS = {  # side -> the planner statistics it runs with (PostgreSQL)
    "baseline": "none (a new database; autovacuum off for the engine's tables during the run)",
    "loaded": "VACUUM (ANALYZE) and CHECKPOINT after the load, as autovacuum and the checkpointer do within "
              "minutes (autovacuum off during the run)",
    "stale": "ANALYZE before the load, when no instance was running (the warm-up's had completed), as between "
             "a burst of new instances and autovacuum's next ANALYZE (autovacuum off during the run)",
}
ENGINE_TABLES = ("process_instances", "timers", "instance_events")


def dispose(app):
    from webapp.audit import sealer
    from webapp.extensions import db

    sealer.stop(app)  # the embedded default's sealing thread, if the run started it
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def run(args):
    from webapp.core import clock
    from webapp.extensions import db

    start = datetime.now(UTC).replace(second=0, microsecond=0)
    report = {"benchmark": "timer_lag", "command": "python -m bench.timer_lag " + " ".join(args.argv),
              "database": args.db, "machine": machine(), "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
              "timers_per_round": args.timers, "rounds": args.rounds, "sides": {}}
    names = [("baseline", 0), ("loaded", args.pending)] + ([("stale", args.pending)] if args.stale_stats else [])
    with contextlib.ExitStack() as stack:
        stack.callback(clock.set_fixed, None)
        sides = {}
        for name, pending in names:
            app = make_app(stack.enter_context(fresh_database(args.db, args.url)))
            stack.callback(dispose, app)
            sides[name] = Side(name, pending, app, start, args.timers)
            report["sides"][name] = {"pending": pending, "statistics": "none (SQLite: GovFlow never runs ANALYZE)"}
        if args.rq:
            log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="govflow-bench-rq-")))
            for name in ("baseline", "loaded"):
                sides[name].rq = RQSetup(sides[name].app, stack.enter_context(leased_redis(args.redis)),
                                         log_dir / name)

        for side in sides.values():
            with side.context():
                report["server"] = server_version(db)
                if args.db == "postgresql":
                    # Plans must not change when autovacuum happens to analyze a table mid-run.
                    autocommit(db, *(f"ALTER TABLE {t} SET (autovacuum_enabled = false)" for t in ENGINE_TABLES))
                    report["sides"][side.name]["statistics"] = STATISTICS[side.name]
                side.sweep_round(max(1, args.timers // 10))  # warm-up, not measured
        for name in [n for n in ("stale", "loaded") if n in sides]:
            side = sides[name]
            with side.context():
                if name == "stale":
                    autocommit(db, "ANALYZE")
                print(f"  {name}: loading {args.pending} pending timers...", flush=True)
                load, armed = load_pending(db, start, args.pending)
                report["sides"][name]["load_seconds"] = load["load_seconds"]
                if name == "loaded" and args.db == "postgresql":
                    autocommit(db, "VACUUM (ANALYZE)", "CHECKPOINT")
                if side.rq:
                    with side.rq:
                        scheduled = side.rq.enqueue(armed)
                del armed  # tuples the engine never holds: keep them out of the measured process

        for index in range(args.rounds):
            for side in abba(list(sides.values()), index):
                with side.context():
                    side.sweep_rounds.append(side.sweep_round(args.timers, explain=index == args.rounds - 1))
            print(f"  sweep round {index + 1}/{args.rounds}: " + ", ".join(
                f"{s.name} {max(s.sweep_rounds[-1]['lags']):.2f} s" for s in sides.values()), flush=True)

        if args.rq:
            measured = [sides["baseline"], sides["loaded"]]
            with contextlib.ExitStack() as workers:
                for side in measured:
                    workers.enter_context(side.rq.workers())
                for index in range(args.rounds):
                    for side in abba(measured, index):
                        with side.context(), side.rq:
                            side.rq_rounds.append(side.rq_round())
                    print(f"  rq round {index + 1}/{args.rounds}: " + ", ".join(
                        f"{s.name} lag p50 {percentile([t.lag for t in s.rq_rounds[-1]], 0.5):.2f} s"
                        for s in measured), flush=True)

    report["sweep"] = add_ratios({name: side.sweep_summary() for name, side in sides.items()}, SWEEP_METRICS)
    if args.rq:
        report["rq"] = {"workers_per_side": RQ_WORKERS, "sweep_seconds": RQ_SWEEP_SECONDS,
                        "scheduled_jobs_loaded": scheduled,
                        **add_ratios({name: sides[name].rq_summary() for name in ("baseline", "loaded")}, RQ_METRICS)}
    return report


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.timer_lag", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
                        help="PostgreSQL server on which the run creates (and drops) databases of its own")
    parser.add_argument("--pending", type=int, default=100_000, help="pending (not yet due) timers on the loaded side")
    parser.add_argument("--timers", type=int, default=200, help="K: timers due at the same moment, per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per side and path")
    parser.add_argument("--rq", action="store_true", help="also measure the RQ path with real workers")
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS", DEFAULT_REDIS),
                        help="Redis server (without database number) for --rq")
    parser.add_argument("--stale-stats", action="store_true",
                        help="PostgreSQL: a third side, loaded as the second, with statistics from before the load")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results", help="directory for the JSON file")
    args = parser.parse_args(argv)
    args.argv = argv
    if args.pending < 1 or args.timers < 1 or args.rounds < 1:
        parser.error("--pending, --timers and --rounds must be at least 1")
    if args.stale_stats and args.db != "postgresql":
        parser.error("--stale-stats is for PostgreSQL (GovFlow never runs ANALYZE on SQLite)")
    if (args.rounds + 2) * ROUND_SPAN >= PENDING_FROM:
        parser.error("too many rounds: the pending timers would come due during the run")

    paths = "sweep and RQ paths" if args.rq else "sweep path"
    print(f"timer lag on {args.db}: K={args.timers}, {args.rounds} rounds, {args.pending} pending, {paths}"
          + (", a side with stale statistics" if args.stale_stats else ""), flush=True)
    report = run(args)
    print_report(report)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"timer_lag-{args.db}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
