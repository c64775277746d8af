"""Local (Asia/Shanghai) days and months as the reports count them: midnights, month starts, month arithmetic."""
from datetime import date, datetime, time, timedelta

from webapp.core import clock

QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}


def quarter_of(day):
    """The quarter (1–4) `day` falls in."""
    return (day.month - 1) // 3 + 1


def local_midnight(day):
    """The aware moment a local day begins."""
    return datetime.combine(day, time(), tzinfo=clock.LOCAL_TZ)


def this_month():
    """The first day of the current local month."""
    return clock.local_today().replace(day=1)


def parse_month(text=None, default=None):
    """The first day of the month 'YYYY-MM'; `default` (else this month) when empty; ValueError when malformed."""
    if not text:
        return default or this_month()
    year, month = (int(part) for part in text.split("-"))
    return date(year, month, 1)


def next_month(day):
    """The first day of the month after the one `day` falls in."""
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def previous_month(day):
    """The first day of the month before the one `day` falls in."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def months_between(first, last):
    """First days of every month from `first` to `last`, both included."""
    months = [first]
    while months[-1] < last:
        months.append(next_month(months[-1]))
    return months


def last_months(count=12):
    """First days of the last `count` local months, oldest first, ending with this month."""
    last = this_month()
    first = last
    for _ in range(count - 1):
        first = previous_month(first)
    return months_between(first, last)
