"""Reads of the supervision desk: every case of the office with its light, filtered, sorted and paged in SQL.

The light is computed from the clock in SQL (never from timer firings, which may lag):
red — past the current (possibly extended) deadline; yellow — inside the reminder window of the level's
rule (`remind_dt`, admin-editable at /cases/rules); green — on track; plus 未交办 and 期限待定.
Beside the light, 无人可办 flags an open case whose open step nobody may open (see `unstaffed`), 久未反馈 a case
its unit has handled for GOVFLOW_CASE_STALL_DAYS days without any 办理反馈 (see `stalled`), and 未按时反馈 an
urgent case that missed its first feedback.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import and_, case, exists, func, not_, or_, select

from webapp.auth.models import Unit
from webapp.cases.models import InstructionCase
from webapp.core import clock
from webapp.core.errors import NotAllowed, NotFound
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.months import last_months, local_midnight, next_month
from webapp.staffing import cleared_user, top_clearance

LIGHTS = {"red": "已超期", "yellow": "临近到期", "green": "正常", "pending": "未交办", "unknown": "期限待定",
          "closed": "已办结"}
OPEN_LIGHTS = ("red", "yellow", "green", "unknown", "pending")
STATUSES = {"open": "在办", "closed": "已办结", "all": "全部"}
SORTS = {"due": "按办理期限", "overdue": "按超期天数", "unit": "按承办单位", "level": "按批示层级",
         "report": "按最近反馈"}
PAGE_SIZE = 50
DESK_ROLES = ("supervisor", "leader", "principal")


@dataclass(frozen=True)
class Scope:
    """What one user watches: the cases of one supervision office, up to their secrecy clearance."""

    office: Unit
    clearance: int

    def cases(self):
        c = InstructionCase
        return db.session.query(c).filter(c.unit_id == self.office.id, c.secrecy <= self.clearance)


def scope_of(user):
    """The supervision office whose cases the user watches: their own (督查室), or the one of the unit they lead."""
    if user.has_role("supervisor") and user.unit.function == "supervision":
        return Scope(user.unit, user.clearance)
    if user.roles & {"leader", "principal"} and user.unit.kind != "office":
        office = user.unit.office("supervision")
        if office is not None:
            return Scope(office, user.clearance)
    raise NotAllowed("只有督查室和本级领导可以使用督查台。")


def office_of(user):
    """The supervision office the user watches (other packages' reports ask); NotAllowed for anyone else."""
    return scope_of(user).office


def light_of(now):
    """The SQL expression of a case's light at `now` (for showing; filters use `light_is`, which indexes serve)."""
    c = InstructionCase
    return case((c.closed_dt.isnot(None), "closed"), (c.deadline_known.is_(None), "pending"),
                (c.deadline_known.is_(False), "unknown"), (c.due_dt <= now, "red"), (c.remind_dt <= now, "yellow"),
                else_="green")


def light_is(light, now):
    """The condition 'the case's light at `now` is `light`', written on (closed_dt, due_dt) so an index serves it."""
    c = InstructionCase
    if light == "closed":
        return c.closed_dt.isnot(None)
    still_open = c.closed_dt.is_(None)
    if light == "pending":
        return and_(still_open, c.deadline_known.is_(None))
    if light == "unknown":
        return and_(still_open, c.deadline_known.is_(False))
    known = and_(still_open, c.deadline_known.is_(True))
    if light == "red":
        return and_(known, c.due_dt <= now)
    if light == "yellow":
        return and_(known, c.due_dt > now, c.remind_dt <= now)
    return and_(known, c.due_dt > now, or_(c.remind_dt.is_(None), c.remind_dt > now))


@dataclass
class DeskFilter:
    """The desk's filters, sort and page (parsed by schemas.DeskFilterSchema)."""

    unit_id: int | None = None
    level: str | None = None
    status: str = "open"
    light: str | None = None
    registered_from: date | None = None
    registered_to: date | None = None
    text: str = ""
    unstaffed: bool = False  # only cases with an open step nobody may open (无人可办)
    stalled: bool = False  # only cases without 办理反馈 for the stall period (久未反馈)
    sort: str = "due"
    page: int = 1

    def args(self, **changes):
        """The query-string arguments of this filter (for links and forms that keep it)."""
        values = {"unit": self.unit_id, "level": self.level, "status": self.status, "light": self.light,
                  "from": self.registered_from, "to": self.registered_to, "q": self.text,
                  "nobody": 1 if self.unstaffed else None, "stalled": 1 if self.stalled else None,
                  "sort": self.sort, "page": self.page}
        values.update(changes)
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()
                if v not in (None, "") and not (k == "page" and v == 1)}


