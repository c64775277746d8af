"""The monthly 领导批示件月报表 of a handling unit: figures frozen when produced, then confirmed by the unit."""
from webapp.core.roles import SECRECY_LEVELS
from webapp.core.types import UTCDateTime
from webapp.extensions import db


class CaseMonthTable(db.Model):
    """One unit's 领导批示件月报表 for one month (Asia/Shanghai); produced at month end or on demand."""

    __tablename__ = "case_month_tables"
    __table_args__ = (db.UniqueConstraint("office_id", "unit_id", "month"),
                      db.Index("ix_case_month_tables_office_month", "office_id", "month"))

    id = db.Column(db.Integer, primary_key=True)
    office_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)  # the 督查室 it reports to
    office = db.relationship("Unit", foreign_keys=[office_id])
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)
    unit = db.relationship("Unit", foreign_keys=[unit_id])
    month = db.Column(db.Date, nullable=False)  # the first day of the month
    received = db.Column(db.Integer, nullable=False, default=0)
    closed = db.Column(db.Integer, nullable=False, default=0)
    closed_on_time = db.Column(db.Integer, nullable=False, default=0)
    closed_late = db.Column(db.Integer, nullable=False, default=0)
    overdue_open = db.Column(db.Integer, nullable=False, default=0)
    in_progress = db.Column(db.Integer, nullable=False, default=0)
    closed_to_date = db.Column(db.Integer, nullable=False, default=0)  # since the start of the year
    received_to_date = db.Column(db.Integer, nullable=False, default=0)
    generated_dt = db.Column(UTCDateTime(), nullable=False)
    generated_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))  # None: the month-end job
    generated_by = db.relationship("User", foreign_keys=[generated_by_id])
    confirmed_dt = db.Column(UTCDateTime())
    confirmed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    confirmed_by = db.relationship("User", foreign_keys=[confirmed_by_id])
    remark = db.Column(db.Text, nullable=False, default="")
    # The part of each figure above that counts cases of one secrecy above 公开: {"2": {"received": 1, …}}, so a
    # reader is shown only the cases their clearance reaches. NULL: produced before figures were split.
    secret_figures = db.Column(db.JSON)

    FIGURES = ("received", "closed", "closed_on_time", "closed_late", "overdue_open", "in_progress",
               "received_to_date", "closed_to_date")

    def figures_for(self, clearance):
        """{figure: count} of the cases up to `clearance`: the totals less the parts above it; None when the table
        was never split and the reader is not cleared for every level (its figures may count what they may not
        see)."""
        totals = {name: getattr(self, name) for name in self.FIGURES}
        if self.secret_figures is None:
            return totals if clearance >= max(SECRECY_LEVELS) else None
        for level, part in self.secret_figures.items():
            if int(level) > clearance:
                totals = {name: n - int(part.get(name, 0)) for name, n in totals.items()}
        return totals
