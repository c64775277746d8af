"""Reads of the supervision desk: every case of the office with its light, filtered, sorted and paged in SQL.

The light is computed from the clock in SQL (never from timer firings, which may lag):
red — past the current (possibly extended) deadline; yellow — inside the reminder window of the level's
rule (`remind_dt`, admin-editable at /cases/rules); green — on track; plus 未交办 and 期限待定.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, or_

from webapp.auth.models import Unit
from webapp.cases.models import LEVELS, InstructionCase
from webapp.engine import clock
from webapp.engine.errors import NotAllowed, NotFound
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.months import last_months, local_midnight, next_month

LIGHTS = {"red": "已超期", "yellow": "临近到期", "green": "正常", "pending": "未交办", "unknown": "期限待定",
          "closed": "已办结"}
STATUSES = {"open": "在办", "closed": "已办结", "all": "全部"}
SORTS = {"due": "按办理期限", "overdue": "按超期天数", "unit": "按承办单位", "level": "按批示层级",
         "report": "按最近反馈"}
PAGE_SIZE = 50
DESK_ROLES = ("supervisor", "leader", "principal")


def office_of(user):
    """The supervision office whose cases the user watches: their own (督查室), or the one of the unit they lead."""
    if user.has_role("supervisor") and user.unit.function == "supervision":
        return user.unit
    if user.roles & {"leader", "principal"} and user.unit.kind != "office":
        office = user.unit.office("supervision")
        if office is not None:
            return office
    raise NotAllowed("只有督查室和本级领导可以使用督查台。")


def light_of(now):
    """The SQL expression of a case's light at `now`."""
    c = InstructionCase
    return case((c.closed_dt.isnot(None), "closed"), (c.deadline_known.is_(None), "pending"),
                (c.deadline_known.is_(False), "unknown"), (c.due_dt <= now, "red"), (c.remind_dt <= now, "yellow"),
                else_="green")


@dataclass
class DeskFilter:
    unit_id: int | None = None
    level: str | None = None
    status: str = "open"
    light: str | None = None
    registered_from: date | None = None
    registered_to: date | None = None
    text: str = ""
    sort: str = "due"
    page: int = 1

    @classmethod
    def from_args(cls, args):
        """Lenient: a value that does not parse is ignored, as a filter form left blank would be."""
        def day(name):
            try:
                return date.fromisoformat(args.get(name, ""))
            except ValueError:
                return None

        def number(name, default=None):
            try:
                return int(args.get(name, ""))
            except ValueError:
                return default

        return cls(unit_id=number("unit"), level=args.get("level") if args.get("level") in LEVELS else None,
                   status=args.get("status") if args.get("status") in STATUSES else "open",
                   light=args.get("light") if args.get("light") in LIGHTS else None,
                   registered_from=day("from"), registered_to=day("to"), text=(args.get("q") or "").strip()[:100],
                   sort=args.get("sort") if args.get("sort") in SORTS else "due", page=max(1, number("page", 1)))

    def args(self, **changes):
        """The query-string arguments of this filter (for links that keep it)."""
        values = {"unit": self.unit_id, "level": self.level, "status": self.status, "light": self.light,
                  "from": self.registered_from, "to": self.registered_to, "q": self.text, "sort": self.sort,
                  "page": self.page}
        values.update(changes)
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items() if v not in (None, "")}


def _filtered(office, f, now, with_light=True):
    c = InstructionCase
    query = db.session.query(c).filter(c.unit_id == office.id)
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
        query = query.filter(light_of(now) == f.light)
    return query


def _ordered(query, sort):
    c = InstructionCase
    no_due_last = c.due_dt.is_(None)
    if sort == "overdue" or sort == "due":  # the most overdue first is the earliest deadline first
        return query.order_by(no_due_last, c.due_dt, c.id)
    if sort == "unit":
        return query.order_by(c.lead_unit_id, no_due_last, c.due_dt, c.id)
    if sort == "level":
        return query.order_by(c.level, no_due_last, c.due_dt, c.id)
    return query.order_by(c.last_report_dt.is_(None), c.last_report_dt.desc(), c.id)


@dataclass
class DeskRow:
    case: InstructionCase
    light: str
    days_left: int | None  # local calendar days to the deadline; negative: days overdue
    open_task: HumanTask | None

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


def desk(office, f):
    now = clock.now()
    counts_query = _filtered(office, f, now, with_light=False)
    light = light_of(now)
    counts = {key: 0 for key in LIGHTS}
    for key, n in (counts_query.with_entities(light, func.count()).group_by(light)):
        counts[key] = n
    query = _filtered(office, f, now)
    total = counts[f.light] if f.light else sum(counts.values())
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(f.page, pages)
    cases = _ordered(query.add_columns(light), f.sort).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE).all()
    tasks = open_tasks([c.instance_id for c, _ in cases])
    today = clock.local_today()
    rows = [DeskRow(c, lit, days_left(c, today), tasks.get(c.instance_id)) for c, lit in cases]
    return Desk(rows, total, counts, page, pages)


