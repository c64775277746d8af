"""Reads of the working-day calendar: the calendar deadlines use, and what the admin page shows per year."""
from dataclasses import dataclass, field
from datetime import date

from webapp.extensions import db

from .deadlines import WorkdayCalendar
from .models import CalendarDay, CalendarYear


def load_calendar():
    """The package's calendar with every admin-entered day as an override and every confirmed year added."""
    overrides = dict(db.session.query(CalendarDay.day, CalendarDay.is_workday).all())
    confirmed = db.session.query(CalendarYear.year).filter(CalendarYear.confirmed_dt.isnot(None))
    return WorkdayCalendar(overrides, {year for (year,) in confirmed})


def _year_bounds(year):
    return date(year, 1, 1), date(year, 12, 31)


def days_of_year(year):
    first, last = _year_bounds(year)
    return (db.session.query(CalendarDay).filter(CalendarDay.day.between(first, last))
            .order_by(CalendarDay.day).all())


def entered_years():
    """Years with at least one entered day or a confirmation row."""
    days = {day.year for (day,) in db.session.query(CalendarDay.day)}
    return days | {year for (year,) in db.session.query(CalendarYear.year)}


@dataclass
class YearOverview:
    year: int
    package_covers: bool
    confirmation: CalendarYear | None
    days: list = field(default_factory=list)

    @property
    def confirmed(self):
        return self.confirmation is not None and self.confirmation.is_confirmed

    @property
    def has_data(self):
        """False: a working-day deadline that reaches into this year raises CalendarDataMissing."""
        return self.package_covers or self.confirmed

    @property
    def holiday_count(self):
        return sum(not d.is_workday for d in self.days)

    @property
    def makeup_count(self):
        return sum(d.is_workday for d in self.days)


def year_overview(years):
    """One YearOverview per year, oldest first: package coverage, admin confirmation, entered days."""
    package = WorkdayCalendar()  # no admin data: covers() answers for the package alone
    return [YearOverview(year, package.covers(year), db.session.get(CalendarYear, year), days_of_year(year))
            for year in sorted(set(years))]
