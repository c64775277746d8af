"""Production timer path: enqueue each newly armed timer in RQ after commit, and keep the sweep job scheduled.

The database stays the truth. A timer row armed in a transaction is enqueued for its due time only
after that transaction commits (a worker must find the row), as
`webapp.jobs.fire_timer(timer_id)` with the job id `timer-<id>-<due epoch seconds>`. Redis being
unreachable never fails the user's request: a warning is logged and the periodic sweep
(`webapp.jobs.sweep`, kept scheduled by `ensure_sweep`) fires the timer instead.

Listeners are installed on `db.session` only when REDIS_URL is configured (`init_app`), and they read
the current app's configuration at event time, so an app without REDIS_URL is never affected.
"""
import contextlib
import logging
import math
import threading
import time
from datetime import UTC, datetime, timedelta

from flask import current_app, has_app_context
from redis.exceptions import LockError
from sqlalchemy import inspect

from webapp.core import clock
from webapp.core.hooks import listen_on_session, stop_listening_on_session

from .models import Timer

log = logging.getLogger(__name__)

FIRE_TIMER = "webapp.jobs.fire_timer"
SWEEP = "webapp.jobs.sweep"
SWEEP_REPEATS = 10**9            # rq's Repeat needs a count: at 1 s per sweep this outlasts any deployment
SWEEP_JOB_TIMEOUT = 1800         # one sweep fires at most SWEEP_LIMIT instances, then the next sweep goes on
SWEEP_LIMIT = 500
ENSURE_EVERY_SECONDS = 60        # how often a web process re-checks, after enqueueing timers, that the sweep exists
WATCHDOG_SECONDS = 15            # how often each worker's watchdog checks the sweep: back within this after a loss
_PENDING = "govflow_armed_timers"  # session.info key: {timer id: due_dt} armed in the current transaction
_ALIVE = {"queued", "started", "scheduled", "deferred"}

_connections = {}
_connections_lock = threading.Lock()
_last_ensured = {}


# --- configuration ---------------------------------------------------------------------------------------------

def init_app(app):
    """Install the after-commit enqueueing when REDIS_URL is configured; otherwise do nothing."""
    if app.config.get("REDIS_URL"):
        install()


def install():
    """Listen on db.session (idempotent)."""
    listen_on_session(_LISTENERS)


def uninstall():
    """Remove the listeners again (tests)."""
    stop_listening_on_session(_LISTENERS)


def _enabled():
    return has_app_context() and bool(current_app.config.get("REDIS_URL"))


def connection(url=None):
    """A Redis client for `url` (default: the app's REDIS_URL), shared per process; fails fast when down."""
    from redis import Redis

    url = url or current_app.config["REDIS_URL"]
    with _connections_lock:
        client = _connections.get(url)
        if client is None:
            client = _connections[url] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        return client


def queue(name=None, url=None):
    """The RQ queue of the app (`RQ_QUEUE` on `REDIS_URL`); its jobs carry the request id (core.request_ids)."""
    from webapp.core.request_ids import TracedQueue

    return TracedQueue(name or current_app.config["RQ_QUEUE"], connection=connection(url))


def sweep_interval(seconds=None):
    """The sweep interval in whole seconds (rq repeats in whole seconds), at least 1."""
    seconds = current_app.config["TIMER_SWEEP_SECONDS"] if seconds is None else seconds
    return max(1, math.ceil(float(seconds)))


# --- collecting armed timers in the transaction ------------------------------------------------------------------

def _changed(obj, *attributes):
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _after_flush(session, _flush_context):
    if not _enabled():
        return
    pending = session.info.setdefault(_PENDING, {})
    for obj in session.new:
        if isinstance(obj, Timer) and obj.state == "armed":
            pending[obj.id] = obj.due_dt
    for obj in session.dirty:
        if not isinstance(obj, Timer):
            continue
        if obj.state != "armed":
            pending.pop(obj.id, None)  # fired or cancelled later in the same transaction
        elif _changed(obj, "state", "due_dt"):
            pending[obj.id] = obj.due_dt  # re-armed or moved (an extension): enqueue the new due time


def _after_commit(session):
    pending = session.info.pop(_PENDING, None)
    if not pending or not _enabled():
        return
    try:
        enqueue_timers(pending.items())
    except Exception as exc:  # Redis down or unreachable: the sweep fires these timers
        log.warning("could not enqueue %d timer(s) %s in RQ (the sweep will fire them): %s",
                    len(pending), sorted(pending), exc)
        return
    try:
        _ensure_sweep_now_and_then()
    except Exception as exc:
        log.warning("could not check the timer sweep job in RQ: %s", exc)


def _after_rollback(session):
    session.info.pop(_PENDING, None)


def _after_transaction_end(session, transaction):
    if transaction.parent is None:  # the outermost transaction ended (commit already took its list)
        session.info.pop(_PENDING, None)


_LISTENERS = (
    ("after_flush", _after_flush),
    ("after_commit", _after_commit),
    ("after_rollback", _after_rollback),
    ("after_transaction_end", _after_transaction_end),
)


# --- enqueueing ----------------------------------------------------------------------------------------------------

def timer_job_id(timer_id, due_dt):
    return f"timer-{timer_id}-{int(due_dt.timestamp())}"


