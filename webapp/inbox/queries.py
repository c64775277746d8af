"""Reads of projected task rows only; never a deserialized workflow."""
from sqlalchemy import or_

from webapp.engine.errors import NotAllowed, NotFound
from webapp.engine.models import HumanTask
from webapp.engine.runner import may_act
from webapp.extensions import db

from . import models  # noqa: F401  (the inbox tables are created with the others)


def todo_query(user):
    """Open tasks the user may act on: their role in their unit, unassigned or assigned to them."""
    return db.session.query(HumanTask).filter(
        HumanTask.state == "open",
        HumanTask.unit_id == user.unit_id,
        HumanTask.role.in_(sorted(user.roles)),
        or_(HumanTask.assignee_id.is_(None), HumanTask.assignee_id == user.id),
        HumanTask.secrecy <= user.clearance,
    )


def todo(user, limit=100):
    urgent_first = db.case((HumanTask.urgency == "very_urgent", 0), (HumanTask.urgency == "urgent", 1), else_=2)
    return todo_query(user).order_by(urgent_first, HumanTask.created_dt.desc()).limit(limit).all()


def todo_count(user):
    return todo_query(user).count()


def done(user, limit=100):
    return (
        db.session.query(HumanTask)
        .filter(HumanTask.completed_by_id == user.id, HumanTask.secrecy <= user.clearance)
        .order_by(HumanTask.completed_dt.desc())
        .limit(limit)
        .all()
    )


def task_for(user, row_id):
    """The open task the user may act on; 404 when they could not even know of it, 403 when not theirs."""
    row = db.session.get(HumanTask, row_id)
    if row is None or row.secrecy > user.clearance or row.unit_id != user.unit_id:
        raise NotFound("任务不存在或您无权查看。")
    if row.state == "open" and not may_act(user, row):
        raise NotAllowed("您无权办理此任务。")
    return row
