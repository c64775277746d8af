"""Reads of the reports: overdue cases, emergency faults, the monthly case tables; grouped SQL counts only."""
from sqlalchemy import and_, case, func, or_

from webapp.auth.models import Unit, User, UserRole
from webapp.cases.models import LEVELS, InstructionCase
from webapp.core import clock
from webapp.core.errors import NotAllowed
from webapp.emergencies.models import Emergency, ReportingFault
from webapp.emergencies.queries import descendant_ids, level_unit_id, takes_reports
from webapp.extensions import db
from webapp.months import local_midnight, months_between, next_month, parse_month
from webapp.supervision.queries import office_of

from .models import CaseMonthTable

FAULT_KINDS = {"late": "迟报", "missed": "漏报", "concealed": "瞒报"}
GROUPINGS = {"unit": "按承办单位", "level": "按批示层级", "month": "按到期月份"}
UNIT_TABLE_ROLES = {"handler", "verifier", "leader", "principal"}
FAULT_WATCH_ROLES = {"supervisor", "leader", "principal"}  # not the administrators (三员分立)


# --- whose cases -----------------------------------------------------------------------------------------------

def case_scope(user):
    """(filter on InstructionCase, label): the supervision office's cases (its staff and the leaders of its parent
    unit), else the cases the user's unit leads (the handling unit); never above the user's clearance."""
    office = supervision_office(user)
    clearance = InstructionCase.secrecy <= user.clearance
    if office is not None:
        return and_(InstructionCase.unit_id == office.id, clearance), office.name
    if user.roles & UNIT_TABLE_ROLES:
        return and_(InstructionCase.lead_unit_id == user.unit_id, clearance), user.unit.name
    raise NotAllowed("只有督查室、本级领导和承办单位可以查看批示件统计。")


def supervision_office(user):
    """The 督查室 whose cases the user watches (its staff, its parent unit's leaders), or None."""
    try:
        return office_of(user)
    except NotAllowed:
        return None


# --- overdue cases -----------------------------------------------------------------------------------------------

def _overdue(now):
    c = InstructionCase
    return or_(and_(c.closed_dt.is_(None), c.due_dt <= now), c.closed_dt > c.due_dt)


def overdue_cases(scope, first, last_month, now, key=None, by=None):
    """Cases due in the months [first, last_month] that went overdue: still open past the deadline, or closed
    after it; `by`/`key` narrow them to one group of the report (the drill-down)."""
    c = InstructionCase
    query = db.session.query(c).filter(scope, c.due_dt >= local_midnight(first),
                                       c.due_dt < local_midnight(next_month(last_month)), _overdue(now))
    if by == "unit" and key is not None:
        query = query.filter(c.lead_unit_id == key)
    elif by == "level" and key is not None:
        query = query.filter(c.level == key)
    elif by == "month" and key is not None:
        start = parse_month(key)
        query = query.filter(c.due_dt >= local_midnight(start), c.due_dt < local_midnight(next_month(start)))
    return query


def overdue_groups(scope, first, last_month, by, now):
    """[(key, label, open overdue, closed late)] per group, in a stable order."""
    c = InstructionCase
    base = overdue_cases(scope, first, last_month, now)
    open_late = func.sum(case((c.closed_dt.is_(None), 1), else_=0))
    closed_late = func.sum(case((c.closed_dt.isnot(None), 1), else_=0))
    if by == "month":
        months = months_between(first, last_month)
        columns = []
        for start in months:
            inside = and_(c.due_dt >= local_midnight(start), c.due_dt < local_midnight(next_month(start)))
            columns += [func.sum(case((and_(inside, c.closed_dt.is_(None)), 1), else_=0)),
                        func.sum(case((and_(inside, c.closed_dt.isnot(None)), 1), else_=0))]
        values = base.with_entities(*columns).one()
        return [(m.strftime("%Y-%m"), m.strftime("%Y年%m月"), int(values[2 * i] or 0), int(values[2 * i + 1] or 0))
                for i, m in enumerate(months)]
    column = c.lead_unit_id if by == "unit" else c.level
    rows = base.with_entities(column, open_late, closed_late).group_by(column).all()
    if by == "unit":
        names = dict(db.session.query(Unit.id, Unit.name).filter(Unit.id.in_([r[0] for r in rows]))) if rows else {}
        labelled = [(key, names.get(key, "（未指定）"), a, b) for key, a, b in rows]
    else:
        labelled = [(key, LEVELS.get(key, "（未指定）"), a, b) for key, a, b in rows]
    return sorted(((k, label, int(a), int(b)) for k, label, a, b in labelled), key=lambda r: (-(r[2] + r[3]), r[1]))


