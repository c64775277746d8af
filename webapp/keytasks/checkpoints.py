"""The checkpoints of a ledger's year and the due and reminder moments of a checkpoint's reports."""
import calendar
from datetime import date

from flask import current_app

from webapp.workcal.deadlines import CalendarDataMissing, end_of_local_day, reminder_before
from webapp.workcal.queries import load_calendar

from .models import CHECKPOINT_DAYS


def checkpoint_dates(ledger):
    """The ledger's checkpoints in its year (Feb 29 in a leap year for a monthly ledger)."""
    days = []
    for month, day in CHECKPOINT_DAYS[ledger.checkpoint_mode]:
        if (month, day) == (2, 28) and calendar.isleap(ledger.year):
            day = 29
        days.append(date(ledger.year, month, day))
    return days


def moments(checkpoint):
    """(due, remind): the end of the checkpoint's local day, and KEYTASK_REMIND_WORKING_DAYS working days before
    (calendar days when the calendar lacks the year)."""
    due = end_of_local_day(checkpoint)
    days = current_app.config["KEYTASK_REMIND_WORKING_DAYS"]
    try:
        remind = reminder_before(due, days, "working_days", load_calendar())
    except CalendarDataMissing:
        remind = reminder_before(due, days, "calendar_days", None)
    return due, remind
