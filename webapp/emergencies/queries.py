"""Reads of emergencies, the units' reporting record and the monthly summary, scoped by level and clearance."""
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import exists, or_

from webapp import engine
from webapp.auth.models import Unit
from webapp.core import clock
from webapp.core.errors import NotFound
from webapp.core.links import path_for
from webapp.engine.models import HumanTask, InstanceEvent
from webapp.extensions import db

from .limits import level_unit
from .models import Emergency, EmergencyFollowUp, EmergencyLevel, ReportingFault

REPORTER_ROLES = ("writer", "duty")
OFFICE_ROLES = ("editor", "duty")


def level_unit_id(user):
    """The unit a user works for at a level: an office (信息科, 总值班室) stands for its parent."""
    return level_unit(user.unit).id


def descendant_ids(unit_id):
    """Ids of the units below `unit_id` (not itself), offices included."""
    ids, frontier = [], [unit_id]
    while frontier:
        frontier = [uid for (uid,) in db.session.query(Unit.id).filter(Unit.parent_id.in_(frontier))]
        ids.extend(frontier)
    return ids


def reporting_units_below(user):
    """The units whose reports an office of the user's level may take by phone or mark on the record."""
    ids = descendant_ids(level_unit_id(user))
    return (db.session.query(Unit).filter(Unit.id.in_(ids), Unit.kind != "office")
            .order_by(Unit.kind, Unit.code).all()) if ids else []


def takes_reports(user):
    """Staff who receive reports for their level: information editors and duty officers (in an office such as
    市委办信息科 / 总值班室, or in a county office that has no such sub-units)."""
    return any(user.has_role(role) for role in OFFICE_ROLES)


def may_report(user):
    """Writers and duty officers report for their level's unit (a city duty officer reports for the city)."""
    return any(user.has_role(role) for role in REPORTER_ROLES)


def visible_to(user):
    """Emergencies of the user's unit, and those that reached the user's level; never above the clearance."""
    return db.session.query(Emergency).filter(Emergency.secrecy <= user.clearance, _known_at(user))


def get_visible(user, emergency_id):
    emergency = visible_to(user).filter(Emergency.id == emergency_id).one_or_none()
    if emergency is None:
        raise NotFound("紧急信息不存在或您无权查看。")
    return emergency


def visible_instance(user, instance_id):
    return visible_to(user).filter(Emergency.instance_id == instance_id).first() is not None


def visible_followup_instance(user, instance_id):
    followup = db.session.query(EmergencyFollowUp).filter_by(instance_id=instance_id).one_or_none()
    return followup is not None and visible_to(user).filter(Emergency.id == followup.emergency_id).first() is not None


# Open ones first (red at the top, then by the limit they travel against), then the rest newest first; the id last
# makes it a total order (the API's cursors walk it).
LIST_ORDER = (Emergency.next_due_dt.is_(None), Emergency.next_due_dt, Emergency.event_dt.desc(), Emergency.id.desc())


def list_query(user, scope="all"):
    """The emergencies `user` may see in `scope` (all / open / own), unordered."""
    query = visible_to(user)
    if scope == "open":
        query = query.filter(Emergency.next_due_dt.isnot(None), Emergency.closed_dt.is_(None))
    elif scope == "own":
        query = query.filter(Emergency.unit_id == level_unit_id(user))
    return query


def list_for(user, scope="all", limit=100):
    """Open ones first (red at the top, then by the limit they travel against), then the rest newest first."""
    return list_query(user, scope).order_by(*LIST_ORDER).limit(limit).all()


def history(emergency):
    return (db.session.query(InstanceEvent).filter_by(instance_id=emergency.instance_id)
            .order_by(InstanceEvent.event_dt, InstanceEvent.id).all())


def current_task(instance_id):
    """The instance's open step row (the oldest, if several), or None."""
    return (db.session.query(HumanTask).filter_by(instance_id=instance_id, state="open")
            .order_by(HumanTask.id).first())


def task_for_actor(user, instance_id, step_key=None):
    """The instance's open step row when `user` may act on it (and it is the step `step_key`, if given), else None:
    what a page offers a form for."""
    row = current_task(instance_id) if instance_id is not None else None
    if row is None or (step_key is not None and row.step_key != step_key) or not engine.may_act(user, row):
        return None
    return row


def last_return(instance_id):
    """The latest 值班领导核签 that sent the report back to the writer (退回): who, when, why."""
    return (db.session.query(HumanTask).filter_by(instance_id=instance_id, step_key="u_sign", outcome="return")
            .order_by(HumanTask.id.desc()).first())


def emergency_for_instance(instance_id):
    return db.session.query(Emergency).filter_by(instance_id=instance_id).one_or_none()


def followup_for_instance(instance_id):
    return db.session.query(EmergencyFollowUp).filter_by(instance_id=instance_id).one_or_none()


def open_request(emergency):
    """The upper office's unanswered request for a follow-up, if any."""
    return (db.session.query(EmergencyFollowUp)
            .filter_by(emergency_id=emergency.id, status="requested").order_by(EmergencyFollowUp.id).first())


def may_view_record(user, unit):
    """A unit's reporting record: the unit itself and the levels above it."""
    own = level_unit_id(user)
    return unit.id == own or unit.id in descendant_ids(own)


