"""The emergency tier's rules: per-level limits from the event, the escalation lead, working hours and routing.

domain.md (001): the city party committee within 2 hours of the event, the province within 5, the centre within
6; another city uses 4 hours to the city (004), so every limit is a setting (GOVFLOW_EMERGENCY_LIMITS).
"""
import math
from datetime import UTC, datetime, time, timedelta

from flask import current_app

from webapp.auth.models import Unit
from webapp.config import ConfigError
from webapp.core import clock
from webapp.extensions import db
from webapp.workcal.deadlines import CalendarDataMissing
from webapp.workcal.queries import load_calendar

from .models import LEVEL_LABELS

DEFAULT_LIMITS = "city=2,province=5,centre=6"
CENTRE_NAME = "中央（中共中央办公厅）"


def parse_limits(text):
    """`city=2,province=5,centre=6` (hours, decimals allowed; `county=1` adds a county limit) -> dict."""
    limits = dict.fromkeys(LEVEL_LABELS)
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        level, _, hours = part.partition("=")
        level = level.strip()
        if level not in LEVEL_LABELS:
            raise ValueError(f"unknown emergency level {level!r} (use {', '.join(LEVEL_LABELS)})")
        limits[level] = float(hours)
        if limits[level] <= 0:
            raise ValueError(f"the {level} limit must be positive")
    if limits["centre"] is None:
        raise ValueError("the centre needs a limit: every report's last hop is timed against it")
    return limits


def parse_work_hours(text):
    """`08:30-12:00,13:30-17:30` -> [(time, time), ...]."""
    spans = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        start, _, end = part.partition("-")
        spans.append((time.fromisoformat(start.strip()), time.fromisoformat(end.strip())))
        if spans[-1][0] >= spans[-1][1]:
            raise ValueError(f"working hours {part!r}: the start must be before the end")
    return spans


def limits():
    return parse_limits(current_app.config["EMERGENCY_LIMITS"])


def _iso(moment):
    return moment.astimezone(UTC).isoformat() if moment else None


def is_working_time(moment, calendar=None):
    """Whether the information department is at work at `moment`: a working day (holidays and make-up workdays
    per the working-day calendar) within the configured hours. A year the calendar lacks counts as off duty,
    because the duty office is staffed around the clock and an emergency must never wait for a closed office."""
    local = moment.astimezone(clock.LOCAL_TZ)
    try:
        workday = (calendar or load_calendar()).is_workday(local.date())
    except CalendarDataMissing:
        return False
    spans = parse_work_hours(current_app.config["EMERGENCY_WORK_HOURS"])
    return workday and any(start <= local.time() < end for start, end in spans)


def level_unit(unit):
    """The unit a level is named by: an internal office (信息科, 总值班室) stands for its parent."""
    return unit.parent if unit is not None and unit.kind == "office" else unit


def _level_key(unit):
    return unit.kind if unit.kind in ("county", "city", "province") else None


def plan_chain(unit_id, event_dt, phone=None):
    """The levels a report from `unit_id` must reach, nearest first, ending with the centre.

    Each level: its unit, the unit that must deliver it there, its limit and due time counted from the event.
    A phone report (`phone`: at, level_unit_id, office_unit_id) taken by an upper office counts as arrival there;
    the levels below it are passed over (the report went straight up).
    """
    table = limits()
    chain, sender = [], db.session.get(Unit, int(unit_id))
    current = sender.parent
    while current is not None:
        key = _level_key(current)
        if key is not None:
            chain.append(_level(key, current.id, current.name, sender.id, table[key], event_dt))
            sender = current
        current = current.parent
    chain.append(_level("centre", None, CENTRE_NAME, sender.id, table["centre"], event_dt))
    if phone:
        at = next(i for i, lv in enumerate(chain) if lv["unit_id"] == phone["level_unit_id"])
        chain = chain[at:]
        chain[0].update(sender_unit_id=int(unit_id), reached_at=phone["at"], via="phone",
                        office_unit_id=phone["office_unit_id"], route=phone["route"])
        chain[0]["late_minutes"] = late_minutes(chain[0], datetime.fromisoformat(phone["at"]))
    return chain


def _level(key, unit_id, name, sender_id, hours, event_dt):
    due = event_dt + timedelta(hours=hours) if hours else None
    return {"level": key, "label": LEVEL_LABELS[key], "unit_id": unit_id, "unit_name": name,
            "sender_unit_id": sender_id, "limit_hours": hours, "due_at": _iso(due), "reached_at": None,
            "via": None, "written_at": None, "office_unit_id": None, "route": None, "late_minutes": None}


def late_minutes(level, arrived):
    """Minutes past the level's limit, rounded up (a report one second late is late); None when on time."""
    if not level["due_at"]:
        return None
    late = (arrived - datetime.fromisoformat(level["due_at"])).total_seconds()
    return math.ceil(late / 60) if late > 0 else None


def effective_due(chain, index):
    """The time the report must reach chain[index] by: its own limit, or the first limited level above it."""
    return next(lv["due_at"] for lv in chain[index:] if lv["due_at"])


def warn_lead():
    """How long before a limit the report warns and turns yellow (GOVFLOW_EMERGENCY_WARN_MINUTES)."""
    return timedelta(minutes=current_app.config["EMERGENCY_WARN_MINUTES"])


def warn_at(due_iso):
    return _iso(datetime.fromisoformat(due_iso) - warn_lead())


def light(due_dt, now):
    """An emergency's light against a limit, the one rule for every list, page and the API: "red" at or past
    the limit, "yellow" within the warning lead of it (when the 时限将至 timer fires), else ""."""
    if due_dt is None:
        return ""
    if now >= due_dt:
        return "red"
    return "yellow" if due_dt - now <= warn_lead() else ""


def written_due(phone_at):
    grace = timedelta(minutes=current_app.config["EMERGENCY_WRITTEN_MINUTES"])
    return _iso(datetime.fromisoformat(phone_at) + grace)


def route(unit_id, moment):
    """Where a report reaching `unit_id` at `moment` goes: its information office in working hours, else its
    duty office (总值班室); the other one when a unit lacks one. Returns (route, office unit)."""
    unit = db.session.get(Unit, int(unit_id))
    order = ("info", "duty") if is_working_time(moment) else ("duty", "info")
    for function in order:
        office = unit.office(function)
        if office is not None:
            return function, office
    return order[0], unit


def check_config(app):
    """The emergency settings must parse, or the app does not start (the domain's setup)."""
    try:
        parse_limits(app.config["EMERGENCY_LIMITS"])
        parse_work_hours(app.config["EMERGENCY_WORK_HOURS"])
    except ValueError as exc:
        raise ConfigError(f"emergency settings: {exc}") from exc
