"""Writes of the working-day calendar; each flushes, the request commits."""
from webapp import audit
from webapp.core import clock, hooks
from webapp.extensions import db

from .models import CalendarDay, CalendarYear
from .queries import days_of_year
from .schemas import format_lines


def replace_year(year, entries, user):
    """Make `entries` (day, is_workday, name) the year's only entered days; returns the new rows."""
    stray = [entry.day for entry in entries if entry.day.year != year]
    if stray:
        raise ValueError(f"days outside {year}: {stray}")
    for row in days_of_year(year):
        db.session.delete(row)
    # The old rows must be gone before new ones reuse their (unique) days.
    db.session.flush()
    now = clock.now()
    rows = [CalendarDay(day=entry.day, is_workday=entry.is_workday, name=entry.name, updated_by_id=user.id,
                        updated_dt=now) for entry in sorted(entries)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def confirm_year(year, user, note=""):
    """Declare the year's arrangement completely entered: days not entered follow the plain Mon-Fri week."""
    row = db.session.get(CalendarYear, year) or CalendarYear(year=year)
    row.confirmed_by_id = user.id
    row.confirmed_dt = clock.now()
    row.note = note
    db.session.add(row)
    db.session.flush()
    return row


def unconfirm_year(year):
    """Withdraw the year's confirmation (its note stays); deadlines reaching into it fail again unless the
    package covers it. Returns the row, or None when the year was never confirmed."""
    row = db.session.get(CalendarYear, year)
    if row is not None:
        row.confirmed_by_id = None
        row.confirmed_dt = None
        db.session.flush()
    return row


def save_year(year, entries, complete, note, user):
    """What the calendar page's form does: replace the year's days, then confirm or withdraw the confirmation.

    Returns (rows, how many waiting deadlines were computed now that the year is known: the receivers of
    `hooks.calendar_year_ready`).
    """
    before = format_lines(days_of_year(year))
    rows = replace_year(year, entries, user)
    recomputed = 0
    if complete:
        confirm_year(year, user, note)
        recomputed = sum(answer or 0 for _receiver, answer in hooks.calendar_year_ready.send(year, user=user))
    else:
        unconfirm_year(year)
    state = "已确认全部录入" if complete else "尚未确认全部录入"
    audit.record("admin.calendar.save", summary=f"保存 {year} 年节假日安排（{len(entries)} 天，{state}）",
                 target_type="calendar_year", target_id=year,
                 detail={"before": before, "after": format_lines(entries), "complete": complete, "note": note},
                 user=user)
    return rows, recomputed
