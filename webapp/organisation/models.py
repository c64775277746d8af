"""The names a unit has had, each with the time it took effect, so reports of the past show the name of then."""
from webapp.core.types import UTCDateTime
from webapp.extensions import db


class UnitName(db.Model):
    """One name of a unit from `valid_from_dt` until the next row's (the current name: `valid_to_dt` is NULL)."""

    __tablename__ = "unit_names"
    __table_args__ = (db.Index("ix_unit_names_unit_valid_from", "unit_id", "valid_from_dt"),)

    id = db.Column(db.Integer, primary_key=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)
    name = db.Column(db.String(128), nullable=False)
    valid_from_dt = db.Column(UTCDateTime(), nullable=False)
    valid_to_dt = db.Column(UTCDateTime())
    changed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
