"""Webhook endpoints of an office and their deliveries (one row per endpoint and event)."""
from webapp.core import clock
from webapp.core.types import UTCDateTime
from webapp.extensions import db

EVENTS = {
    "task.opened": "办理环节开启",
    "item.adopted": "信息被采用",
    "case.near_due": "批示件临近到期",
    "case.overdue": "批示件超期",
    "emergency.late": "紧急信息迟报",
    "circular.published": "通报印发",
}


class WebhookEndpoint(db.Model):
    """A URL of another system told of the events it asked for, for the units at and below `unit_id`.

    The signing secret is kept encrypted (`signing.seal`), shown once to its maker right after it is made, never
    again."""

    __tablename__ = "webhook_endpoints"

    id = db.Column(db.Integer, primary_key=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False, index=True)
    unit = db.relationship("Unit")
    name = db.Column(db.String(80), nullable=False)
    url = db.Column(db.String(500), nullable=False)
    events = db.Column(db.JSON, nullable=False, default=list)
    secret_encrypted = db.Column(db.Text, nullable=False)
    secret_shown_dt = db.Column(UTCDateTime())  # when its maker saw the secret, the one time it is shown
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)
    updated_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)

    @property
    def event_labels(self):
        return [EVENTS.get(e, e) for e in self.events]


class WebhookDelivery(db.Model):
    """One event to one endpoint: the body signed and sent as it is stored, attempted until sent or failed."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (db.Index("ix_webhook_deliveries_state_next", "state", "next_attempt_dt"),)

    id = db.Column(db.Integer, primary_key=True)
    endpoint_id = db.Column(db.Integer, db.ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    endpoint = db.relationship("WebhookEndpoint")
    event = db.Column(db.String(32), nullable=False)
    body = db.Column(db.Text, nullable=False)  # the JSON payload exactly as signed and sent
    state = db.Column(db.String(16), nullable=False, default="pending")  # pending / sent / failed
    attempts = db.Column(db.Integer, nullable=False, default=0)
    last_status = db.Column(db.Integer)  # the HTTP status of the last answer
    last_error = db.Column(db.String(500))
    last_response = db.Column(db.String(500))  # the first 500 characters of the last answer's body
    created_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)
    next_attempt_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)
    last_attempt_dt = db.Column(UTCDateTime())
    sent_dt = db.Column(UTCDateTime())

    STATE_LABELS = {"pending": "待发送", "sent": "已送达", "failed": "发送失败"}

    @property
    def state_label(self):
        return self.STATE_LABELS.get(self.state, self.state)

    @property
    def event_label(self):
        return EVENTS.get(self.event, self.event)
