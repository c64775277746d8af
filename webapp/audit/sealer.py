"""Who seals the audit log, and when: asked after every commit that appended entries, by AUDIT_SEALER.

* `rq` (the default with REDIS_URL): the job `webapp.jobs.seal_audit`, enqueued at the front of the queue. A
  Redis key set with NX marks a job as asked for and not yet started: commits meanwhile add nothing, since that job
  reads after they committed; the job deletes the key before it reads, so a commit after that asks for a new one.
  The key expires after REQUEST_TTL seconds in case a job is lost, and the periodic sweep seals as well.
* `thread` (the default without Redis, the embedded default): a daemon thread of the process, woken after the
  commit and looking again every AUDIT_SEAL_SECONDS.
* `inline`: right after the commit, in the committing thread, on a connection of its own (tests: deterministic).

In every mode the request's transaction has committed before sealing begins: the head lock is never taken on
the request path. Sealing failures are logged, never raised to the request; `flask audit verify` reports entries
left unsealed longer than AUDIT_UNSEALED_ALERT_SECONDS.
"""
import logging

from flask import current_app, has_app_context

from webapp.core import background
from webapp.extensions import db

from . import sealing

log = logging.getLogger(__name__)

SEAL_AUDIT = "webapp.jobs.seal_audit"
REQUEST_TTL = 10  # seconds a "seal job asked for" mark lives without its job starting
MODES = ("rq", "thread", "inline")


def mode(app=None):
    """The app's sealing mode: AUDIT_SEALER, else `rq` with REDIS_URL and `thread` without."""
    app = app or current_app
    configured = app.config.get("AUDIT_SEALER")
    if configured:
        return configured
    return "rq" if app.config.get("REDIS_URL") else "thread"


def request():
    """A commit appended entries: have them sealed (never raises)."""
    if not has_app_context():
        return
    app = current_app._get_current_object()
    try:
        how = mode(app)
        if how == "inline":
            seal_pending()
        elif how == "thread":
            wake(app)
        else:
            enqueue(app)
    except Exception as exc:  # the commit is done: a sealing failure must not undo or fail the request
        log.warning("could not have the audit log sealed (the next round or the sweep will): %s", exc)


def seal_pending(limit=sealing.BATCH):
    """Seal every entry committed so far, a batch per transaction, on connections of its own; returns how many."""
    total = 0
    while True:
        with db.engine.begin() as connection:
            sealed = sealing.seal(connection, limit)
        total += sealed
        if sealed < limit:
            return total


# --- rq ------------------------------------------------------------------------------------------------------------

def request_key(app=None):
    app = app or current_app
    return f"govflow:audit-seal-asked:{app.config['RQ_QUEUE']}"


def enqueue(app):
    """Enqueue the seal job unless one is asked for and not started yet."""
    from webapp.engine import scheduling

    redis = scheduling.connection()
    if not redis.set(request_key(app), "1", nx=True, ex=REQUEST_TTL):
        return
    try:
        scheduling.queue().enqueue(SEAL_AUDIT, at_front=True, description="seal the audit log")
    except Exception:
        redis.delete(request_key(app))  # no job was enqueued: the next commit asks again
        raise


def run_job():
    """The seal job's work (in an app context): take the mark off first, then seal what has committed."""
    if current_app.config.get("REDIS_URL"):
        from webapp.engine import scheduling

        scheduling.connection().delete(request_key())
    return seal_pending()


# --- thread --------------------------------------------------------------------------------------------------------

SEALING_THREAD = background.Background("govflow-audit-sealer", seal_pending, "AUDIT_SEAL_SECONDS", final_round=True)
wake = SEALING_THREAD.wake  # wake(app): seal now, starting the thread first if this process has none
stop = SEALING_THREAD.stop  # stop(app): tests; shutting down
