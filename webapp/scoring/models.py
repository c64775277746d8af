"""Versioned scoring tables, leader instructions (批示) on adopted items, and published monthly circulars."""
from webapp.core.types import UTCDateTime
from webapp.extensions import db


class ScoringVersion(db.Model):
    """One immutable version of the scoring table; the newest whose effective_from is on or before a day applies."""

    __tablename__ = "scoring_versions"

    id = db.Column(db.Integer, primary_key=True)
    effective_from = db.Column(db.Date, nullable=False, index=True)
    rules = db.Column(db.JSON, nullable=False)
    comment = db.Column(db.Text, nullable=False, default="")
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    author = db.relationship("User")
    created_dt = db.Column(UTCDateTime(), nullable=False)


class ItemInstruction(db.Model):
    """A leader's written instruction (批示) on an adopted information item; it counts for the item's unit."""

    __tablename__ = "item_instructions"
    __table_args__ = (db.Index("ix_item_instructions_unit_on", "unit_id", "instructed_on"),)

    id = db.Column(db.Integer, primary_key=True)
    item_id = db.Column(db.Integer, db.ForeignKey("info_items.id"), nullable=False, index=True)
    item = db.relationship("InfoItem")
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)  # the item's reporting unit
    leader_name = db.Column(db.String(64), nullable=False)
    leader_level = db.Column(db.String(16), nullable=False)  # central / provincial / city / county
    text = db.Column(db.Text, nullable=False, default="")
    instructed_on = db.Column(db.Date, nullable=False)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    recorded_by = db.relationship("User")
    recorded_dt = db.Column(UTCDateTime(), nullable=False)


class Circular(db.Model):
    """A published 月度通报: the ranking of one month as it was published, frozen."""

    __tablename__ = "circulars"
    __table_args__ = (db.UniqueConstraint("issuing_unit_id", "month"),)

    id = db.Column(db.Integer, primary_key=True)
    issuing_unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)
    issuing_unit = db.relationship("Unit")
    month = db.Column(db.Date, nullable=False)
    scoring_version_id = db.Column(db.Integer, db.ForeignKey("scoring_versions.id"))
    rows = db.Column(db.JSON, nullable=False)
    remark = db.Column(db.Text, nullable=False, default="")
    published_dt = db.Column(UTCDateTime(), nullable=False)
    published_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    published_by = db.relationship("User")