def fault_within_clearance(user):
    """A mark the user may count: one not tied to a report above their clearance (a 漏报/瞒报 recorded without a
    report has nothing secret to hide). Statistics and scoring can filter with it as well."""
    return ~exists().where(Emergency.id == ReportingFault.emergency_id, Emergency.secrecy > user.clearance)


def unit_record(user, unit_id, since=None, until=None):
    """The marks (迟报/漏报/瞒报) on a unit's record that `user` may see and count (`fault_counted`), newest event
    first."""
    query = db.session.query(ReportingFault).filter(ReportingFault.unit_id == unit_id, fault_counted(user))
    if since is not None:
        query = query.filter(ReportingFault.event_dt >= since)
    if until is not None:
        query = query.filter(ReportingFault.event_dt < until)
    return query.order_by(ReportingFault.event_dt.desc(), ReportingFault.id.desc()).all()


def month_bounds(year, month):
    """[start, end) of a month in the offices' time, as aware datetimes."""
    start = datetime.combine(datetime(year, month, 1).date(), time(), tzinfo=clock.LOCAL_TZ)
    end_year, end_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return start, datetime.combine(datetime(end_year, end_month, 1).date(), time(), tzinfo=clock.LOCAL_TZ)


@dataclass
class UnitSummary:
    unit: Unit
    reported: int = 0
    on_time: int = 0
    late: int = 0
    late_minutes: int = 0
    missed: int = 0
    concealed: int = 0
    backfilled: int = 0  # phone reports entered well after the call time they state (补录)
    faults: list = field(default_factory=list)

    @property
    def timeliness(self):
        """及时率: reports with no 迟报 ÷ reports; None with no report."""
        return self.on_time / self.reported if self.reported else None


def _known_at(user):
    """An emergency the user's level knows of: its own, or one that reached it. A report a level below held
    (本级掌握) or has not yet sent up is not the user's level's to count."""
    own = level_unit_id(user)
    reached = exists().where(EmergencyLevel.emergency_id == Emergency.id, EmergencyLevel.unit_id == own,
                             EmergencyLevel.reached_dt.isnot(None))
    return or_(Emergency.unit_id == own, reached)


def fault_counted(user):
    """A mark the user's level counts: within their clearance, and either recorded without a report or on a report
    their level knows of (`_known_at`): the 迟报 of a report held below never reached them."""
    known = (db.session.query(Emergency.id).filter(Emergency.secrecy <= user.clearance, _known_at(user)))
    return or_(ReportingFault.emergency_id.is_(None), ReportingFault.emergency_id.in_(known.scalar_subquery()))


def monthly_summary(user, year, month):
    """Per unit reporting to the user's level (every unit below it, zeros included; the level's own unit when it
    has anything in the month): emergencies reported in the month by event time that reached the user's level, how
    many were late (迟报) and by how much, how many phone reports were 补录, and the 漏报/瞒报 recorded. A report
    held below (本级掌握) is not counted, nor are reports above the user's clearance, nor their marks."""
    start, end = month_bounds(year, month)
    own = level_unit_id(user)
    below = descendant_ids(own)
    scope = [own, *below]
    summaries = {unit.id: UnitSummary(unit) for unit in db.session.query(Unit).filter(
        Unit.id.in_(below), Unit.kind != "office")} if below else {}

    def summary(unit):
        return summaries.setdefault(unit.id, UnitSummary(unit))

    reported = (db.session.query(Emergency).filter(Emergency.unit_id.in_(scope), Emergency.event_dt >= start,
                                                   Emergency.event_dt < end, Emergency.secrecy <= user.clearance,
                                                   _known_at(user)).all())
    faults = (db.session.query(ReportingFault).filter(ReportingFault.unit_id.in_(scope),
                                                      ReportingFault.event_dt >= start,
                                                      ReportingFault.event_dt < end,
                                                      fault_counted(user)).all())
    late_emergencies = {}
    for fault in faults:
        row = summary(fault.unit)
        row.faults.append(fault)
        if fault.kind == "late":
            row.late_minutes += fault.minutes_late or 0
            late_emergencies.setdefault(fault.unit_id, set()).add(fault.emergency_id)
        elif fault.kind == "missed":
            row.missed += 1
        else:
            row.concealed += 1
    for unit_id, emergencies in late_emergencies.items():
        summaries[unit_id].late = len(emergencies)
    for emergency in reported:
        row = summary(emergency.unit)
        row.reported += 1
        row.on_time += emergency.id not in late_emergencies.get(emergency.unit_id, set())
        row.backfilled += emergency.phone_backfill
    return sorted(summaries.values(), key=lambda s: (-(s.late + s.missed + s.concealed), -s.reported, s.unit.code))


def link_for_instance(instance_id):
    """The emergency's page (`hooks.instance_link`)."""
    return path_for("emergencies.by_instance", instance_id=instance_id)


def link_for_followup_instance(instance_id):
    """A follow-up's instance leads to its emergency's page."""
    followup = followup_for_instance(instance_id)
    return path_for("emergencies.detail", emergency_id=followup.emergency_id) if followup is not None else None