def missed_feedback(scope, first, last_month, by):
    """{group key: cases whose first feedback (首次反馈) came late or never}, among cases whose feedback was due
    in the months [first, last_month] — a population of its own, beside the overdue cases."""
    c = InstructionCase
    base = db.session.query(c).filter(scope, c.feedback_missed.is_(True),
                                      c.feedback_due_dt >= local_midnight(first),
                                      c.feedback_due_dt < local_midnight(next_month(last_month)))
    if by == "month":
        months = months_between(first, last_month)
        values = base.with_entities(*[func.sum(case((and_(c.feedback_due_dt >= local_midnight(m),
                                                          c.feedback_due_dt < local_midnight(next_month(m))), 1),
                                                    else_=0)) for m in months]).one()
        return {m.strftime("%Y-%m"): int(v or 0) for m, v in zip(months, values, strict=True) if v}
    column = c.lead_unit_id if by == "unit" else c.level
    return {key: int(n) for key, n in base.with_entities(column, func.count(c.id)).group_by(column)}


def group_label(by, key):
    """The label of a report group that only the missed-feedback count has."""
    if by == "unit":
        unit = db.session.get(Unit, key) if key is not None else None
        return unit.name if unit is not None else "（未指定）"
    if by == "level":
        return LEVELS.get(key, "（未指定）")
    return parse_month(key).strftime("%Y年%m月")


def days_late(c, now):
    """Local calendar days past the deadline: until closing, or until today for an open case."""
    end = c.closed_dt or now
    return (end.astimezone(clock.LOCAL_TZ).date() - c.due_dt.astimezone(clock.LOCAL_TZ).date()).days


# --- emergency faults --------------------------------------------------------------------------------------------

def fault_scope(user):
    """Units whose faults the user may see: the offices that take reports, the 督查室, leaders and admins see their
    level's unit and everything below it; anyone else their own unit."""
    if takes_reports(user) or user.roles & FAULT_WATCH_ROLES:
        own = level_unit_id(user)
        return [own, *descendant_ids(own)]
    return [user.unit_id]


def _faults_within(clearance):
    """Faults the reader may see: those of an emergency up to their clearance (a fault copies its emergency's
    title), and those recorded without one (a 漏报/瞒报 entered by hand carries no secrecy)."""
    f = ReportingFault
    return (db.session.query(f).outerjoin(Emergency, Emergency.id == f.emergency_id)
            .filter(or_(f.emergency_id.is_(None), Emergency.secrecy <= clearance)))


def fault_groups(unit_ids, first, last_month, by, clearance):
    """[(key, label, late, missed, concealed, minutes late)] by unit or by month of the event (Shanghai), of the
    faults within `clearance`."""
    f = ReportingFault
    start, end = local_midnight(first), local_midnight(next_month(last_month))
    base = _faults_within(clearance).filter(f.unit_id.in_(unit_ids), f.event_dt >= start, f.event_dt < end)
    if by == "month":
        months = months_between(first, last_month)
        columns = []
        for m in months:
            inside = and_(f.event_dt >= local_midnight(m), f.event_dt < local_midnight(next_month(m)))
            columns += [func.sum(case((and_(inside, f.kind == kind), 1), else_=0)) for kind in FAULT_KINDS]
            columns.append(func.sum(case((inside, func.coalesce(f.minutes_late, 0)), else_=0)))
        values = [int(v or 0) for v in base.with_entities(*columns).one()]
        return [(m.strftime("%Y-%m"), m.strftime("%Y年%m月"), *values[4 * i:4 * i + 4]) for i, m in enumerate(months)]
    rows = (base.with_entities(f.unit_id, *[func.sum(case((f.kind == kind, 1), else_=0)) for kind in FAULT_KINDS],
                               func.sum(func.coalesce(f.minutes_late, 0)))
            .group_by(f.unit_id).all())
    names = dict(db.session.query(Unit.id, Unit.name).filter(Unit.id.in_([r[0] for r in rows]))) if rows else {}
    result = [(uid, names.get(uid, str(uid)), *(int(v or 0) for v in counts)) for uid, *counts in rows]
    return sorted(result, key=lambda r: (-(r[2] + r[3] + r[4]), r[1]))


