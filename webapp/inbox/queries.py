"""Reads of the inbox lists (待办/已办/我发起的/抄送我的/催办记录) from projected rows only; never a workflow."""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, defer, selectinload

from webapp.auth.models import Unit
from webapp.core import clock
from webapp.core.domain import registry
from webapp.core.errors import NotAllowed, NotFound
from webapp.emergencies import limits as emergency_rules
from webapp.engine import may_act
from webapp.engine.models import HumanTask, ProcessDefinition, ProcessInstance
from webapp.extensions import db

from .access import may_view_instance
from .items import ItemRow, is_emergency, latest_rows, load_items
from .models import InstanceCopy, Urge
from .paging import Listing, paged, walked

RECENT_URGES = timedelta(days=7)  # the nav counts urges this recent on steps the user may still act on
UNIT_WINDOW = 1000  # the unit filter offers the units of this many latest rows, never a whole history


def _urgency_rank(urgency):
    return case((urgency == "very_urgent", 0), (urgency == "urgent", 1), else_=2)


def _open_emergencies():
    """Instances with an open 紧急信息 step, which every list puts on top: few at any time.

    Read first and passed on as values: with them a database reads the few rows of these instances by
    their index, rather than the user's whole history looking for them.
    """
    rows = db.session.query(HumanTask.instance_id).filter(
        HumanTask.state == "open", is_emergency(HumanTask.process_key, HumanTask.urgency)).distinct()
    return sorted(instance_id for (instance_id,) in rows)


def _todo_conditions(user):
    return (
        HumanTask.state == "open",
        HumanTask.unit_id == user.unit_id,
        HumanTask.role.in_(sorted(user.roles)),
        or_(HumanTask.assignee_id.is_(None), HumanTask.assignee_id == user.id),
        HumanTask.secrecy <= user.clearance,
    )


def todo_query(user):
    """Open tasks the user may act on: their role in their unit, unassigned or assigned to them."""
    return db.session.query(HumanTask).filter(*_todo_conditions(user))


def todo(user, limit=100):
    return todo_query(user).order_by(_urgency_rank(HumanTask.urgency), HumanTask.created_dt.desc()).limit(limit).all()


def todo_count(user):
    return todo_query(user).count()


def _done_conditions(user):
    return HumanTask.completed_by_id == user.id, HumanTask.state == "completed", HumanTask.secrecy <= user.clearance


def done(user, limit=100):
    return (db.session.query(HumanTask).filter(*_done_conditions(user))
            .order_by(HumanTask.completed_dt.desc()).limit(limit).all())


def known_task(user, row_id):
    """The step row, or NotFound when the user could not even know of it: another unit's, or above clearance."""
    row = db.session.get(HumanTask, row_id)
    if row is None or row.instance.secrecy > user.clearance or row.unit_id != user.unit_id:
        raise NotFound("任务不存在或您无权查看。")
    return row


def task_for(user, row_id):
    """A task the user may act on (open) or may read (finished: they did it, or they may see the instance).

    404 when they could not even know of it, 403 when it is not theirs. Secrecy is the instance's as it stands now,
    never the row's (a row keeps what it was projected with)."""
    row = known_task(user, row_id)
    if row.state == "open" and not may_act(user, row):
        raise NotAllowed("您无权办理此任务。")
    if row.state != "open" and row.completed_by_id != user.id and not may_view_instance(user, row.instance):
        raise NotFound("任务不存在或您无权查看。")
    return row


def _urge_branches(user, direction=None):
    """Urges sent by the user, and addressed to them by name or to their role in their unit (unclaimed step)."""
    sent = Urge.sender_id == user.id
    by_name = and_(Urge.target_user_id == user.id, Urge.sender_id != user.id)
    by_role = and_(Urge.target_user_id.is_(None), Urge.target_unit_id == user.unit_id,
                   Urge.target_role.in_(sorted(user.roles)), Urge.sender_id != user.id)
    return {"sent": (sent,), "received": (by_name, by_role)}.get(direction, (sent, by_name, by_role))


