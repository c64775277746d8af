"""Reads of the ledgers, scoped like the supervision desk: the 督查室 and its leaders see a ledger whole, a lead or
cooperating unit sees its own tasks; the lights from milestones and checkpoint reports (projected rows only)."""
from collections import defaultdict
from datetime import timedelta

from flask import current_app
from sqlalchemy.orm import joinedload

from webapp.auth.models import Unit, User, UserRole
from webapp.core import clock
from webapp.core.errors import NotFound
from webapp.core.links import path_for
from webapp.engine.models import HumanTask, InstanceEvent
from webapp.extensions import db
from webapp.workcal.deadlines import CalendarDataMissing
from webapp.workcal.queries import load_calendar

from .models import (
    LIGHTS,
    KeyTask,
    KeyTaskArea,
    KeyTaskContribution,
    KeyTaskLedger,
    KeyTaskMilestone,
    KeyTaskReport,
    KeyTaskSiteVisit,
)

LEADER_ROLES = {"leader", "principal"}


def watched_offices(user):
    """The supervision offices whose ledgers the user sees whole: their own (督查室) or the one of the unit they
    lead."""
    if user.has_role("supervisor") and user.unit.function == "supervision":
        return [user.unit_id]
    if user.roles & LEADER_ROLES and user.unit.kind != "office":
        office = user.unit.office("supervision")
        if office is not None:
            return [office.id]
    return []


def _own_task_ids(user):
    """Tasks the user's unit leads or cooperates on (JSON lists are read in Python: a unit has few tasks)."""
    ids = {tid for (tid,) in db.session.query(KeyTask.id).filter(KeyTask.lead_unit_id == user.unit_id)}
    for tid, cooperating in db.session.query(KeyTask.id, KeyTask.cooperating_unit_ids):
        if user.unit_id in (cooperating or []):
            ids.add(tid)
    return ids


def ledgers_for(user):
    offices = watched_offices(user)
    query = db.session.query(KeyTaskLedger)
    if offices:
        query = query.filter(KeyTaskLedger.unit_id.in_(offices))
    else:
        ids = _own_task_ids(user)
        if not ids:
            return []
        query = query.filter(KeyTaskLedger.id.in_(db.session.query(KeyTask.ledger_id).filter(KeyTask.id.in_(ids))))
    return query.order_by(KeyTaskLedger.year.desc(), KeyTaskLedger.id.desc()).all()


def sees_whole(user, ledger):
    return ledger.unit_id in watched_offices(user)


def may_edit(user, ledger):
    return user.has_role("supervisor") and user.unit_id == ledger.unit_id


def get_ledger(user, ledger_id):
    ledger = db.session.get(KeyTaskLedger, ledger_id)
    if ledger is None or not (sees_whole(user, ledger) or _own_tasks_in(user, ledger)):
        raise NotFound("督查台账不存在或您无权查看。")
    return ledger


def get_editable(user, ledger_id):
    ledger = get_ledger(user, ledger_id)
    if not may_edit(user, ledger):
        raise NotFound("督查台账不存在或您无权查看。")
    return ledger


def _own_tasks_in(user, ledger):
    ids = _own_task_ids(user)
    return bool(ids) and db.session.query(KeyTask.id).filter(KeyTask.ledger_id == ledger.id,
                                                             KeyTask.id.in_(ids)).first() is not None


def tasks_of(user, ledger):
    query = db.session.query(KeyTask).filter_by(ledger_id=ledger.id)
    if not sees_whole(user, ledger):
        query = query.filter(KeyTask.id.in_(_own_task_ids(user) or {0}))
    return query.order_by(KeyTask.position, KeyTask.id).all()


def get_task(user, task_id):
    task = db.session.get(KeyTask, task_id)
    if task is None or not (sees_whole(user, task.ledger) or task.id in _own_task_ids(user)):
        raise NotFound("重点任务不存在或您无权查看。")
    return task


def areas_of(ledger):
    return db.session.query(KeyTaskArea).filter_by(ledger_id=ledger.id).order_by(KeyTaskArea.position).all()


def milestones_of(task_ids):
    found = defaultdict(list)
    if task_ids:
        rows = (db.session.query(KeyTaskMilestone).filter(KeyTaskMilestone.task_id.in_(task_ids))
                .order_by(KeyTaskMilestone.due_date, KeyTaskMilestone.id))
        for milestone in rows:
            found[milestone.task_id].append(milestone)
    return found


def reports_of(task_ids):
    found = defaultdict(list)
    if task_ids:
        rows = (db.session.query(KeyTaskReport).filter(KeyTaskReport.task_id.in_(task_ids))
                .order_by(KeyTaskReport.checkpoint, KeyTaskReport.id))
        for report in rows:
            found[report.task_id].append(report)
    return found