def faults(unit_ids, first, last_month, clearance, by=None, key=None):
    f = ReportingFault
    query = _faults_within(clearance).filter(f.unit_id.in_(unit_ids), f.event_dt >= local_midnight(first),
                                       f.event_dt < local_midnight(next_month(last_month)))
    if by == "unit" and key is not None:
        query = query.filter(f.unit_id == key)
    elif by == "month" and key is not None:
        start = parse_month(key)
        query = query.filter(f.event_dt >= local_midnight(start), f.event_dt < local_midnight(next_month(start)))
    return query.order_by(f.event_dt, f.id)


# --- monthly case tables -----------------------------------------------------------------------------------------

def responsible_office(unit):
    """The 督查室 a unit answers to: that of its nearest ancestor with one (a county's: the city's 督查室)."""
    parent = unit.parent
    while parent is not None:
        office = parent.office("supervision") if parent.kind != "office" else None
        if office is not None:
            return office
        parent = parent.parent
    return None


def table_units(office):
    """Units owing this office a monthly table: those that led one of its cases, and the units with a handler
    (承办) user that answer to it."""
    led = {uid for (uid,) in db.session.query(InstructionCase.lead_unit_id)
           .filter(InstructionCase.unit_id == office.id, InstructionCase.lead_unit_id.isnot(None)).distinct()}
    handler_units = (db.session.query(Unit).join(User, User.unit_id == Unit.id)
                     .join(UserRole, UserRole.user_id == User.id).filter(UserRole.role == "handler").distinct())
    ids = led | {u.id for u in handler_units if getattr(responsible_office(u), "id", None) == office.id}
    return db.session.query(Unit).filter(Unit.id.in_(ids)).order_by(Unit.code).all() if ids else []


def month_figures(office, unit_ids, first):
    """{unit id: {secrecy: figures}} of the month (Shanghai) for the office's cases led by those units, one query
    grouped by unit and secrecy (a table keeps the secret parts apart, see CaseMonthTable.figures_for)."""
    c = InstructionCase
    start, end = local_midnight(first), local_midnight(next_month(first))
    year_start = local_midnight(first.replace(month=1))
    open_at_end = or_(c.closed_dt.is_(None), c.closed_dt >= end)  # of the cases assigned before the end (filter)

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    closed_in = and_(c.closed_dt >= start, c.closed_dt < end)
    rows = (db.session.query(
        c.lead_unit_id,
        c.secrecy,
        count(and_(c.assigned_dt >= start, c.assigned_dt < end)),
        count(closed_in),
        count(and_(closed_in, or_(c.due_dt.is_(None), c.closed_dt <= c.due_dt))),  # no deadline: never late
        count(and_(closed_in, c.closed_dt > c.due_dt)),
        count(and_(open_at_end, c.due_dt <= end)),
        count(and_(open_at_end, or_(c.due_dt.is_(None), c.due_dt > end))),
        count(and_(c.assigned_dt >= year_start, c.assigned_dt < end)),
        count(and_(c.closed_dt >= year_start, c.closed_dt < end)),
    ).filter(c.unit_id == office.id, c.lead_unit_id.in_(unit_ids), c.assigned_dt < end,
             # cases closed before this year count in none of the figures: leave the archive out
             or_(c.closed_dt.is_(None), c.closed_dt >= year_start, c.assigned_dt >= year_start))
     .group_by(c.lead_unit_id, c.secrecy))
    names = ("received", "closed", "closed_on_time", "closed_late", "overdue_open", "in_progress",
             "received_to_date", "closed_to_date")
    figures = {}
    for uid, secrecy, *values in rows:
        figures.setdefault(uid, {})[int(secrecy or 0)] = dict(zip(names, (int(v or 0) for v in values), strict=True))
    return figures


def month_tables(office, first):
    """The produced tables of a month for the office, by unit code."""
    return (db.session.query(CaseMonthTable).join(Unit, Unit.id == CaseMonthTable.unit_id)
            .filter(CaseMonthTable.office_id == office.id, CaseMonthTable.month == first).order_by(Unit.code).all())


def unit_tables(unit_id, first):
    """A handling unit's tables of a month (one per 督查室 it handled cases of)."""
    return (db.session.query(CaseMonthTable).filter_by(unit_id=unit_id, month=first)
            .order_by(CaseMonthTable.office_id).all())
