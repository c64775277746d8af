"""After commit, hand pending notice deliveries on: to RQ when REDIS_URL is set, else to the in-process deliverer.

The database is the truth. A delivery row made pending in a transaction (a new one, or one whose failed
attempt set a later `next_attempt_dt`) is handed on only after that transaction commits, never before:

* with REDIS_URL, as the RQ job `webapp.jobs.deliver_notice(delivery_id)` with the id
  `notice-delivery-<id>-<attempts>`, at once or when its retry is due; Redis being down never fails the
  commit, and the repeating timer sweep (`webapp.jobs.sweep`) re-enqueues, through `requeue_lost`, every
  delivery due for NOTICE_REQUEUE_AFTER_SECONDS whose job is gone;
* without it (the embedded default), by waking a daemon thread of the process, started on first use, that
  attempts every due delivery, one transaction each, and looks again every TIMER_SWEEP_SECONDS for retries
  and for rows a previous process left.
"""
import logging
import math
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import inspect

from webapp.core import background, clock
from webapp.core.hooks import listen_on_session
from webapp.extensions import db

from . import channels, delivery, queries
from .models import NoticeDelivery

log = logging.getLogger(__name__)

DELIVER_NOTICE = "webapp.jobs.deliver_notice"
BATCH = 500
_PENDING = "govflow_notice_deliveries"  # session.info key: {delivery id: (attempts, next_attempt_dt)}
_ALIVE = {"queued", "started", "scheduled", "deferred"}


def init_app(app):
    """Listen on db.session (every mode: the listeners read the app's configuration at event time)."""
    install()
    app.before_request(_start_with_first_request)


def install():
    listen_on_session(_LISTENERS)


# --- collecting pending deliveries in the transaction --------------------------------------------------------------

def _after_flush(session, _flush_context):
    if not has_app_context():
        return
    for obj in session.new:
        if isinstance(obj, NoticeDelivery) and obj.state == "pending":
            session.info.setdefault(_PENDING, {})[obj.id] = (obj.attempts, obj.next_attempt_dt)
    for obj in session.dirty:
        if not isinstance(obj, NoticeDelivery):
            continue
        pending = session.info.setdefault(_PENDING, {})
        if obj.state != "pending":
            pending.pop(obj.id, None)  # sent or failed in this same transaction
        elif inspect(obj).attrs["next_attempt_dt"].history.has_changes():
            pending[obj.id] = (obj.attempts, obj.next_attempt_dt)  # a failed attempt: the retry


def _after_commit(session):
    pending = session.info.pop(_PENDING, None)
    if not pending or not has_app_context():
        return
    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        wake(app)
        return
    try:
        enqueue(pending)
    except Exception as exc:  # Redis down or unreachable: the sweep re-enqueues these deliveries
        log.warning("could not enqueue %d notice deliveries %s in RQ (the sweep will): %s",
                    len(pending), sorted(pending), exc)


def _forget(session, *_args):
    session.info.pop(_PENDING, None)


def _after_transaction_end(session, transaction):
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


_LISTENERS = (
    ("after_flush", _after_flush),
    ("after_commit", _after_commit),
    ("after_rollback", _forget),
    ("after_transaction_end", _after_transaction_end),
)


# --- RQ ------------------------------------------------------------------------------------------------------------

def job_id(delivery_id, attempts):
    """One job per attempt: a retry has its own job, a re-enqueued attempt replaces a lost one."""
    return f"notice-delivery-{delivery_id}-{attempts}"


def enqueue(pending, q=None):
    """Enqueue `deliver_notice` for each {delivery id: (attempts, next_attempt_dt)} in one round trip.

    A retry waits on RQ's scheduler, as a delay (RQ runs on the system clock, the app may run on a moved
    demo clock); RQ keeps whole seconds, truncated, so one more second keeps it from running early.
    """
    from webapp.engine import scheduling

    q = q or scheduling.queue()
    now = clock.now()
    with q.connection.pipeline() as pipe:
        for delivery_id, (attempts, next_dt) in sorted(pending.items()):
            options = {"job_id": job_id(delivery_id, attempts), "pipeline": pipe,
                       "description": f"deliver notice delivery {delivery_id}, attempt {attempts + 1}"}
            delay = (next_dt - now).total_seconds()
            if delay > 0:
                q.enqueue_in(timedelta(seconds=math.ceil(delay) + 1), DELIVER_NOTICE, delivery_id, **options)
            else:
                q.enqueue(DELIVER_NOTICE, delivery_id, **options)
        pipe.execute()


def requeue_lost(q=None, limit=BATCH):
    """Re-enqueue pending deliveries due for NOTICE_REQUEUE_AFTER_SECONDS whose job is not queued, scheduled
    or running (Redis lost it, or it failed); returns how many. Reads only: the caller owns the session."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    from webapp.engine import scheduling

    q = q or scheduling.queue()
    cutoff = clock.now() - timedelta(seconds=float(current_app.config["NOTICE_REQUEUE_AFTER_SECONDS"]))
    lost = {}
    for delivery_id, attempts in queries.due_deliveries(cutoff, limit):
        try:
            job = Job.fetch(job_id(delivery_id, attempts), connection=q.connection)
        except NoSuchJobError:
            job = None
        if job is not None:
            if job.get_status() in _ALIVE:
                continue
            job.delete()  # failed or finished early: its attempt is enqueued afresh
        lost[delivery_id] = (attempts, clock.now())
    if lost:
        enqueue(lost, q)
        log.info("re-enqueued %d lost notice deliveries %s", len(lost), sorted(lost))
    return len(lost)


# --- embedded default: a thread of the process --------------------------------------------------------------------

def deliver_due(limit=BATCH):
    """Attempt every due pending delivery, one transaction each; returns how many were sent."""
    sent = 0
    due = queries.due_deliveries(clock.now(), limit)
    db.session.rollback()  # end the read: each attempt locks and commits on its own
    for delivery_id, _attempts in due:
        try:
            state = delivery.attempt(delivery_id)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("notice delivery %s failed", delivery_id)
            continue
        sent += state == "sent"
    return sent


# The in-process deliverer of an app: woken after commits, and every TIMER_SWEEP_SECONDS.
DELIVERER = background.Background("govflow-notice-deliverer", deliver_due, "TIMER_SWEEP_SECONDS")
wake = DELIVERER.wake  # wake(app): deliver now, starting the deliverer first if this process has none
stop = DELIVERER.stop  # stop(app): tests; shutting down


def _start_with_first_request():
    """Embedded mode with a channel on: start delivering with the first request, so rows an earlier process
    left pending go out without waiting for the next notice."""
    app = current_app._get_current_object()
    if DELIVERER.running(app) or app.config.get("REDIS_URL") or app.testing:
        return
    if channels.names(app.config):
        wake(app)
