"""Admin-entered calendar data: single days that override the package, and years declared complete."""
from webapp.core.types import UTCDateTime
from webapp.extensions import db


class CalendarDay(db.Model):
    """One day an admin entered: a holiday (is_workday False) or a make-up workday (调休, True)."""

    __tablename__ = "calendar_days"

    id = db.Column(db.Integer, primary_key=True)
    day = db.Column(db.Date, nullable=False, unique=True)
    is_workday = db.Column(db.Boolean, nullable=False)
    name = db.Column(db.String(64), nullable=False, default="")
    updated_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    updated_by = db.relationship("User")
    updated_dt = db.Column(UTCDateTime(), nullable=False)

    @property
    def kind_label(self):
        return "上班" if self.is_workday else "放假"

    def __repr__(self):
        return f"<CalendarDay {self.day} {'workday' if self.is_workday else 'holiday'}>"


class CalendarYear(db.Model):
    """An admin's statement that a year's whole holiday arrangement has been entered.

    The row outlives an un-confirmation (confirmed_dt back to NULL) so that its note is kept."""

    __tablename__ = "calendar_years"

    year = db.Column(db.Integer, primary_key=True, autoincrement=False)
    confirmed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    confirmed_by = db.relationship("User")
    confirmed_dt = db.Column(UTCDateTime())
    note = db.Column(db.Text, nullable=False, default="")

    @property
    def is_confirmed(self):
        return self.confirmed_dt is not None

    def __repr__(self):
        return f"<CalendarYear {self.year} {'confirmed' if self.is_confirmed else 'open'}>"