def unread_copies_count(user):
    return (db.session.query(InstanceCopy).join(InstanceCopy.instance)
            .filter(InstanceCopy.user_id == user.id, InstanceCopy.read_dt.is_(None),
                    ProcessInstance.secrecy <= user.clearance).count())


def recent_urges_count(user):
    """Urges of the last RECENT_URGES on steps the user may still act on: what asks for their attention."""
    return (db.session.query(Urge).join(Urge.task).join(ProcessInstance, ProcessInstance.id == Urge.instance_id)
            .filter(Urge.target_unit_id == user.unit_id, Urge.target_role.in_(sorted(user.roles)),
                    Urge.created_dt >= clock.now() - RECENT_URGES, Urge.sender_id != user.id,
                    or_(Urge.target_user_id.is_(None), Urge.target_user_id == user.id),
                    HumanTask.state == "open", or_(HumanTask.assignee_id.is_(None), HumanTask.assignee_id == user.id),
                    ProcessInstance.secrecy <= user.clearance).count())


def nav_counts(user):
    """The counts in the navigation and the tab bar: one COUNT each, for the tabs that show one."""
    return {"todo": todo_count(user), "copied": unread_copies_count(user), "urges": recent_urges_count(user)}


def near_due_delta():
    return timedelta(hours=current_app.config["INBOX_NEAR_DUE_HOURS"])


EMERGENCY_STATES = {"red": "overdue", "yellow": "near_due"}


def due_state(due_dt, now, kind=None):
    """'overdue' (red) once past due, 'near_due' (yellow) within INBOX_NEAR_DUE_HOURS, else None.

    An emergency's step (`kind` 'emergency') is lit by the emergency rule instead (emergencies.limits.light: red at
    the limit, yellow within GOVFLOW_EMERGENCY_WARN_MINUTES), as its countdown and its pages are: 24 hours of
    yellow beside a green countdown would say two different things about one limit."""
    if due_dt is None:
        return None
    if kind == "emergency":
        return EMERGENCY_STATES.get(emergency_rules.light(due_dt, now))
    if due_dt < now:
        return "overdue"
    return "near_due" if due_dt < now + near_due_delta() else None


def _due_filter(tab, state, now):
    """The rows `due_state` marks `state`, as SQL: emergencies by their rule, everything else by the inbox's."""
    emergency = is_emergency(tab.process_key, tab.urgency)
    if state == "overdue":
        return or_(tab.due < now, and_(emergency, tab.due == now))
    return or_(and_(emergency, tab.due > now, tab.due <= now + emergency_rules.warn_lead()),
               and_(~emergency, tab.due >= now, tab.due < now + near_due_delta()))


@dataclass(frozen=True)
class _Tab:
    """How one list reads: its rows, the columns filters and sorts use, what goes on top, how rows load."""

    source: object  # fn() -> the rows with their joins
    scope: object  # fn(user) -> conditions: the rows of this tab the user may see
    process_key: object
    urgency: object
    due: object  # None: the tab has no deadline to filter on
    time: object  # the tab's own time, newest first by default
    key: object  # unique, so that pages never overlap
    on_top: object  # fn(open emergency instance ids) -> parts that come first, in turn (see paging.paged)
    eager: tuple = ()  # loader options of the page's rows
    default_sort: str = "time"
    load: object = None  # fn(rows, user) -> displayed rows
    branches: object = None  # fn(user, args) -> disjoint conditions read apart (see paging.Listing)


def _cleared(user):
    """Never above the user's clearance: the item's secrecy as it now stands."""
    return ProcessInstance.secrecy <= user.clearance


def _tasks():
    return db.session.query(HumanTask).join(HumanTask.instance)


def _instances():
    return db.session.query(ProcessInstance).join(ProcessInstance.definition)


