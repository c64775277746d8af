"""The production timer path on real Redis with real `rq worker --with-scheduler` processes.

Runs in the SQLite run (the workers open the test's database file; WAL) and in the PostgreSQL run
(DATABASE_URL) alike. Every run leases a Redis database of its own (`_redis_url`) and every test uses a
queue of its own, so concurrent runs do not clash. The workers use the real clock, so these tests
release the pinned one and use a diagram whose timer is due 2 s after it is armed.
"""
import contextlib
import logging
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from redis import Redis
from rq import Queue, Worker
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from webapp import jobs
from webapp.config import ROOT
from webapp.core import clock
from webapp.engine import runner, scheduling
from webapp.engine.models import InstanceEvent, ProcessInstance, Timer
from webapp.extensions import db

REDIS_BASE = os.environ.get("GOVFLOW_TEST_REDIS", "redis://127.0.0.1:6379")
REDIS_DBS = range(5, 16)  # databases these tests may take (and flush); never db 0
LEASE_SECONDS = 600

_batch = {}  # the two-worker run, shared by the exactly-once test and the lag test


# --- fixtures ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def _redis_url():
    """A Redis database of this run's own: leased with a key in db 0 so a concurrent run takes another one."""
    admin = Redis.from_url(f"{REDIS_BASE}/0", socket_connect_timeout=2)
    admin.ping()  # no Redis: the tests fail, they are never skipped
    token = uuid.uuid4().hex
    for index in REDIS_DBS:
        if admin.set(f"govflow:test-redis-db:{index}", token, nx=True, ex=LEASE_SECONDS):
            break
    else:
        pytest.fail(f"no free Redis database in {list(REDIS_DBS)} for the RQ timer tests")
    url = f"{REDIS_BASE}/{index}"
    Redis.from_url(url).flushdb()
    yield url
    Redis.from_url(url).flushdb()
    if admin.get(f"govflow:test-redis-db:{index}") == token.encode():
        admin.delete(f"govflow:test-redis-db:{index}")


@pytest.fixture
def rq_app(app, _redis_url):
    """The session app with REDIS_URL, a queue of this test's own and the after-commit listeners installed."""
    saved = {key: app.config.get(key) for key in ("REDIS_URL", "RQ_QUEUE", "TIMER_SWEEP_SECONDS")}
    app.config.update(REDIS_URL=_redis_url, RQ_QUEUE=f"govflow-test-{uuid.uuid4().hex[:10]}", TIMER_SWEEP_SECONDS=60)
    scheduling.install()
    clock.set_fixed(None)  # the workers read the real clock
    try:
        yield app
    finally:
        scheduling.uninstall()
        scheduling.connection(_redis_url).flushdb()
        app.config.update(saved)


def _redis(app):
    return scheduling.connection(app.config["REDIS_URL"])


def _queue(app):
    return Queue(app.config["RQ_QUEUE"], connection=_redis(app))


@contextlib.contextmanager
def rq_workers(app, log_dir, count=2, sweep_seconds=60):
    """`count` real workers with schedulers on the app's queue; stopped (with a timeout) on the way out."""
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "RQ_QUEUE": app.config["RQ_QUEUE"],
        "GOVFLOW_DEMO_CLOCK": "0",
        "GOVFLOW_TIMER_SWEEP_SECONDS": str(sweep_seconds),
        "SECRET_KEY": "test",
    }
    procs, logs = [], []
    try:
        for index in range(count):
            log_path = log_dir / f"worker-{index}.log"
            logs.append(log_path)
            with open(log_path, "wb") as out:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "rq.cli", "worker", "--with-scheduler", "-w", "webapp.jobs.Worker",
                     "--maintenance-interval", "60", "-u", app.config["REDIS_URL"],
                     "-n", f"{app.config['RQ_QUEUE']}-w{index}", app.config["RQ_QUEUE"]],
                    cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                ))
        _wait_for_workers(app, procs, logs, count)
        yield procs
    finally:
        for proc in procs:
            _signal_group(proc, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait(timeout=5)


def _signal_group(proc, signum):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signum)  # the worker, its scheduler process and any work horse


