"""Deliveries: a pending row per endpoint and event, attempted one at a time, retried with backoff, replayable.

Writes here only flush: the request or step that made the event commits; the RQ job or the in-process
deliverer that calls `attempt` commits each attempt (webapp/webhooks/dispatch.py).
"""
import json
import logging
import time
from datetime import timedelta

from webapp.core import clock
from webapp.extensions import db

from . import guard, signing
from .models import WebhookDelivery

log = logging.getLogger(__name__)

# Waits after the 1st, 2nd, … failed attempt; after the last one the delivery is failed (a replay tries once more).
BACKOFF_SECONDS = (60, 5 * 60, 30 * 60, 2 * 3600, 12 * 3600)
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1


def encode(payload):
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def create(endpoints, event, payload):
    """A pending delivery of `payload` for each endpoint; flushes."""
    now = clock.now()
    rows = [WebhookDelivery(endpoint_id=e.id, event=event, body=encode(payload), state="pending", attempts=0,
                            created_dt=now, next_attempt_dt=now) for e in endpoints]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def backoff(attempts):
    """The wait after the `attempts`-th failure, or None when that was the last attempt."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return timedelta(seconds=BACKOFF_SECONDS[max(0, attempts - 1)])


def headers(row, secret, now_seconds=None):
    body = row.body.encode("utf-8")
    return {"Content-Type": "application/json; charset=utf-8", "User-Agent": "GovFlow-Webhook/1",
            "X-GovFlow-Event": row.event, "X-GovFlow-Delivery": str(row.id),
            "X-GovFlow-Signature": signing.signature(secret, now_seconds or time.time(), body)}


def _send(row):
    """(status, response text) of one post; raises on a refused target, a network error or a bad secret."""
    endpoint = row.endpoint
    if not endpoint.active:
        raise RuntimeError("端点已停用")
    target = guard.check(endpoint.url)  # again at each delivery: DNS may answer otherwise than at registration
    return guard.post(target, row.body.encode("utf-8"), headers(row, signing.unseal(endpoint.secret_encrypted)))


def attempt(delivery_id):
    """Try a pending delivery whose attempt is due; flushes. Its state afterwards, or None when nothing was due
    (sent, failed, not due yet, gone: a duplicate job)."""
    row = db.session.query(WebhookDelivery).filter_by(id=delivery_id).with_for_update().one_or_none()
    now = clock.now()
    if row is None or row.state != "pending" or row.next_attempt_dt > now:
        return None
    row.attempts += 1
    row.last_attempt_dt = now
    try:
        status, text = _send(row)
    except Exception as exc:  # refused target, timeout, connection refused, TLS: kept on the row, tried again
        row.last_status, row.last_response = None, None
        row.last_error = (str(exc) if isinstance(exc, guard.UnsafeTarget | RuntimeError | ValueError)
                          else f"{type(exc).__name__}: {exc}")[:500]
    else:
        row.last_status, row.last_response = status, text
        if 200 <= status < 300:
            row.state, row.sent_dt, row.last_error = "sent", clock.now(), None
            db.session.flush()
            return row.state
        row.last_error = f"HTTP {status}"
    wait = backoff(row.attempts)
    if wait is None:
        row.state = "failed"
    else:
        row.next_attempt_dt = now + wait
    log.warning("webhook delivery %s (%s), attempt %d: %s (%s)", row.id, row.event, row.attempts, row.last_error,
                row.state if row.state == "failed" else f"next at {row.next_attempt_dt}")
    db.session.flush()
    return row.state


def replay(row):
    """A new attempt of `row` now, whatever its state; an exhausted row gets one more try."""
    row.state, row.next_attempt_dt = "pending", clock.now()
    db.session.flush()
    return row