def days_left(c, today):
    if c.due_dt is None or c.closed_dt is not None:
        return None
    return (c.due_dt.astimezone(clock.LOCAL_TZ).date() - today).days


def open_tasks(instance_ids):
    if not instance_ids:
        return {}
    rows = (db.session.query(HumanTask).filter(HumanTask.instance_id.in_(instance_ids), HumanTask.state == "open")
            .order_by(HumanTask.id))
    found = {}
    for row in rows:
        found.setdefault(row.instance_id, row)
    return found


def matching_open(office, f, limit):
    """(case, its open task) of open cases matching the filter, oldest deadline first, at most `limit`."""
    now = clock.now()
    query = _filtered(office, f, now).filter(InstructionCase.closed_dt.is_(None))
    cases = _ordered(query, "due").limit(limit).all()
    tasks = open_tasks([c.instance_id for c in cases])
    return [(c, tasks.get(c.instance_id)) for c in cases]


def handling_units(office):
    ids = [uid for (uid,) in db.session.query(InstructionCase.lead_unit_id)
           .filter(InstructionCase.unit_id == office.id, InstructionCase.lead_unit_id.isnot(None)).distinct()]
    return db.session.query(Unit).filter(Unit.id.in_(ids)).order_by(Unit.code).all() if ids else []


def get_case(office, case_id):
    found = db.session.query(InstructionCase).filter_by(id=case_id, unit_id=office.id).one_or_none()
    if found is None:
        raise NotFound("批示件不存在或不属于本督查室。")
    return found


# --- the leader view ---------------------------------------------------------------------------------------------

def _handling_seconds():
    c = InstructionCase
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", c.closed_dt - c.assigned_dt)
    return (func.julianday(c.closed_dt) - func.julianday(c.assigned_dt)) * 86400


def cockpit(office):
    """Counts by light, open cases by unit and light, closure rate, average handling days, a 12-month trend."""
    c = InstructionCase
    now = clock.now()
    light = light_of(now)
    mine = db.session.query(c).filter(c.unit_id == office.id)
    lights = dict.fromkeys(("red", "yellow", "green", "unknown", "pending"), 0)
    for key, n in mine.filter(c.closed_dt.is_(None)).with_entities(light, func.count()).group_by(light):
        lights[key] = n
    by_unit = {}
    unit_rows = (mine.filter(c.closed_dt.is_(None), c.lead_unit_id.isnot(None))
                 .with_entities(c.lead_unit_id, light, func.count()).group_by(c.lead_unit_id, light))
    for unit_id, key, n in unit_rows:
        by_unit.setdefault(unit_id, dict.fromkeys(lights, 0))[key] = n
    names = dict(db.session.query(Unit.id, Unit.name).filter(Unit.id.in_(list(by_unit)))) if by_unit else {}

    months = last_months(12)
    bounds = [local_midnight(m) for m in [*months, next_month(months[-1])]]
    columns = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        columns.append(func.sum(case((and_(c.assigned_dt >= start, c.assigned_dt < end), 1), else_=0)))
        columns.append(func.sum(case((and_(c.closed_dt >= start, c.closed_dt < end, c.assigned_dt.isnot(None)), 1),
                                     else_=0)))
        columns.append(func.sum(case((and_(c.closed_dt >= start, c.closed_dt < end, c.closed_dt <= c.due_dt), 1),
                                     else_=0)))
    window = bounds[0]
    columns += [
        func.count(c.assigned_dt),  # assigned, ever
        func.sum(case((and_(c.closed_dt.isnot(None), c.assigned_dt.isnot(None)), 1), else_=0)),
        func.sum(case((c.assigned_dt >= window, 1), else_=0)),
        func.sum(case((and_(c.assigned_dt >= window, c.closed_dt.isnot(None)), 1), else_=0)),
        func.avg(case((and_(c.closed_dt.isnot(None), c.assigned_dt.isnot(None)), _handling_seconds()), else_=None)),
    ]
    values = [v or 0 for v in mine.with_entities(*columns).one()]
    trend = [{"month": m.strftime("%Y-%m"), "received": int(values[3 * i]), "closed": int(values[3 * i + 1]),
              "closed_on_time": int(values[3 * i + 2])} for i, m in enumerate(months)]
    assigned, closed, assigned_12, closed_12, avg_seconds = values[-5:]
    return {
        "lights": lights,
        "light_labels": {k: LIGHTS[k] for k in lights},
        "by_unit": [{"unit": names.get(uid, str(uid)), **counts} for uid, counts in
                    sorted(by_unit.items(), key=lambda kv: (-sum(kv[1].values()), names.get(kv[0], "")))],
        "closure_rate": _rate(closed, assigned), "closure_rate_12m": _rate(closed_12, assigned_12),
        "assigned": int(assigned), "closed": int(closed),
        "average_handling_days": round(float(avg_seconds) / 86400, 1) if avg_seconds else None,
        "trend": trend,
    }


def _rate(part, whole):
    return round(int(part) / int(whole), 4) if whole else None
