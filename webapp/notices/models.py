"""A notice is addressed to a user, or to a role in a unit (any unit when unit_id is empty)."""
from webapp.engine import clock
from webapp.engine.types import UTCDateTime
from webapp.extensions import db


class Notice(db.Model):
    __tablename__ = "notices"
    __table_args__ = (db.Index("ix_notices_unit_role", "unit_id", "role"),)

    id = db.Column(db.Integer, primary_key=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"))
    role = db.Column(db.String(16))
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), index=True)
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
