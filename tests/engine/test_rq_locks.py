"""Locks on the production timer path, with real `rq worker` processes on real Redis: the sweep and the timer jobs
lock an instance before its timer rows (no deadlock), and the sweep comes back by itself after Redis was flushed
while every worker was idle."""
import os
import threading
import time
from datetime import timedelta

import pytest
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry
from sqlalchemy import func, text

from tests.engine.test_rq_timers import (  # noqa: F401  (_redis_url and rq_app are fixtures)
    _queue,
    _redis,
    _redis_url,
    _timer_events,
    _wait_until_fired,
    rq_app,
    rq_workers,
    wait_for_first_sweep,
)
from webapp import jobs
from webapp.core import clock
from webapp.engine import runner, scheduling
from webapp.engine.models import InstanceEvent, Timer
from webapp.extensions import db

BURST = 200

pytestmark = pytest.mark.usefixtures("rq_app")  # the session app with REDIS_URL and a queue of the test's own


def _start_due_at(count, due):
    """`count` instances whose one timer is due at `due`, armed in one commit (enqueued after it)."""
    ids = [runner.start("timer_at", None, {"due": due.isoformat()}).id for _ in range(count)]
    db.session.commit()
    return ids


def _deadlocks():
    """PostgreSQL's count of deadlocks it broke up in this database so far."""
    db.session.execute(text("SELECT pg_stat_clear_snapshot()"))
    count = db.session.execute(
        text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")).scalar()
    db.session.rollback()
    return count


def _sweep_copies(queue):
    """How many times the sweep job is queued, scheduled or running, read in one Redis transaction."""
    scheduled, started = ScheduledJobRegistry(queue=queue), queue.started_job_registry
    with queue.connection.pipeline(transaction=True) as pipe:
        pipe.lrange(queue.key, 0, -1)
        pipe.zrange(scheduled.key, 0, -1)
        pipe.zrange(started.key, 0, -1)
        queued, waiting, running = pipe.execute()
    ids = ([m.decode() for m in queued] + [scheduled.parse_job_id(m) for m in waiting]
           + [started.parse_job_id(m) for m in running])
    return ids.count(scheduling.sweep_job_id(queue.name))


def _wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _logs(log_dir):
    return "\n".join(path.read_text(errors="replace") for path in sorted(log_dir.glob("worker-*.log")))


def _deliver_in_id_order(timer_ids, due, errors):
    """A third deliverer of the timer jobs, in this process: `jobs.fire_timer` for each timer in id order, from the
    due time on. RQ hands the jobs out in the order of their ids as text (1, 10, 100, …, 2, 20, …) while the sweep
    takes the oldest timer first, in id order: this one walks where the sweep walks."""
    def deliver():
        time.sleep(max(0.0, (due - clock.now()).total_seconds()))
        for timer_id in sorted(timer_ids):
            try:
                jobs.fire_timer(timer_id)
            except Exception as exc:  # what a worker would log for a failed job
                errors.append(f"fire_timer({timer_id}): {exc!r}")

    thread = threading.Thread(target=deliver, name="third-deliverer")
    thread.start()
    return thread


def test_sweep_and_timer_jobs_racing_on_the_same_instances_never_deadlock(app, deploy, tmp_path, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks and their order: PostgreSQL (SQLite locks the whole database file)")
    monkeypatch.setattr(jobs, "_app_instance", app)  # the third deliverer runs the job's code on the test app
    monkeypatch.setattr(jobs, "_app_pid", os.getpid())
    app.config["TIMER_SWEEP_SECONDS"] = 1
    deploy("timer_at")
    before = _deadlocks()
    errors = []
    with rq_workers(app, tmp_path, count=2, sweep_seconds=1):  # the sweep runs every second beside the jobs
        due = (clock.now() + timedelta(seconds=15)).replace(microsecond=0)
        ids = _start_due_at(BURST, due)
        assert clock.now() < due - timedelta(seconds=1), "arming took longer than the margin"
        timers = db.session.query(Timer).filter(Timer.instance_id.in_(ids)).all()
        third = _deliver_in_id_order([t.id for t in timers], due, errors)
        fired, completed = _wait_until_fired(ids, timeout=(due - clock.now()).total_seconds() + 40)
        third.join(timeout=60)
        failed = FailedJobRegistry(queue=_queue(app)).get_job_ids()
        by_jobs = sum(Job.fetch(scheduling.timer_job_id(t.id, t.due_dt), connection=_redis(app)).return_value() or 0
                      for t in timers)
    logs = _logs(tmp_path) + "\n".join(errors)
    print(f"\n{by_jobs} timers fired by their RQ jobs, {BURST - by_jobs} by the sweep and the third deliverer")

    assert (fired, completed) == (BURST, BURST), logs[-3000:]
    events = dict(db.session.query(InstanceEvent.instance_id, func.count())
                  .filter(InstanceEvent.instance_id.in_(ids), InstanceEvent.action == "timer")
                  .group_by(InstanceEvent.instance_id).all())
    assert events == dict.fromkeys(ids, 1)  # every timer fired exactly once
    assert "deadlock" not in logs.lower(), logs[-3000:]
    assert errors == [] and failed == []
    for _ in range(20):  # the workers' backends report their counts as they exit
        if _deadlocks() != before:
            break
        time.sleep(0.1)
    assert _deadlocks() == before


def test_the_sweep_comes_back_within_a_minute_of_a_flush_with_every_worker_idle(app, deploy, tmp_path):
    deploy("timer_at")
    redis = _redis(app)
    queue = _queue(app)
    sweep_key = Job.key_for(scheduling.sweep_job_id(queue.name))
    with rq_workers(app, tmp_path, count=2, sweep_seconds=60):
        wait_for_first_sweep(app)  # the sweep now waits a minute for its next run: both workers are idle
        [instance_id] = _start_due_at(1, clock.now() + timedelta(seconds=2))
        timer = db.session.query(Timer).filter_by(instance_id=instance_id).one()
        assert scheduling.timer_job_id(timer.id, timer.due_dt) in ScheduledJobRegistry(queue=queue).get_job_ids()

        redis.flushdb()  # FLUSHALL of this run's Redis database: the timer's job and the sweep are gone
        flushed = time.monotonic()
        assert not redis.exists(sweep_key)
        # Nobody arms a timer or runs `start-sweep` from here on: only the workers can bring the sweep back.
        fired, _ = _wait_until_fired([instance_id], timeout=60)
        fired_after = time.monotonic() - flushed
        assert fired == 1, f"the overdue timer did not fire within 60 s of the flush:\n{_logs(tmp_path)[-3000:]}"
        # The sweep ran and rq scheduled its next run; every watchdog looked again meanwhile: still one sweep.
        assert _wait_for(lambda: redis.hget(sweep_key, "status") == b"scheduled", timeout=10)
        copies = set()
        watched_until = time.monotonic() + scheduling.WATCHDOG_SECONDS + 1
        while time.monotonic() < watched_until:
            copies.add(_sweep_copies(queue))
            time.sleep(0.25)
        assert copies == {1}  # queued, scheduled or running, never two

    print(f"\nthe overdue timer fired {fired_after:.1f} s after the flush")
    assert fired_after < 60
    assert _timer_events(instance_id) == 1
    assert "the sweep was missing or dead, started again" in _logs(tmp_path)