def _copies():
    return (db.session.query(InstanceCopy, ProcessInstance).join(InstanceCopy.instance)
            .join(ProcessInstance.definition))


def _urges():
    return (db.session.query(Urge, ProcessInstance).join(ProcessInstance, ProcessInstance.id == Urge.instance_id)
            .join(ProcessInstance.definition))


def _latest_urgency():
    """An item's urgency: that of its latest step row (open rows follow the item as it changes)."""
    t = aliased(HumanTask)
    latest = (select(t.urgency).where(t.instance_id == ProcessInstance.id).order_by(t.id.desc()).limit(1)
              .correlate(ProcessInstance).scalar_subquery())
    return func.coalesce(latest, "normal")


def _next_due():
    """An item's deadline: the earliest of its open steps."""
    t = aliased(HumanTask)
    return (select(func.min(t.due_dt)).where(t.instance_id == ProcessInstance.id, t.state == "open")
            .correlate(ProcessInstance).scalar_subquery())


def _item_tab(source, scope, time, key, on_top, load, eager=(), branches=None):
    return _Tab(source=source, scope=scope, process_key=ProcessDefinition.process_key, urgency=_latest_urgency(),
                due=_next_due(), time=time, key=key, on_top=on_top, load=load, branches=branches,
                eager=(defer(ProcessInstance.state_json), contains_eager(ProcessInstance.definition), *eager))


# A list never reads an instance's workflow state, often the largest column of the page's rows.
_TASK_EAGER = (contains_eager(HumanTask.instance).defer(ProcessInstance.state_json), selectinload(HumanTask.assignee))


def _among(key, instance_column, instance_ids):
    """On top: the rows of these instances, as candidate keys (see paging.Listing.keys_among)."""
    if not instance_ids:
        return []
    return [[k for (k,) in db.session.query(key).filter(instance_column.in_(instance_ids))]]


TABS = {
    "todo": _Tab(source=_tasks, scope=lambda user: (*_todo_conditions(user), _cleared(user)),
                 process_key=HumanTask.process_key, urgency=HumanTask.urgency, due=HumanTask.due_dt,
                 time=HumanTask.created_dt, key=HumanTask.id,
                 on_top=lambda ids: [is_emergency(HumanTask.process_key, HumanTask.urgency)], eager=_TASK_EAGER,
                 default_sort="urgency"),
    # A completed row keeps the title and urgency of its time: 已办 shows and filters the item's current ones.
    "done": _Tab(source=_tasks, scope=lambda user: (*_done_conditions(user), _cleared(user)),
                 process_key=HumanTask.process_key, urgency=_latest_urgency(), due=None,
                 time=HumanTask.completed_dt, key=HumanTask.id,
                 on_top=lambda ids: _among(HumanTask.id, HumanTask.instance_id, ids), eager=_TASK_EAGER),
    "started": _item_tab(_instances, lambda user: (ProcessInstance.started_by_id == user.id, _cleared(user)),
                         ProcessInstance.started_dt, ProcessInstance.id,
                         lambda ids: [ids] if ids else [],
                         lambda rows, user: load_items([(i, None, None) for i in rows], user)),
    "copied": _item_tab(_copies, lambda user: (InstanceCopy.user_id == user.id, _cleared(user)),
                        InstanceCopy.created_dt, InstanceCopy.id,
                        lambda ids: [*_among(InstanceCopy.id, InstanceCopy.instance_id, ids),
                                     InstanceCopy.read_dt.is_(None)],
                        lambda rows, user: load_items([(i, c, None) for c, i in rows], user),
                        (selectinload(InstanceCopy.sender),)),
    "urges": _item_tab(_urges, lambda user: (_cleared(user),), Urge.created_dt, Urge.id,
                       lambda ids: _among(Urge.id, Urge.instance_id, ids),
                       lambda rows, user: load_items([(i, None, u) for u, i in rows], user),
                       (selectinload(Urge.sender), selectinload(Urge.target_user), selectinload(Urge.task)),
                       branches=lambda user, args: _urge_branches(user, args.get("direction"))),
}


