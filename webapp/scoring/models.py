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


class UnitBonus(db.Model):
    """A bonus an office awarded one of its reporting units (进入全省信息工作排名前列 …), worth the points the
    scoring table gives its entry on its date; counted in that year's and that quarter's totals."""

    __tablename__ = "unit_bonuses"
    __table_args__ = (db.Index("ix_unit_bonuses_office_on", "office_id", "awarded_on"),)

    id = db.Column(db.Integer, primary_key=True)
    office_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)
    unit = db.relationship("Unit", foreign_keys=[unit_id])
    bonus_key = db.Column(db.String(32), nullable=False)  # an entry of rules.UNIT_BONUSES
    reason = db.Column(db.Text, nullable=False, default="")
    awarded_on = db.Column(db.Date, nullable=False)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    recorded_by = db.relationship("User")
    recorded_dt = db.Column(UTCDateTime(), nullable=False)


class AnnualAward(db.Model):
    """An office's annual awards (先进单位 / 优秀信息员) decided from the year's ranking; frozen once published."""

    __tablename__ = "annual_awards"
    __table_args__ = (db.UniqueConstraint("office_id", "year", name="uq_annual_awards_office_year"),)

    id = db.Column(db.Integer, primary_key=True)
    office_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)
    office = db.relationship("Unit")
    year = db.Column(db.Integer, nullable=False)
    # [{"kind": "unit"|"officer", "unit_id", "user_id", "reason"}] as the office decided them
    entries = db.Column(db.JSON, nullable=False)
    remark = db.Column(db.Text, nullable=False, default="")
    rows = db.Column(db.JSON)  # {"columns", "rows"} frozen at publishing
    saved_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    saved_by = db.relationship("User", foreign_keys=[saved_by_id])
    saved_dt = db.Column(UTCDateTime(), nullable=False)
    published_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    published_by = db.relationship("User", foreign_keys=[published_by_id])
    published_dt = db.Column(UTCDateTime())
