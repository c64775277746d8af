"""Deadline arithmetic against the real 2025/2026 official calendar and admin-entered years."""

from datetime import UTC, date, datetime

import chinese_calendar
import pytest

from webapp.workcal.deadlines import (
    SHANGHAI,
    CalendarDataMissing,
    WorkdayCalendar,
    deadline,
    reminder_before,
)


def test_package_data_matches_the_2025_national_day_arrangement():
    # The expectations below were counted by hand from this arrangement.
    assert date(2025, 9, 28) in chinese_calendar.workdays  # Sunday
    assert date(2025, 10, 11) in chinese_calendar.workdays  # Saturday
    assert all(date(2025, 10, d) in chinese_calendar.holidays for d in range(1, 9))
    assert date(2025, 9, 26).weekday() == 4


def test_working_days_across_2025_national_day_count_makeup_days():
    start = datetime(2025, 9, 26, 10, 0, tzinfo=SHANGHAI)
    # 9/28 (Sun, make-up), 9/29, 9/30, [10/1-10/8 off], 10/9, 10/10, 10/11 (Sat, make-up), 10/13-17, 10/20-23
    due = deadline(start, 15, "working_days", WorkdayCalendar())
    assert due == datetime(2025, 10, 23, 15, 59, 59, tzinfo=UTC)
    assert due.utcoffset().total_seconds() == 0
    local = due.astimezone(SHANGHAI)
    assert (local.date(), local.hour, local.minute, local.second) == (date(2025, 10, 23), 23, 59, 59)


def test_without_the_makeup_days_the_deadline_would_be_later():
    no_makeup = WorkdayCalendar({date(2025, 9, 28): False, date(2025, 10, 11): False})
    start = datetime(2025, 9, 26, 10, 0, tzinfo=SHANGHAI)
    assert deadline(start, 15, "working_days", no_makeup) == datetime(2025, 10, 27, 15, 59, 59, tzinfo=UTC)


def test_calendar_days_count_from_the_local_date():
    # 17:00 UTC on 10 March is already 01:00 on 11 March in Shanghai.
    start = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
    due = deadline(start, 15, "calendar_days", WorkdayCalendar())
    assert due == datetime(2026, 3, 26, 15, 59, 59, tzinfo=UTC)


def test_one_month_from_31_january_ends_on_the_last_day_of_february():
    cal = WorkdayCalendar()
    assert deadline(datetime(2026, 1, 31, 9, 0, tzinfo=SHANGHAI), 1, "months", cal) == datetime(
        2026, 2, 28, 15, 59, 59, tzinfo=UTC
    )
    assert deadline(datetime(2028, 1, 31, 9, 0, tzinfo=SHANGHAI), 1, "months", cal) == datetime(
        2028, 2, 29, 15, 59, 59, tzinfo=UTC
    )


def test_hours_are_exact_even_across_local_midnight():
    event = datetime(2026, 3, 10, 21, 30, tzinfo=SHANGHAI)
    assert deadline(event, 5, "hours", WorkdayCalendar()) == datetime(2026, 3, 10, 18, 30, tzinfo=UTC)
    assert deadline(event, 48, "hours", WorkdayCalendar()) == datetime(2026, 3, 12, 13, 30, tzinfo=UTC)


def test_year_without_data_raises_until_an_admin_completes_it():
    start = datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI)  # Sunday
    cal = WorkdayCalendar()
    assert cal.covers(2026) and not cal.covers(2027)
    with pytest.raises(CalendarDataMissing) as exc:
        deadline(start, 15, "working_days", cal)
    assert exc.value.year == 2027
    assert "2027" in str(exc.value)


def test_overrides_alone_do_not_make_a_year_complete():
    cal = WorkdayCalendar({date(2027, 1, 1): False})
    with pytest.raises(CalendarDataMissing) as exc:
        deadline(datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI), 15, "working_days", cal)
    assert exc.value.year == 2027


