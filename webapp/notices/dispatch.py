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
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import inspect

from webapp.core import attempts, background, clock
from webapp.core.hooks import listen_on_session

from . import channels, delivery, queries
from .models import NoticeDelivery

log = logging.getLogger(__name__)

DELIVER_NOTICE = "webapp.jobs.deliver_notice"
# The deliveries' attempt queue; the lambdas look the functions up when called (tests replace them)
QUEUE = attempts.AttemptQueue("notice", DELIVER_NOTICE, lambda before, limit: queries.due_deliveries(before, limit),
                              lambda delivery_id: delivery.attempt(delivery_id))
BATCH = 500
_PENDING = "govflow_notice_deliveries"  # session.info key: {delivery id: (attempts, next_attempt_dt)}


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
    return QUEUE.job_id(delivery_id, attempts)


def enqueue(pending, q=None):
    """Enqueue `deliver_notice` for each {delivery id: (attempts, next_attempt_dt)} (`core.attempts`)."""
    from webapp.engine import scheduling

    QUEUE.enqueue(pending, q or scheduling.queue())


def requeue_lost(q=None, limit=BATCH):
    """Re-enqueue pending deliveries due for NOTICE_REQUEUE_AFTER_SECONDS whose job is gone (the timer sweep calls
    this); returns how many."""
    from webapp.engine import scheduling

    cutoff = clock.now() - timedelta(seconds=float(current_app.config["NOTICE_REQUEUE_AFTER_SECONDS"]))
    return QUEUE.requeue_lost(q or scheduling.queue(), cutoff, limit)


# --- embedded default: a thread of the process --------------------------------------------------------------------

def deliver_due(limit=BATCH):
    """Attempt every due pending delivery, one transaction each; returns how many were sent."""
    return QUEUE.deliver_due(limit)


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