def _filters(tab, args, now):
    conditions = []
    kind = args.get("type")
    if kind == "emergency":
        conditions.append(is_emergency(tab.process_key, tab.urgency))
    elif kind:
        conditions.append(tab.process_key.in_(registry.keys_of_kind(kind)))
    if args.get("urgency"):
        conditions.append(tab.urgency == args["urgency"])
    if args.get("secrecy") is not None:
        conditions.append(ProcessInstance.secrecy == args["secrecy"])
    if args.get("unit"):
        conditions.append(ProcessInstance.unit_id == args["unit"])
    if tab.due is not None and args.get("due") in ("overdue", "near_due"):
        conditions.append(_due_filter(tab, args["due"], now))
    return conditions


def _order(tab, sort):
    newest = [tab.time.desc(), tab.key.desc()]
    if sort == "due" and tab.due is not None:
        return [tab.due.is_(None), tab.due, *newest]
    if sort == "urgency":
        return [_urgency_rank(tab.urgency), *newest]
    return newest


@dataclass
class Page:
    tab: str
    rows: list
    number: int
    has_next: bool
    units: dict  # unit id -> name, for the rows and the unit filter
    unit_choices: list  # unit ids the unit filter offers
    latest: dict  # 已办: instance id -> its latest step row (the item's title and urgency as they now stand)


def _unit_ids(listing, tab, selected):
    """The units of the tab's newest UNIT_WINDOW rows (and the one chosen): what the unit filter offers."""
    newest = listing.first(listing.query, [tab.time.desc(), tab.key.desc()], UNIT_WINDOW, ProcessInstance.unit_id)
    ids = {uid for (uid,) in db.session.execute(select(newest.c.value).distinct()) if uid is not None}
    return ids | ({selected} if selected else set())


def _listing(tab_name, user, args):
    """(the tab, its listing for the user filtered and sorted by `args`, the user's scope conditions)."""
    tab = TABS[tab_name]
    branches = tuple(tab.branches(user, args)) if tab.branches else ()
    order = _order(tab, args.get("sort") or tab.default_sort)
    scope = tuple(tab.scope(user))
    return tab, Listing(tab.source(), (*scope, *_filters(tab, args, clock.now())), order, tab.key, branches), scope


def list_walk(tab_name, user, args, position, size):
    """A page of a tab from a cursor's `position` (see paging.walked): (displayed rows, next position or None)."""
    tab, listing, _scope = _listing(tab_name, user, args)
    rows, following = walked(listing, tab.on_top(_open_emergencies()), position, size, tab.eager)
    return (tab.load(rows, user) if tab.load else rows), following


def list_page(tab_name, user, args):
    """One page of a tab for the user, filtered and sorted by `args` (from `schemas.parse_list_args`)."""
    tab, listing, scope = _listing(tab_name, user, args)
    rows, has_next = paged(listing, tab.on_top(_open_emergencies()), args.get("page", 1),
                           current_app.config["INBOX_PAGE_SIZE"], tab.eager)
    branches, order = listing.branches, listing.order
    if tab.load:
        rows = tab.load(rows, user)
    choices = _unit_ids(Listing(tab.source(), scope, order, tab.key, branches), tab, args.get("unit"))
    wanted = choices | {r.unit_id if isinstance(r, ItemRow) else r.instance.unit_id for r in rows}
    units = dict(db.session.query(Unit.id, Unit.name).filter(Unit.id.in_(wanted))) if wanted else {}
    latest = latest_rows([r.instance_id for r in rows]) if tab_name == "done" else {}
    return Page(tab=tab_name, rows=rows, number=args.get("page", 1), has_next=has_next, units=units,
                unit_choices=sorted(choices, key=lambda uid: (units.get(uid, ""), uid)), latest=latest)