def unstaffed():
    """The condition 'the case has an open step nobody may open': no active member of the step's unit holds its
    role with a clearance up to the case's secrecy, and its assignee (if any) may not either. An EXISTS over the
    case's open task rows joined to the highest clearance per unit and role; no workflow is restored."""
    c, t, top = InstructionCase, HumanTask, top_clearance()
    assignee_may = and_(t.assignee_id.isnot(None), cleared_user(t.assignee_id, c.secrecy))
    return exists(select(t.id).outerjoin(top, and_(top.c.unit_id == t.unit_id, top.c.role == t.role))
                  .where(t.instance_id == c.instance_id, t.state == "open",
                         func.coalesce(top.c.top, -1) < c.secrecy, not_(assignee_may))
                  .correlate_except(t, top))


def stall_days():
    """Days without 办理反馈 after which the desk flags a case for 派人督办 (GOVFLOW_CASE_STALL_DAYS)."""
    return current_app.config["CASE_STALL_DAYS"]


def stalled(now):
    """The condition 'the unit has held the case (办理) for the stall period without any 办理反馈 (进展反馈,
    报结 or 延期申请), counted from 交办 when it never reported': the cases domain.md sends someone to (派人督办)."""
    c = InstructionCase
    return and_(c.closed_dt.is_(None), c.stage == "handling", c.assigned_dt.isnot(None),
                func.coalesce(c.last_report_dt, c.assigned_dt) <= now - timedelta(days=stall_days()))


def is_stalled(c, now):
    """`stalled` for one loaded case (a page's rows)."""
    last = c.last_report_dt or c.assigned_dt
    return (c.closed_dt is None and c.stage == "handling" and last is not None
            and last <= now - timedelta(days=stall_days()))


def _filtered(scope, f, now, with_light=True, with_unstaffed=True, with_stalled=True):
    c = InstructionCase
    query = scope.cases()
    if f.status == "open":
        query = query.filter(c.closed_dt.is_(None))
    elif f.status == "closed":
        query = query.filter(c.closed_dt.isnot(None))
    if f.unit_id:
        query = query.filter(c.lead_unit_id == f.unit_id)
    if f.level:
        query = query.filter(c.level == f.level)
    if f.registered_from:
        query = query.filter(c.registered_dt >= local_midnight(f.registered_from))
    if f.registered_to:
        query = query.filter(c.registered_dt < local_midnight(f.registered_to + timedelta(days=1)))
    if f.text:
        pattern = f"%{f.text}%"
        query = query.filter(or_(c.case_no.ilike(pattern), c.title.ilike(pattern), c.source_leader.ilike(pattern)))
    if with_light and f.light:
        query = query.filter(light_is(f.light, now))
    if with_unstaffed and f.unstaffed:
        query = query.filter(c.closed_dt.is_(None), unstaffed())
    if with_stalled and f.stalled:
        query = query.filter(stalled(now))
    return query


def _ordered(query, sort):
    """Ties broken by id so pages never overlap. NULLS LAST is the natural order of a PostgreSQL btree, so the
    deadline sorts read (closed_dt, due_dt) in order instead of sorting the office's cases."""
    c = InstructionCase
    by_due = (c.due_dt.asc().nulls_last(), c.id)
    if sort in ("due", "overdue"):  # the most days overdue first is the earliest deadline first
        return query.order_by(*by_due)
    if sort == "unit":
        return query.order_by(c.lead_unit_id.asc().nulls_last(), *by_due)
    if sort == "level":
        return query.order_by(c.level.asc().nulls_last(), *by_due)
    return query.order_by(c.last_report_dt.desc().nulls_last(), c.id)


