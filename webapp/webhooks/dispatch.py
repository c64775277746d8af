"""After commit, hand pending webhook deliveries on, as notices do (webapp/notices/dispatch.py): to RQ when
REDIS_URL is set (the job `webapp.jobs.deliver_webhook(id)`, id `webhook-delivery-<id>-<attempts>`, a retry
enqueued with its delay; the timer sweep re-enqueues lost ones), else to a daemon thread of the process that
attempts every due delivery and looks again every TIMER_SWEEP_SECONDS."""
import logging
import os
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import inspect

from webapp.core import attempts, background, clock
from webapp.core.hooks import listen_on_session

from . import delivery, queries
from .models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)

DELIVER_WEBHOOK = "webapp.jobs.deliver_webhook"
# The deliveries' attempt queue; the lambdas look the functions up when called (tests replace them)
QUEUE = attempts.AttemptQueue("webhook", DELIVER_WEBHOOK, lambda before, limit: queries.due_deliveries(before, limit),
                              lambda delivery_id: delivery.attempt(delivery_id))
BATCH = 200
_PENDING = "govflow_webhook_deliveries"  # session.info key: {delivery id: (attempts, next_attempt_dt)}
_ENDPOINTS_CHANGED = "govflow_webhook_endpoints_changed"  # session.info key: an endpoint was added or changed


def init_app(app):
    app.config.setdefault("WEBHOOK_ALLOW_HOSTS", os.environ.get("GOVFLOW_WEBHOOK_ALLOW_HOSTS", ""))
    # How long a process trusts what it read of the endpoints' events (another machine's change is seen after it)
    app.config.setdefault("WEBHOOK_ENDPOINTS_SECONDS", float(os.environ.get("GOVFLOW_WEBHOOK_ENDPOINTS_SECONDS", 5)))
    app.config.setdefault("WEBHOOK_CA_BUNDLE", os.environ.get("GOVFLOW_WEBHOOK_CA_BUNDLE", ""))
    listen_on_session(_LISTENERS)
    app.before_request(_start_with_first_request)


def _after_flush(session, _flush_context):
    if not has_app_context():
        return
    if any(isinstance(obj, WebhookEndpoint) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info[_ENDPOINTS_CHANGED] = True
    for obj in (*session.new, *session.dirty):
        if not isinstance(obj, WebhookDelivery):
            continue
        pending = session.info.setdefault(_PENDING, {})
        if obj.state != "pending":
            pending.pop(obj.id, None)
        elif obj in session.new or inspect(obj).attrs["next_attempt_dt"].history.has_changes():
            pending[obj.id] = (obj.attempts, obj.next_attempt_dt)


def _after_commit(session):
    if session.info.pop(_ENDPOINTS_CHANGED, None) and has_app_context():
        queries.forget_wanted(current_app._get_current_object())
    pending = session.info.pop(_PENDING, None)
    if not pending or not has_app_context():
        return
    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        wake(app)
        return
    try:
        enqueue(pending)
    except Exception as exc:  # Redis down: the sweep re-enqueues them
        log.warning("could not enqueue webhook deliveries %s in RQ (the sweep will): %s", sorted(pending), exc)


def _forget(session, *_args):
    session.info.pop(_PENDING, None)
    session.info.pop(_ENDPOINTS_CHANGED, None)


def _after_transaction_end(session, transaction):
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_ENDPOINTS_CHANGED, None)


_LISTENERS = (("after_flush", _after_flush), ("after_commit", _after_commit), ("after_rollback", _forget),
              ("after_transaction_end", _after_transaction_end))


def job_id(delivery_id, attempts):
    return QUEUE.job_id(delivery_id, attempts)


def enqueue(pending, q=None):
    """Enqueue `deliver_webhook` for each {delivery id: (attempts, next_attempt_dt)} (`core.attempts`)."""
    from webapp.engine import scheduling

    QUEUE.enqueue(pending, q or scheduling.queue())


def requeue_lost(q=None, limit=BATCH):
    """Re-enqueue pending deliveries due for NOTICE_REQUEUE_AFTER_SECONDS whose job is gone (the timer sweep calls
    this); returns how many."""
    from webapp.engine import scheduling

    cutoff = clock.now() - timedelta(seconds=float(current_app.config["NOTICE_REQUEUE_AFTER_SECONDS"]))
    return QUEUE.requeue_lost(q or scheduling.queue(), cutoff, limit)


def deliver_due(limit=BATCH):
    """Attempt every due pending delivery, one transaction each; returns how many were sent."""
    return QUEUE.deliver_due(limit)


DELIVERER = background.Background("govflow-webhook-deliverer", deliver_due, "TIMER_SWEEP_SECONDS")
wake = DELIVERER.wake
stop = DELIVERER.stop


def _start_with_first_request():
    """Embedded mode: start delivering with the first request, so rows an earlier process left pending (retries
    due later) go out without waiting for the next event."""
    app = current_app._get_current_object()
    if not (DELIVERER.running(app) or app.config.get("REDIS_URL") or app.testing):
        wake(app)
