"""Reading the organisation: the unit tree, a page of users, a user's open work, a unit's name at a past time."""
from sqlalchemy import func, or_, select

from webapp.auth.models import LoginThrottle, Unit, User
from webapp.core import clock
from webapp.engine.models import HumanTask
from webapp.extensions import db

from .models import UnitName

PER_PAGE = 50


def unit_tree():
    """Every unit as (depth, unit), parents before their children, siblings by name."""
    units = db.session.query(Unit).order_by(Unit.name).all()
    children = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered = []

    def walk(parent_id, depth):
        for unit in children.get(parent_id, []):
            ordered.append((depth, unit))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered


def active_units():
    return db.session.query(Unit).filter(Unit.is_active_unit.is_(True)).order_by(Unit.name).all()


def descendant_ids(unit):
    """The ids of `unit` and every unit below it."""
    ids, frontier = {unit.id}, [unit.id]
    while frontier:
        frontier = list(db.session.execute(select(Unit.id).where(Unit.parent_id.in_(frontier))).scalars())
        ids.update(frontier)
    return ids


def direct_report_choices(unit):
    """The information offices a unit may report to directly (直报点): those of the units above its parent (its
    own upward office is where it reports anyway), nearest first."""
    upward = unit.upward_info_unit()
    choices, upper = [], unit.parent.parent if unit.parent is not None else None
    while upper is not None:
        office = upper.office("info")
        if office is not None and office.is_active_unit and (upward is None or office.id != upward.id):
            choices.append(office)
        upper = upper.parent
    return choices


def open_step_count(unit_id):
    return db.session.query(func.count(HumanTask.id)).filter_by(unit_id=unit_id, state="open").scalar()


def name_at(unit_id, at):
    """The unit's name as it stood at `at` (its current name when no history reaches that far back)."""
    row = (db.session.query(UnitName).filter(UnitName.unit_id == unit_id, UnitName.valid_from_dt <= at)
           .order_by(UnitName.valid_from_dt.desc(), UnitName.id.desc()).first())
    if row is not None:
        return row.name
    unit = db.session.get(Unit, unit_id)
    return unit.name if unit else None


def name_history(unit_id):
    return db.session.query(UnitName).filter_by(unit_id=unit_id).order_by(UnitName.valid_from_dt, UnitName.id).all()


def search_users(q="", unit_id=None, page=1, per_page=PER_PAGE):
    """A page of users matching a name or username fragment, ordered by name (ix_users_name)."""
    query = select(User).order_by(User.name, User.id)
    if q:
        query = query.where(or_(User.username.icontains(q, autoescape=True), User.name.icontains(q, autoescape=True)))
    if unit_id:
        query = query.where(User.unit_id == unit_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def open_work(user, keep_unit_id=None):
    """The user's open steps that must change hands: (claimed ones, going back to the group; ones assigned to
    them by name, going to a successor). Steps of `keep_unit_id` (the unit they move to) stay theirs."""
    query = db.session.query(HumanTask).filter(HumanTask.assignee_id == user.id, HumanTask.state == "open")
    if keep_unit_id is not None:
        query = query.filter(HumanTask.unit_id != keep_unit_id)
    rows = query.order_by(HumanTask.id).all()
    return [r for r in rows if r.claimed_dt is not None], [r for r in rows if r.claimed_dt is None]


def may_take(candidate, row):
    """Whether `candidate` may be handed the step: active, of its unit and role, cleared for it."""
    return (candidate.is_active_user and candidate.unit_id == row.unit_id and candidate.has_role(row.role)
            and candidate.clearance >= row.secrecy)


def successor_candidates(user, named_rows):
    """Active users other than `user` who may take every one of `named_rows`."""
    if not named_rows:
        return []
    unit_ids = {row.unit_id for row in named_rows}
    people = (db.session.query(User).filter(User.unit_id.in_(unit_ids), User.id != user.id,
                                            User.is_active_user.is_(True)).order_by(User.name).all())
    return [p for p in people if all(may_take(p, row) for row in named_rows)]


def locked_accounts():
    """Account names locked out by failed logins right now."""
    return (db.session.query(LoginThrottle).filter(LoginThrottle.locked_until_dt > clock.now())
            .order_by(LoginThrottle.locked_until_dt.desc()).all())