@dataclass
class DeskRow:
    case: InstructionCase
    light: str
    days_left: int | None  # local calendar days to the deadline; negative: days overdue
    open_task: HumanTask | None
    unstaffed: bool = False  # an open step nobody may open (无人可办)
    stalled: bool = False  # no 办理反馈 for the stall period (久未反馈)

    @property
    def light_label(self):
        return LIGHTS[self.light]


@dataclass
class Desk:
    rows: list
    total: int
    counts: dict  # light -> cases matching every filter but the light
    page: int
    pages: int
    unstaffed: int = 0  # open cases with a step nobody may open, matching every filter but that one
    stalled: int = 0  # cases without 办理反馈 for the stall period, matching every filter but that one
    stall_days: int = 30


def light_counts(scope, f, now):
    """Cases per light under every filter but the light: one query, a SUM(CASE …) per light."""
    keys = [*OPEN_LIGHTS, "closed"]
    sums = [func.sum(case((light_is(key, now), 1), else_=0)) for key in keys]
    row = _filtered(scope, f, now, with_light=False).with_entities(*sums).one()
    return {key: int(n or 0) for key, n in zip(keys, row, strict=True)}


def unstaffed_count(scope, f, now):
    """Open cases with a step nobody may open, under every filter but that one."""
    query = _filtered(scope, f, now, with_unstaffed=False).filter(InstructionCase.closed_dt.is_(None), unstaffed())
    return query.count()


def unstaffed_instances(instance_ids):
    """The instances among `instance_ids` (a page's) whose open step nobody may open."""
    if not instance_ids:
        return set()
    c = InstructionCase
    return {iid for (iid,) in db.session.query(c.instance_id).filter(c.instance_id.in_(instance_ids), unstaffed())}


def desk(scope, f):
    now = clock.now()
    counts = light_counts(scope, f, now)
    total = counts[f.light] if f.light else sum(counts.values())
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(f.page, pages)
    query = _filtered(scope, f, now).add_columns(light_of(now))
    cases = _ordered(query, f.sort).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE).all()
    tasks = open_tasks([c.instance_id for c, _ in cases])
    flagged = unstaffed_instances([c.instance_id for c, _ in cases])
    today = clock.local_today()
    rows = [DeskRow(c, lit, days_left(c, today), tasks.get(c.instance_id), c.instance_id in flagged,
                    is_stalled(c, now)) for c, lit in cases]
    stalled_count = _filtered(scope, f, now, with_stalled=False).filter(stalled(now)).count()
    return Desk(rows, total, counts, page, pages, unstaffed_count(scope, f, now), stalled_count, stall_days())


def days_left(c, today):
    """Local calendar days from today to the deadline's day (negative once overdue); None when closed or unknown."""
    if c.due_dt is None or c.closed_dt is not None:
        return None
    return (c.due_dt.astimezone(clock.LOCAL_TZ).date() - today).days


def open_tasks(instance_ids):
    """instance id -> its first open task (the step a 催办 reaches)."""
    if not instance_ids:
        return {}
    rows = (db.session.query(HumanTask).filter(HumanTask.instance_id.in_(instance_ids), HumanTask.state == "open")
            .order_by(HumanTask.id))
    found = {}
    for row in rows:
        found.setdefault(row.instance_id, row)
    return found


def matching_open(scope, f, limit):
    """(case, its open task) of open cases matching the filter, earliest deadline first, at most `limit`."""
    query = _filtered(scope, f, clock.now()).filter(InstructionCase.closed_dt.is_(None))
    cases = _ordered(query, "due").limit(limit).all()
    tasks = open_tasks([c.instance_id for c in cases])
    return [(c, tasks.get(c.instance_id)) for c in cases]


def get_case(scope, case_id):
    found = scope.cases().filter(InstructionCase.id == case_id).one_or_none()
    if found is None:
        raise NotFound("批示件不存在或不属于本督查室。")
    return found


# --- the leader view ---------------------------------------------------------------------------------------------