def _wait_for_workers(app, procs, logs, count, timeout=20):
    queue = _queue(app)
    lock_key = f"rq:scheduler-lock:{queue.name}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc, log_path in zip(procs, logs, strict=True):
            if proc.poll() is not None:
                pytest.fail(f"rq worker exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
        if len(Worker.all(queue=queue)) == count and queue.connection.exists(lock_key):
            return
        time.sleep(0.1)
    output = "\n".join(p.read_text(errors="replace") for p in logs)
    pytest.fail(f"{count} rq workers did not come up within {timeout}s:\n{output}")


def wait_for_first_sweep(app, timeout=20):
    """Until the workers' sweep has run once and waits for its next run: on a busy machine its first run (which
    builds the worker's app) would otherwise still be going when the test's timers come due, and fire them."""
    key = Job.key_for(scheduling.sweep_job_id(app.config["RQ_QUEUE"]))
    deadline = time.monotonic() + timeout
    while _redis(app).hget(key, "status") != b"scheduled":
        if time.monotonic() > deadline:
            pytest.fail(f"the sweep did not run within {timeout}s of the workers' start")
        time.sleep(0.1)


def _start_instances(org, count):
    user = org.users["leader_a"]
    ids = []
    for _ in range(count):
        ids.append(runner.start("short_timer", user, {"unit_id": user.unit_id}).id)
        db.session.commit()  # after commit: the armed timer is enqueued for its due time
    return ids


def _wait_until_fired(ids, timeout):
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        fired = db.session.query(Timer).filter(Timer.instance_id.in_(ids), Timer.state == "fired").count()
        completed = (db.session.query(ProcessInstance)
                     .filter(ProcessInstance.id.in_(ids), ProcessInstance.status == "completed").count())
        if fired == completed == len(ids) or time.monotonic() > deadline:
            return fired, completed
        time.sleep(0.2)


def _timer_events(instance_id):
    return db.session.query(InstanceEvent).filter_by(instance_id=instance_id, action="timer").count()


def _run_batch(app, deploy, org, log_dir):
    """20 instances, two workers: every timer fired by its own RQ job (the sweep waits 60 s)."""
    deploy("short_timer")
    with rq_workers(app, log_dir, count=2, sweep_seconds=60):
        wait_for_first_sweep(app)
        ids = _start_instances(org, 20)
        fired, completed = _wait_until_fired(ids, timeout=20)
    timers = db.session.query(Timer).filter(Timer.instance_id.in_(ids)).all()
    results = {
        "ids": ids,
        "fired": fired,
        "completed": completed,
        "events": {instance_id: _timer_events(instance_id) for instance_id in ids},
        "lags": sorted((t.fired_dt - t.due_dt).total_seconds() for t in timers if t.fired_dt),
        "fired_by_jobs": sum(Job.fetch(scheduling.timer_job_id(t.id, t.due_dt), connection=_redis(app))
                             .return_value() or 0 for t in timers),
    }
    _batch.update(results)
    return results


def _batch_results(app, deploy, org, log_dir):
    return _batch if _batch else _run_batch(app, deploy, org, log_dir)


# --- tests -------------------------------------------------------------------------------------------------------

def test_two_workers_fire_every_timer_exactly_once(rq_app, deploy, org, tmp_path):
    results = _run_batch(rq_app, deploy, org, tmp_path)
    assert results["fired"] == 20, "not every timer fired within 20 s"
    assert results["completed"] == 20
    assert all(count == 1 for count in results["events"].values()), results["events"]
    assert results["fired_by_jobs"] == 20  # fired by the per-timer jobs, not by the sweep


def test_fire_lag_stays_under_five_seconds(rq_app, deploy, org, tmp_path):
    lags = _batch_results(rq_app, deploy, org, tmp_path)["lags"]
    assert len(lags) == 20
    print(f"\nfire lag over {len(lags)} timers: min {lags[0]:.2f}s median {statistics.median(lags):.2f}s "
          f"max {lags[-1]:.2f}s")
    assert all(0 <= lag < 5 for lag in lags), lags


def test_sweep_fires_timers_after_redis_was_flushed(rq_app, deploy, org, tmp_path):
    rq_app.config["TIMER_SWEEP_SECONDS"] = 1
    deploy("short_timer")
    redis = _redis(rq_app)
    with rq_workers(rq_app, tmp_path, count=2, sweep_seconds=1):
        ids = _start_instances(org, 5)
        timers = db.session.query(Timer).filter(Timer.instance_id.in_(ids)).all()
        scheduled = set(ScheduledJobRegistry(queue=_queue(rq_app)).get_job_ids())
        assert {scheduling.timer_job_id(t.id, t.due_dt) for t in timers} <= scheduled
        assert all(t.state == "armed" for t in timers)

        redis.flushdb()  # Redis lost: the timer jobs, the sweep, the workers' and scheduler's keys
        assert not list(redis.scan_iter("rq:job:timer-*"))

        result = rq_app.test_cli_runner().invoke(args=["govflow", "start-sweep"])
        assert result.exit_code == 0, result.output
        # "started"; or "running" if the workers' sweep was mid-run at the flush and rq re-scheduled it
        assert re.search(r"every 1s: (started|running)$", result.output.strip()), result.output
        fired, completed = _wait_until_fired(ids, timeout=15)

    assert fired == completed == 5
    for instance_id in ids:
        assert _timer_events(instance_id) == 1
    assert not list(redis.scan_iter("rq:job:timer-*"))  # the sweep fired them, not their lost jobs


def test_fire_timer_job_does_nothing_unless_armed_and_due(app, deploy, org, monkeypatch):
    monkeypatch.setattr(jobs, "_app_instance", app)  # in-process, on the test app, with the pinned clock
    monkeypatch.setattr(jobs, "_app_pid", os.getpid())
    deploy("short_timer")
    ids = _start_instances(org, 2)
    timer, moved = (db.session.query(Timer).filter_by(instance_id=i).one() for i in ids)
    timer_id, moved_id = timer.id, moved.id
    moved.due_dt = clock.now() + timedelta(hours=1)  # as if an extension moved it (its new time has its own job)
    db.session.commit()

    assert jobs.fire_timer(timer_id) == 0  # not due yet
    clock.advance(timedelta(seconds=3))
    assert jobs.fire_timer(moved_id) == 0  # the workflow's timer is due, the row says later: leave it
    assert jobs.fire_timer(timer_id) == 1
    assert jobs.fire_timer(timer_id) == 0  # already fired: a duplicate delivery is harmless
    assert jobs.fire_timer(999999) == 0  # no such row

    db.session.expire_all()
    assert db.session.get(Timer, timer_id).state == "fired"
    assert db.session.get(Timer, moved_id).state == "armed"
    assert _timer_events(ids[0]) == 1
    assert _timer_events(ids[1]) == 0
    assert db.session.get(ProcessInstance, ids[0]).status == "completed"


def test_armed_timers_are_enqueued_only_after_commit(rq_app, deploy, org, caplog):
    deploy("short_timer")
    registry = ScheduledJobRegistry(queue=_queue(rq_app))
    user = org.users["leader_a"]

    instance = runner.start("short_timer", user, {"unit_id": user.unit_id})
    timer = db.session.query(Timer).filter_by(instance_id=instance.id).one()  # flushed, not committed
    job_id = scheduling.timer_job_id(timer.id, timer.due_dt)
    assert job_id not in registry.get_job_ids()
    db.session.commit()
    assert job_id in registry.get_job_ids()
    job = Job.fetch(job_id, connection=_redis(rq_app))
    assert job.func_name == "webapp.jobs.fire_timer" and job.args == (timer.id,)
    scheduled_at = registry.get_scheduled_time(job_id)
    assert timer.due_dt <= scheduled_at < timer.due_dt + timedelta(seconds=1)  # never before it is due

    runner.start("short_timer", user, {"unit_id": user.unit_id})
    db.session.rollback()
    assert registry.get_job_ids() == [job_id]

    rq_app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # Redis unreachable: the request still succeeds
    with caplog.at_level(logging.WARNING, logger="webapp.engine.scheduling"):
        lost = runner.start("short_timer", user, {"unit_id": user.unit_id})
        db.session.commit()
    assert db.session.query(Timer).filter_by(instance_id=lost.id, state="armed").count() == 1
    assert "the sweep will fire them" in caplog.text


def test_only_one_sweep_is_scheduled(rq_app):
    queue = _queue(rq_app)
    assert scheduling.ensure_sweep(queue, 2) == "started"
    assert scheduling.ensure_sweep(queue, 2) == "running"
    assert scheduling.ensure_sweep(queue, 3) == "running"  # an implicit check keeps the running sweep
    job_id = scheduling.sweep_job_id(queue.name)
    assert queue.get_job_ids() == [job_id]
    assert Job.fetch(job_id, connection=queue.connection).repeat_intervals == [2]