def _enqueue_time(due_dt):
    """When RQ should run the job for `due_dt`: on the system clock, rounded up to a whole second.

    RQ schedules by the system clock, GovFlow's clock may be moved (the demo clock): translate. RQ keeps
    scheduled times in whole seconds (truncated), so round up: the job never runs before it is due.
    """
    offset = clock.now() - datetime.now(UTC)
    if abs(offset) > timedelta(seconds=1):
        due_dt = due_dt - offset
    whole = due_dt.replace(microsecond=0)
    return whole if whole == due_dt else whole + timedelta(seconds=1)


def enqueue_timers(timers, q=None):
    """Schedule `fire_timer` for each (timer id, due time) in one round trip. Same id and due time: same job."""
    q = q or queue()
    with q.connection.pipeline() as pipe:
        for timer_id, due_dt in sorted(timers):
            q.enqueue_at(_enqueue_time(due_dt), FIRE_TIMER, timer_id, job_id=timer_job_id(timer_id, due_dt),
                         description=f"fire timer {timer_id}", pipeline=pipe)
        pipe.execute()


# --- the periodic sweep ------------------------------------------------------------------------------------------

def sweep_job_id(queue_name):
    return f"govflow-sweep-{queue_name}"


def ensure_sweep(q=None, interval=None, replace=False, wait=5.0):
    """Make sure exactly one sweep job is scheduled, queued or running on `q`; returns what was done.

    The sweep is one job with a fixed id that rq itself re-schedules `interval` seconds after each run
    (rq's `Repeat`), so two callers never start two sweeps. A sweep that failed, was stopped, or whose
    worker died (rq's cleanup of the started registry marks it failed) is started afresh. With
    `replace`, a waiting (not running) sweep with another interval is replaced by one with `interval`.

    Returns "started", "running", "replaced" or "busy" (another process held the check for `wait` seconds).
    """
    from rq import Repeat
    from rq.exceptions import DuplicateJobError, NoSuchJobError
    from rq.job import Job

    q = q or queue()
    interval = sweep_interval(interval)
    job_id = sweep_job_id(q.name)
    lock = q.connection.lock(f"govflow:ensure-sweep:{q.name}", timeout=10)
    if not lock.acquire(blocking=wait > 0, blocking_timeout=wait or None):
        return "busy"
    try:
        try:
            job = Job.fetch(job_id, connection=q.connection)
            status = job.get_status()
        except NoSuchJobError:
            job, status = None, None
        if status == "started":
            q.started_job_registry.cleanup()  # a sweep whose worker died is marked failed here
            status = job.get_status()
        outcome = "started"
        if status in _ALIVE:
            if not (replace and status in ("queued", "scheduled") and job.repeat_intervals != [interval]):
                return "running"
            outcome = "replaced"
        if job is not None:
            job.delete()
        try:
            q.enqueue(SWEEP, job_id=job_id, unique=True, repeat=Repeat(times=SWEEP_REPEATS, interval=interval),
                      job_timeout=SWEEP_JOB_TIMEOUT, result_ttl=0, description=f"timer sweep every {interval}s")
        except DuplicateJobError:
            return "running"
        return outcome
    finally:
        with contextlib.suppress(LockError):  # the lock expired meanwhile: nothing to release
            lock.release()


def check_sweep(q, interval=None):
    """One watchdog round: nothing but one HGET while the sweep waits for its next run (scheduled or queued);
    otherwise — gone with Redis, failed, or started (perhaps on a worker that died) — `ensure_sweep` without
    waiting for its lock. Returns "waiting" or what `ensure_sweep` did."""
    from rq.job import Job

    status = q.connection.hget(Job.key_for(sweep_job_id(q.name)), "status")
    if status in (b"scheduled", b"queued"):
        return "waiting"
    return ensure_sweep(q, interval, wait=0)


def start_watchdog(q, interval, every=WATCHDOG_SECONDS):
    """A daemon thread that runs `check_sweep(q, interval)` every `every` seconds; set the returned event to stop it.

    Each worker runs one. rq runs its maintenance only between two waits for a job, and an idle worker waits a
    long time, so after Redis was flushed with every worker idle nothing else would notice that the sweep is gone.
    """
    stop = threading.Event()

    def watch():
        while not stop.wait(every):
            try:
                outcome = check_sweep(q, interval)
            except Exception as exc:  # Redis down: try again next round
                log.warning("timer sweep watchdog on %s: could not check the sweep: %s", q.name, exc)
                continue
            if outcome in ("started", "replaced"):
                log.warning("timer sweep watchdog on %s: the sweep was missing or dead, %s again", q.name, outcome)

    threading.Thread(target=watch, name=f"govflow-sweep-watchdog-{q.name}", daemon=True).start()
    return stop


def _ensure_sweep_now_and_then():
    """From a web process: re-check the sweep at most every ENSURE_EVERY_SECONDS (brings it back after Redis loss)."""
    key = (current_app.config["REDIS_URL"], current_app.config["RQ_QUEUE"])
    now = time.monotonic()
    if now - _last_ensured.get(key, -math.inf) < ENSURE_EVERY_SECONDS:
        return
    _last_ensured[key] = now
    ensure_sweep(wait=0)


def sweep_interval_of(q):
    """The interval of the sweep job on `q` as scheduled in Redis, or None when there is none."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        intervals = Job.fetch(sweep_job_id(q.name), connection=q.connection).repeat_intervals
    except NoSuchJobError:
        return None
    return intervals[0] if intervals else None