def _handling_seconds():
    c = InstructionCase
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", c.closed_dt - c.assigned_dt)
    return (func.julianday(c.closed_dt) - func.julianday(c.assigned_dt)) * 86400


def cockpit(scope):
    """Counts by light, open cases by unit and light, closure rate, average handling days, a 12-month trend."""
    now = clock.now()
    lights, by_unit = _open_lights(scope, now)
    trend, assigned_12, closed_12 = _trend(scope, last_months(12))
    assigned, closed, avg_seconds = _overall(scope)
    return {
        "lights": lights,
        "light_labels": {k: LIGHTS[k] for k in lights},
        "by_unit": by_unit,
        "closure_rate": _rate(closed, assigned), "closure_rate_12m": _rate(closed_12, assigned_12),
        "assigned": assigned, "closed": closed,
        "average_handling_days": round(float(avg_seconds) / 86400, 1) if avg_seconds else None,
        "trend": trend,
    }


def _open_lights(scope, now):
    """Open cases per light (a SUM(CASE …) each), and per handling unit and light (one GROUP BY)."""
    c = InstructionCase
    still_open = scope.cases().filter(c.closed_dt.is_(None))
    row = still_open.with_entities(*[func.sum(case((light_is(key, now), 1), else_=0)) for key in OPEN_LIGHTS]).one()
    lights = {key: int(n or 0) for key, n in zip(OPEN_LIGHTS, row, strict=True)}
    light = light_of(now)
    counts = {}
    rows = (still_open.filter(c.lead_unit_id.isnot(None))
            .with_entities(c.lead_unit_id, light, func.count()).group_by(c.lead_unit_id, light))
    for unit_id, key, n in rows:
        counts.setdefault(unit_id, dict.fromkeys(OPEN_LIGHTS, 0))[key] = n
    names = dict(db.session.query(Unit.id, Unit.name).filter(Unit.id.in_(list(counts)))) if counts else {}
    by_unit = [{"unit": names.get(uid, str(uid)), **n} for uid, n in
               sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), names.get(kv[0], "")))]
    return lights, by_unit


def _trend(scope, months):
    """Per local month: cases assigned (received), closed, closed by their deadline; and of the cases assigned in
    these months, how many and how many closed. One query, a SUM(CASE …) per bucket, the buckets UTC bounds of
    local midnights. Only open cases and cases closed in the window can count, which the closed_dt index finds."""
    c = InstructionCase
    bounds = [local_midnight(m) for m in [*months, next_month(months[-1])]]
    window = bounds[0]
    columns = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        closed_in = and_(c.closed_dt >= start, c.closed_dt < end)
        columns += [func.sum(case((and_(c.assigned_dt >= start, c.assigned_dt < end), 1), else_=0)),
                    func.sum(case((and_(closed_in, c.assigned_dt.isnot(None)), 1), else_=0)),
                    func.sum(case((and_(closed_in, c.closed_dt <= c.due_dt), 1), else_=0))]
    columns += [func.sum(case((c.assigned_dt >= window, 1), else_=0)),
                func.sum(case((and_(c.assigned_dt >= window, c.closed_dt.isnot(None)), 1), else_=0))]
    touching = scope.cases().filter(or_(c.closed_dt.is_(None), c.closed_dt >= window))
    values = [int(v or 0) for v in touching.with_entities(*columns).one()]
    trend = [{"month": m.strftime("%Y-%m"), "received": values[3 * i], "closed": values[3 * i + 1],
              "closed_on_time": values[3 * i + 2]} for i, m in enumerate(months)]
    return trend, values[-2], values[-1]


def _overall(scope):
    """Cases ever assigned, of them closed, and the average seconds from assignment to closing."""
    c = InstructionCase
    handled = and_(c.closed_dt.isnot(None), c.assigned_dt.isnot(None))
    assigned, closed, avg_seconds = scope.cases().with_entities(
        func.count(c.assigned_dt), func.sum(case((handled, 1), else_=0)),
        func.avg(case((handled, _handling_seconds()), else_=None))).one()
    return int(assigned or 0), int(closed or 0), avg_seconds


def _rate(part, whole):
    return round(int(part) / int(whole), 4) if whole else None
