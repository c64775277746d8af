"""The monthly 领导批示件月报表 of a handling unit: figures frozen when produced, then confirmed by the unit."""
from webapp.engine.types import UTCDateTime
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

    @property
    def closure_rate(self):
        """报结率 since the start of the year: closed ÷ received, or None before the first case."""
        return self.closed_to_date / self.received_to_date if self.received_to_date else None