def test_admin_entered_year_gives_a_deadline_and_overrides_move_it():
    start = datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI)
    new_year = {date(2027, 1, 1): False}
    # 12/21-25, 12/28-31 = 9; 1/1 off; 1/4-8 = 14; 1/11 = 15
    cal = WorkdayCalendar(new_year, admin_years={2027})
    assert cal.covers(2027)
    assert deadline(start, 15, "working_days", cal) == datetime(2027, 1, 11, 15, 59, 59, tzinfo=UTC)
    extra_holiday = WorkdayCalendar({**new_year, date(2027, 1, 5): False}, admin_years={2027})
    assert deadline(start, 15, "working_days", extra_holiday) == datetime(2027, 1, 12, 15, 59, 59, tzinfo=UTC)
    # Without the New Year's Day entry, Friday 1 January counts as an ordinary working day.
    plain_week = WorkdayCalendar(admin_years={2027})
    assert deadline(start, 15, "working_days", plain_week) == datetime(2027, 1, 8, 15, 59, 59, tzinfo=UTC)


def test_admin_override_wins_over_the_package():
    tuesday = date(2026, 3, 10)
    assert WorkdayCalendar().is_workday(tuesday) is True
    cal = WorkdayCalendar({tuesday: False, date(2026, 10, 5): True})
    assert cal.is_workday(tuesday) is False
    assert cal.is_workday(date(2026, 10, 5)) is True  # a National Day holiday in the package
    assert WorkdayCalendar().add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 10)
    assert cal.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 11)


def test_working_days_between():
    cal = WorkdayCalendar()
    assert cal.working_days_between(date(2025, 9, 26), date(2025, 10, 23)) == 15
    assert cal.working_days_between(date(2026, 3, 13), date(2026, 3, 16)) == 1  # Friday to Monday
    assert cal.working_days_between(date(2026, 3, 13), date(2026, 3, 15)) == 0  # start not counted, Sunday end
    # 2/14 (Sat, make-up), [2/15-2/23 off], 2/24-27, 2/28 (Sat, make-up), 3/2
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 3, 2)) == 7
    assert cal.working_days_between(date(2026, 3, 16), date(2026, 3, 16)) == 0
    assert cal.working_days_between(date(2026, 3, 16), date(2026, 3, 13)) == 0


def test_reminder_three_working_days_before_spans_the_weekend():
    due = datetime(2026, 3, 16, 23, 59, 59, tzinfo=SHANGHAI)  # Monday
    cal = WorkdayCalendar()
    # back over Sun 15 and Sat 14: Fri 13, Thu 12, Wed 11
    assert reminder_before(due, 3, "working_days", cal) == datetime(2026, 3, 11, 15, 59, 59, tzinfo=UTC)
    assert reminder_before(due, 3, "calendar_days", cal) == datetime(2026, 3, 13, 15, 59, 59, tzinfo=UTC)
    assert reminder_before(due, 24, "hours", cal) == datetime(2026, 3, 15, 15, 59, 59, tzinfo=UTC)


def test_reminder_before_skips_holidays_and_counts_makeup_days():
    due = datetime(2025, 10, 9, 23, 59, 59, tzinfo=SHANGHAI)
    # back over 10/8-10/1: 9/30, 9/29, 9/28 (Sun, make-up)
    assert reminder_before(due, 3, "working_days", WorkdayCalendar()) == datetime(2025, 9, 28, 15, 59, 59, tzinfo=UTC)


def test_invalid_input_is_rejected():
    cal = WorkdayCalendar()
    with pytest.raises(ValueError):
        deadline(datetime(2026, 3, 10, 9, 0), 1, "calendar_days", cal)
    with pytest.raises(ValueError):
        deadline(datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI), 1, "weeks", cal)
    with pytest.raises(ValueError):
        reminder_before(datetime(2026, 3, 10, 9, 0), 1, "hours", cal)
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 3, 10), 0)
