"""A commissioned request (约稿) and the units it was sent to."""
from webapp.core.types import UTCDateTime
from webapp.extensions import db


class Commission(db.Model):
    __tablename__ = "commissions"

    id = db.Column(db.Integer, primary_key=True)
    issuing_unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False, index=True)
    issuing_unit = db.relationship("Unit")
    topic = db.Column(db.String(200), nullable=False)
    detail = db.Column(db.Text, nullable=False, default="")
    due_dt = db.Column(UTCDateTime(), nullable=False, index=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_by = db.relationship("User")
    created_dt = db.Column(UTCDateTime(), nullable=False)
    targets = db.relationship("CommissionTarget", back_populates="commission", order_by="CommissionTarget.unit_id")
    # The items answering it; `item.commission` comes from here, so the items' model knows nothing of 约稿.
    answers = db.relationship("InfoItem", backref=db.backref("commission"))


class CommissionTarget(db.Model):
    """A unit asked to answer; answered_dt is when its first linked item was submitted upward."""

    __tablename__ = "commission_targets"
    __table_args__ = (db.Index("ix_commission_targets_unit", "unit_id", "commission_id"),)

    commission_id = db.Column(db.Integer, db.ForeignKey("commissions.id"), primary_key=True)
    commission = db.relationship("Commission", back_populates="targets")
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), primary_key=True)
    unit = db.relationship("Unit")
    answered_dt = db.Column(UTCDateTime())
