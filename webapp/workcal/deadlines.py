"""Deadlines in calendar or working days under China's official holiday calendar, make-up workdays (调休) included."""

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import chinese_calendar
from dateutil.relativedelta import relativedelta

from webapp.core.clock import LOCAL_TZ

SHANGHAI = LOCAL_TZ
UNITS = ("hours", "calendar_days", "working_days", "months")

# Offices count a day as usable until its very end, so day-based deadlines close at 23:59:59 local time.
_END_OF_DAY = time(23, 59, 59)


class CalendarDataMissing(Exception):
    """No holiday data for `year`: neither the package nor an admin entry covers it."""

    def __init__(self, year):
        self.year = year
        super().__init__(f"缺少 {year} 年的节假日安排，请管理员在“工作日历”中录入")


@cache
def _package_covers(year):
    # chinese_calendar exposes its range only through this exception (min/max year of its holiday table);
    # probing keeps working when a newer release of the package adds a year.
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


class WorkdayCalendar:
    """The package's official calendar, corrected by admin overrides and extended to admin-declared years."""

    def __init__(self, overrides=None, admin_years=()):
        """overrides: {datetime.date: bool is_workday} entered by admins; they win over the package.
        admin_years: years an admin has declared complete (their whole holiday list was entered)."""
        self.overrides = dict(overrides or {})
        self.admin_years = frozenset(admin_years)

    def covers(self, year):
        return year in self.admin_years or _package_covers(year)

    def is_workday(self, day):
        if day in self.overrides:
            return self.overrides[day]
        if _package_covers(day.year):
            return chinese_calendar.is_workday(day)
        if day.year in self.admin_years:
            # The admin entered every holiday and make-up day as an override; the rest follows the plain week.
            return day.weekday() < 5
        # Guessing Mon-Fri here would silently count the next New Year or Spring Festival as working days.
        raise CalendarDataMissing(day.year)

    def add_working_days(self, start, n):
        """The n-th working day after `start` (start itself not counted); n >= 1."""
        if not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}")
        return _shift_working_days(self, start, n)

    def working_days_between(self, start, end):
        """Working days in (start, end]; 0 when end <= start."""
        return sum(self.is_workday(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


def _shift_working_days(calendar, start, n):
    # Day by day on purpose: every step must see admin overrides and may hit a year without data.
    if not isinstance(n, int):
        raise ValueError(f"working days must be an integer, got {n!r}")
    step = timedelta(days=1 if n > 0 else -1)
    day, left = start, abs(n)
    while left > 0:
        day += step
        left -= calendar.is_workday(day)
    return day


def _to_local(dt):
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return dt.astimezone(SHANGHAI)


def end_of_local_day(day):
    return datetime.combine(day, _END_OF_DAY, tzinfo=SHANGHAI).astimezone(UTC)


def deadline(start_dt, amount, unit, calendar):
    """start_dt: aware datetime (any tz). unit: 'hours' | 'calendar_days' | 'working_days' | 'months'.
    hours: start_dt + amount hours (exact).
    calendar_days: end of the local (Asia/Shanghai) day that is `amount` days after the local start date, 23:59:59.
    working_days: end of the local day of calendar.add_working_days(local start date, amount), 23:59:59 local.
    months: end of the local day `amount` calendar month(s) later (31 Jan + 1 month = 28/29 Feb).
    Returns an aware datetime in UTC. Raises CalendarDataMissing for working_days when a needed year has no data.
    Raises ValueError for an unknown unit or a naive start_dt."""
    local = _to_local(start_dt)
    if unit == "hours":
        # In UTC so that a start given in a zone with DST still lands exactly `amount` hours later.
        return start_dt.astimezone(UTC) + timedelta(hours=amount)
    if unit == "calendar_days":
        day = local.date() + timedelta(days=amount)
    elif unit == "working_days":
        day = calendar.add_working_days(local.date(), amount)
    elif unit == "months":
        day = local.date() + relativedelta(months=amount)
    else:
        raise ValueError(f"unknown deadline unit: {unit!r}")
    return end_of_local_day(day)


def reminder_before(due_dt, amount, unit, calendar):
    """The moment `amount` units before due_dt: for 'working_days' go back that many working days (same local
    clock time, 23:59:59 stays), for 'calendar_days' / 'hours' (and 'months') plain subtraction. Aware UTC."""
    local = _to_local(due_dt)
    if unit == "hours":
        return due_dt.astimezone(UTC) - timedelta(hours=amount)
    if unit == "calendar_days":
        moment = local - timedelta(days=amount)
    elif unit == "working_days":
        moment = datetime.combine(_shift_working_days(calendar, local.date(), -amount), local.timetz())
    elif unit == "months":
        moment = local - relativedelta(months=amount)
    else:
        raise ValueError(f"unknown reminder unit: {unit!r}")
    return moment.astimezone(UTC)