def contributions_of(report_ids):
    """The cooperating units' parts of each report, in the order they were sent."""
    found = defaultdict(list)
    if report_ids:
        rows = (db.session.query(KeyTaskContribution).filter(KeyTaskContribution.report_id.in_(report_ids))
                .options(joinedload(KeyTaskContribution.unit), joinedload(KeyTaskContribution.contributed_by))
                .order_by(KeyTaskContribution.contributed_dt, KeyTaskContribution.id))
        for row in rows:
            found[row.report_id].append(row)
    return found


def site_visits(task):
    return (db.session.query(KeyTaskSiteVisit).filter_by(task_id=task.id)
            .order_by(KeyTaskSiteVisit.visit_date, KeyTaskSiteVisit.id).all())


def warning_horizon(today):
    """The last day a milestone counts as near (yellow): KEYTASK_WARN_WORKING_DAYS working days ahead, or as
    many calendar days when the calendar lacks the year."""
    days = current_app.config["KEYTASK_WARN_WORKING_DAYS"]
    try:
        return load_calendar().add_working_days(today, days)
    except CalendarDataMissing:
        return today + timedelta(days=days)


def light(task, milestones, reports, today, horizon, now):
    """done / red (a milestone past its date, or a checkpoint report overdue and not yet accepted) / yellow (a
    milestone due by the horizon, or a report reminded and not yet sent) / green."""
    if task.done_dt is not None:
        return "done"
    open_milestones = [m for m in milestones if m.done_dt is None]
    open_reports = [r for r in reports if r.accepted_dt is None]
    if any(m.due_date < today for m in open_milestones) or any(
            r.overdue_dt is not None or (r.reported_dt is None and now >= r.due_dt) for r in open_reports):
        return "red"
    if any(m.due_date <= horizon for m in open_milestones) or any(
            r.reported_dt is None and now >= r.remind_dt for r in open_reports):
        return "yellow"
    return "green"


def ledger_view(user, ledger, tasks=None):
    """[(area, [(task, light, milestones, reports)])] in the ledger's order, and the counts per light (of the
    user's tasks, or of `tasks` when given)."""
    tasks = tasks_of(user, ledger) if tasks is None else tasks
    ids = [t.id for t in tasks]
    milestones, reports = milestones_of(ids), reports_of(ids)
    now = clock.now()
    today = clock.local_today()
    horizon = warning_horizon(today)
    by_area = defaultdict(list)
    counts = dict.fromkeys(LIGHTS, 0)
    for task in tasks:
        colour = light(task, milestones[task.id], reports[task.id], today, horizon, now)
        counts[colour] += 1
        by_area[task.area_id].append((task, colour, milestones[task.id], reports[task.id]))
    groups = [(area, by_area[area.id]) for area in areas_of(ledger) if by_area[area.id]]
    return groups, counts


def area_lights(user, ledger):
    """Per area: its name and how many tasks have each light (the leaders' view)."""
    groups, counts = ledger_view(user, ledger)
    rows = []
    for area, tasks in groups:
        per = dict.fromkeys(LIGHTS, 0)
        for _task, colour, _m, _r in tasks:
            per[colour] += 1
        rows.append((area, per, len(tasks)))
    return rows, counts


def units_by_id(ids):
    return {u.id: u for u in db.session.query(Unit).filter(Unit.id.in_(ids or {0}))}


def staffed_unit_ids():
    """Units with an active 承办人 (handler): only they can report a task's progress."""
    return {uid for (uid,) in db.session.query(User.unit_id).join(UserRole, UserRole.user_id == User.id)
            .filter(UserRole.role == "handler", User.is_active_user.is_(True))}


def handling_units():
    """Units that can lead a task: those with a 承办人 (handler)."""
    return (db.session.query(Unit).join(User, User.unit_id == Unit.id).join(UserRole, UserRole.user_id == User.id)
            .filter(UserRole.role == "handler").distinct().order_by(Unit.id).all())


def report_for_instance(instance_id):
    return db.session.query(KeyTaskReport).filter_by(instance_id=instance_id).one_or_none()


def history(report):
    return (db.session.query(InstanceEvent).filter_by(instance_id=report.instance_id)
            .order_by(InstanceEvent.event_dt, InstanceEvent.id).all())


def open_tasks(report):
    return db.session.query(HumanTask).filter_by(instance_id=report.instance_id, state="open").all()


def visible_instance(user, instance_id):
    """Whether the user may see the report of this instance (the inbox's read-only view asks)."""
    report = report_for_instance(instance_id)
    if report is None:
        return False
    try:
        get_task(user, report.task_id)
    except NotFound:
        return False
    return True


def link_for_instance(instance_id):
    return path_for("keytasks.by_instance", instance_id=instance_id)
