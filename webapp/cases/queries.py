"""Reads of instruction cases, scoped by unit and secrecy clearance; projected rows only."""
from sqlalchemy import or_

from webapp.auth.models import Unit, User, UserRole
from webapp.core.errors import NotFound
from webapp.core.links import path_for
from webapp.engine.models import HumanTask, InstanceEvent
from webapp.extensions import db

from . import deadlines
from .models import LEVELS, NEW_CASE_TITLE, DeadlineRule, InstructionCase

ALERT_FILTERS = ("red", "yellow", "unknown")


def visible_to(user):
    """The supervision office sees the cases it registered; a unit sees the cases it leads."""
    return db.session.query(InstructionCase).filter(
        InstructionCase.secrecy <= user.clearance,
        or_(InstructionCase.unit_id == user.unit_id, InstructionCase.lead_unit_id == user.unit_id),
    )


def get_visible(user, case_id):
    case = visible_to(user).filter(InstructionCase.id == case_id).one_or_none()
    if case is None:
        raise NotFound("批示件不存在或您无权查看。")
    return case


def case_for_instance(instance_id):
    return db.session.query(InstructionCase).filter_by(instance_id=instance_id).one_or_none()


# Open cases first by their deadline (an unknown one after the known ones, on every database), newest first among
# equals: a total order (the API's cursors walk it).
LIST_ORDER = (InstructionCase.closed_dt.isnot(None), InstructionCase.due_dt.is_(None), InstructionCase.due_dt,
              InstructionCase.id.desc())


def list_for(user, alert=None, limit=200):
    return list_query(user, alert).order_by(*LIST_ORDER).limit(limit).all()


def list_query(user, alert=None):
    """The cases `user` may see, only those of the light `alert` when given (red / yellow / unknown); unordered."""
    query = visible_to(user)
    open_case = InstructionCase.closed_dt.is_(None)
    past_current_deadline = InstructionCase.overdue_dt >= InstructionCase.due_dt  # InstructionCase.alert == "red"
    if alert == "red":
        query = query.filter(open_case, past_current_deadline)
    elif alert == "yellow":
        query = query.filter(open_case, InstructionCase.reminded_dt.isnot(None),
                             or_(InstructionCase.overdue_dt.is_(None), ~past_current_deadline))
    elif alert == "unknown":
        query = query.filter(open_case, InstructionCase.deadline_known.is_(False))
    return query


def history(case):
    return (db.session.query(InstanceEvent).filter_by(instance_id=case.instance_id)
            .order_by(InstanceEvent.event_dt, InstanceEvent.id).all())


def may_record_visit(user, case):
    """The office that registered an open case records its 派人督办."""
    return user.has_role("supervisor") and user.unit_id == case.unit_id and case.closed_dt is None


def open_tasks(case):
    return db.session.query(HumanTask).filter_by(instance_id=case.instance_id, state="open").all()


def reports(case):
    """Progress reports, closing reports and extension requests of the handling unit, oldest first."""
    if case is None:
        return []
    return (db.session.query(InstanceEvent)
            .filter_by(instance_id=case.instance_id, step_key="handle", action="complete")
            .order_by(InstanceEvent.event_dt, InstanceEvent.id).all())


def form_values(case):
    """The registration form filled from the case (a saved draft, or a case sent back from 交办, is not retyped)."""
    if case is None:
        return {}
    return {"title": "" if case.title == NEW_CASE_TITLE else case.title, "source_leader": case.source_leader,
            "level": case.level, "instruction": case.instruction,
            "instruction_date": case.instruction_date.isoformat() if case.instruction_date else "",
            "urgency": case.urgency, "secrecy": case.secrecy, "lead_unit_id": case.lead_unit_id,
            "assist_unit_ids": case.assist_unit_ids}


def handling_units():
    """Units that can lead a case: those with a handler (承办单位经办人)."""
    return (db.session.query(Unit).join(User, User.unit_id == Unit.id).join(UserRole, UserRole.user_id == User.id)
            .filter(UserRole.role == "handler").distinct().order_by(Unit.id).all())


def assist_units(case):
    ids = case.assist_unit_ids or []
    return db.session.query(Unit).filter(Unit.id.in_(ids)).order_by(Unit.id).all() if ids else []


def effective_rules():
    """(level, label, rule, saved row or None) for every level: what deadlines are computed with."""
    return [(level, label, deadlines.rule_for(level), db.session.get(DeadlineRule, level))
            for level, label in LEVELS.items()]


def visible_instance(user, instance_id):
    """Whether the user may see the case of this instance (the inbox's read-only view asks)."""
    return visible_to(user).filter(InstructionCase.instance_id == instance_id).first() is not None


def link_for_instance(instance_id):
    """The case's page (`hooks.instance_link`)."""
    return path_for("cases.by_instance", instance_id=instance_id)
