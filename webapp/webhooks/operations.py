"""Writes of webhooks, each audited in the administrator's name: register (the secret returned once), change the
events, switch on or off, delete, replay a delivery. Only flush: the view commits."""
from webapp import audit
from webapp.core import clock
from webapp.core.errors import FormInvalid
from webapp.core.forms import load
from webapp.extensions import db

from . import delivery, guard, queries, signing
from .models import EVENTS, WebhookDelivery, WebhookEndpoint
from .schemas import EndpointSchema, EventsSchema

MAX_ENDPOINTS = 20  # per office


def _labels(events):
    return "、".join(EVENTS[e] for e in events)


def register(user, raw):
    """A new endpoint of the user's unit, its secret made and sealed; the caller commits (`reveal_secret` shows the
    secret to its maker once)."""
    form = load(EndpointSchema, raw)
    try:
        guard.check(form["url"])
    except guard.UnsafeTarget as exc:
        raise FormInvalid({"url": [str(exc)]}) from exc
    if len(queries.endpoints_of(user.unit_id)) >= MAX_ENDPOINTS:
        raise FormInvalid({"name": [f"推送端点已达 {MAX_ENDPOINTS} 个，请先删除不用的端点"]})
    secret = signing.new_secret()
    now = clock.now()
    events = sorted(set(form["events"]))
    row = WebhookEndpoint(unit_id=user.unit_id, name=form["name"].strip(), url=form["url"].strip(), events=events,
                          secret_encrypted=signing.seal(secret), active=True, created_by_id=user.id, created_dt=now,
                          updated_dt=now)
    db.session.add(row)
    db.session.flush()
    audit.record("webhooks.endpoint_created", summary=f"登记推送端点“{row.name}”（{_labels(events)}）",
                 target_type="webhook_endpoint", target_id=row.id, user=user,
                 detail={"name": row.name, "url": row.url, "events": events})
    return row


def reveal_secret(user, endpoint_id):
    """The secret of an endpoint `user` just made, once: None when it was shown already or is not theirs."""
    row = db.session.get(WebhookEndpoint, endpoint_id)
    if row is None or row.created_by_id != user.id or row.secret_shown_dt is not None:
        return None, None
    row.secret_shown_dt = clock.now()
    return row, signing.unseal(row.secret_encrypted)


def change_events(user, endpoint_id, raw):
    row = queries.endpoint_of(user, endpoint_id)
    events = sorted(set(load(EventsSchema, raw)["events"]))
    if events != row.events:
        audit.record("webhooks.endpoint_changed", summary=f"修改推送端点“{row.name}”的事件为{_labels(events)}",
                     target_type="webhook_endpoint", target_id=row.id, user=user,
                     detail={"before": row.events, "after": events})
        row.events, row.updated_dt = events, clock.now()
    return row


def set_active(user, endpoint_id, active):
    row = queries.endpoint_of(user, endpoint_id)
    if row.active != active:
        row.active, row.updated_dt = active, clock.now()
        audit.record("webhooks.endpoint_enabled" if active else "webhooks.endpoint_disabled",
                     summary=f"{'启用' if active else '停用'}推送端点“{row.name}”", target_type="webhook_endpoint",
                     target_id=row.id, user=user, detail={"url": row.url})
    return row


def delete(user, endpoint_id):
    row = queries.endpoint_of(user, endpoint_id)
    audit.record("webhooks.endpoint_deleted", summary=f"删除推送端点“{row.name}”", target_type="webhook_endpoint",
                 target_id=row.id, user=user, detail={"name": row.name, "url": row.url})
    db.session.query(WebhookDelivery).filter_by(endpoint_id=row.id).delete(synchronize_session=False)
    db.session.delete(row)
    db.session.flush()
    return row


def replay(user, delivery_id):
    """A new attempt of a delivery now (the deliverer picks it up after the commit)."""
    row = queries.delivery_of(user, delivery_id)
    delivery.replay(row)
    audit.record("webhooks.delivery_replayed", summary=f"重新推送“{row.endpoint.name}”的{row.event_label}事件",
                 target_type="webhook_delivery", target_id=row.id, user=user,
                 detail={"event": row.event, "attempts": row.attempts})
    return row
