"""Reads of webhooks: an office's endpoints and deliveries, the endpoints an event reaches, due deliveries."""
import time

from flask import current_app
from sqlalchemy.orm import contains_eager

from webapp.auth.models import Unit
from webapp.core.errors import NotFound
from webapp.extensions import db

from .models import WebhookDelivery, WebhookEndpoint

RECENT = 100
_WANTED = "govflow-webhook-wanted-events"  # app.extensions: (monotonic expiry, frozenset of events)


def endpoints_query(unit_id):
    """The unit's endpoints, unordered (the page lists them by id)."""
    return db.session.query(WebhookEndpoint).filter_by(unit_id=unit_id)


def endpoints_of(unit_id):
    return endpoints_query(unit_id).order_by(WebhookEndpoint.id).all()


def endpoint_of(user, endpoint_id):
    """An endpoint of the user's unit, or 404 (another office's endpoints are not theirs to know)."""
    row = db.session.get(WebhookEndpoint, endpoint_id)
    if row is None or row.unit_id != user.unit_id:
        raise NotFound("推送端点不存在。")
    return row


def delivery_of(user, delivery_id):
    row = db.session.get(WebhookDelivery, delivery_id)
    if row is None or row.endpoint.unit_id != user.unit_id:
        raise NotFound("推送记录不存在。")
    return row


def deliveries_query(unit_id, endpoint_id=None, state=None):
    """The deliveries to the unit's endpoints (of one of them, in one state when given), unordered."""
    query = (db.session.query(WebhookDelivery).join(WebhookEndpoint)
             .options(contains_eager(WebhookDelivery.endpoint)).filter(WebhookEndpoint.unit_id == unit_id))
    if endpoint_id is not None:
        query = query.filter(WebhookDelivery.endpoint_id == endpoint_id)
    if state is not None:
        query = query.filter(WebhookDelivery.state == state)
    return query


def recent_deliveries(unit_id, limit=RECENT):
    return deliveries_query(unit_id).order_by(WebhookDelivery.id.desc()).limit(limit).all()


def _unit_and_above(unit_id):
    """The unit and every unit above it, as a subquery: one statement with the endpoints on every step, not one
    per level (a recursive CTE; the tree has no cycles, UNION drops a repeat all the same)."""
    chain = db.select(Unit.id, Unit.parent_id).where(Unit.id == unit_id).cte("unit_chain", recursive=True)
    above = db.aliased(Unit)
    chain = chain.union(db.select(above.id, above.parent_id).join(chain, above.id == chain.c.parent_id))
    return db.select(chain.c.id)


def wanted_events():
    """The events some active endpoint asks for, as this process read them at most WEBHOOK_ENDPOINTS_SECONDS ago
    (a change committed in this process is seen at once, see `forget_wanted`; one made on another machine within
    that time). Every step opens tasks: with no endpoint wanting "task.opened", a step asks nothing more."""
    app = current_app._get_current_object()
    cached = app.extensions.get(_WANTED)
    now = time.monotonic()
    if cached is None or cached[0] <= now:
        rows = db.session.query(WebhookEndpoint.events).filter(WebhookEndpoint.active.is_(True))
        cached = (now + float(app.config["WEBHOOK_ENDPOINTS_SECONDS"]),
                  frozenset(event for (events,) in rows for event in (events or [])))
        app.extensions[_WANTED] = cached
    return cached[1]


def forget_wanted(app):
    app.extensions.pop(_WANTED, None)


def subscribed(event, unit_id):
    """Active endpoints that asked for `event`, of the unit it happened at or of a unit above it."""
    if unit_id is None or event not in wanted_events():
        return []
    rows = (db.session.query(WebhookEndpoint)
            .filter(WebhookEndpoint.active.is_(True), WebhookEndpoint.unit_id.in_(_unit_and_above(unit_id)))
            .order_by(WebhookEndpoint.id))
    return [row for row in rows if event in (row.events or [])]


def due_deliveries(before, limit):
    """(id, attempts) of pending deliveries due at `before`, oldest first."""
    rows = (db.session.query(WebhookDelivery.id, WebhookDelivery.attempts)
            .filter(WebhookDelivery.state == "pending", WebhookDelivery.next_attempt_dt <= before)
            .order_by(WebhookDelivery.next_attempt_dt, WebhookDelivery.id).limit(limit))
    return [(delivery_id, attempts) for delivery_id, attempts in rows]
