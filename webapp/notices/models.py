"""A notice is addressed to a user, or to a role in a unit (any unit when unit_id is empty)."""
from webapp.core import clock
from webapp.core.types import UTCDateTime
from webapp.extensions import db


class Notice(db.Model):
    __tablename__ = "notices"
    __table_args__ = (db.Index("ix_notices_unit_role", "unit_id", "role"),)

    id = db.Column(db.Integer, primary_key=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"))
    role = db.Column(db.String(16))
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), index=True)
    # The item's secrecy when the notice was sent: above 0 the notice has no body, is shown only to users
    # cleared for it, and leaves the system (email, SMS, IM) as a generic text without title or body.
    secrecy = db.Column(db.SmallInteger, nullable=False, default=0)
    level = db.Column(db.String(16), nullable=False, default="info")  # info / warning / danger
    title = db.Column(db.String(256), nullable=False)
    body = db.Column(db.Text, nullable=False, default="")
    link = db.Column(db.String(256))
    created_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)

    LEVEL_LABELS = {"info": "通知", "warning": "提醒", "danger": "警示"}


class NoticeRead(db.Model):
    """Who has read a notice; a notice to a role is read by each of its users separately."""

    __tablename__ = "notice_reads"

    notice_id = db.Column(db.Integer, db.ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    read_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)


class NoticeDelivery(db.Model):
    """One notice to one user over one external channel (email, SMS, IM); the database is its truth.

    `pending` rows are handed to RQ (or the in-process deliverer) after commit; a failed attempt is tried
    again at `next_attempt_dt`, until NOTICE_MAX_ATTEMPTS, then the row is `failed` with its last error.
    """

    __tablename__ = "notice_deliveries"
    # What the sweep and the in-process deliverer read: pending rows whose next attempt is due.
    __table_args__ = (db.Index("ix_notice_deliveries_state_next", "state", "next_attempt_dt"),)

    id = db.Column(db.Integer, primary_key=True)
    notice_id = db.Column(db.Integer, db.ForeignKey("notices.id", ondelete="CASCADE"), nullable=False, index=True)
    notice = db.relationship("Notice")
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    channel = db.Column(db.String(32), nullable=False)
    address = db.Column(db.String(256), nullable=False)
    state = db.Column(db.String(16), nullable=False, default="pending")  # pending / sent / failed
    attempts = db.Column(db.Integer, nullable=False, default=0)
    last_error = db.Column(db.Text)
    created_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)
    next_attempt_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)
    sent_dt = db.Column(UTCDateTime())

    STATE_LABELS = {"pending": "待发送", "sent": "已发送", "failed": "发送失败"}
