"""专项督查立项: starting a project, the projector of its row, who sees it (the desk of its 督查室)."""
from datetime import date

from webapp import engine
from webapp.core import clock
from webapp.core.errors import NotAllowed, NotFound
from webapp.core.links import path_for
from webapp.engine.models import HumanTask, InstanceEvent
from webapp.extensions import db

from . import project_units, queries
from .models import NEW_PROJECT_TITLE, SpecialProject

PROCESS_KEY = "special_project"
# `inspect` is the single step of the first version; `findings`, `rectify`, `check` run per inspected unit.
STEP_STAGES = {"propose": "proposing", "approve": "approving", "inspect": "inspecting", "findings": "inspecting",
               "rectify": "inspecting", "check": "inspecting", "close": "closing", "sign": "signing"}


def start_project(user):
    """A 督查室 member proposes a project; the leaders of the office's parent unit approve it."""
    if not (user.has_role("supervisor") and user.unit.function == "supervision" and user.unit.parent_id):
        raise NotAllowed("只有督查室可以申请专项督查立项。")
    data = {"unit_id": user.unit_id, "proposer_id": user.id, "leader_unit_id": user.unit.parent_id,
            "title": NEW_PROJECT_TITLE, "secrecy": 0, "urgency": "normal"}
    instance = engine.start(PROCESS_KEY, user, data)
    task = db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open").one()
    return db.session.query(SpecialProject).filter_by(instance_id=instance.id).one(), task


def project_row(instance, data):
    """Keep the keytask_projects row in step with the instance (same transaction)."""
    project = db.session.query(SpecialProject).filter_by(instance_id=instance.id).one_or_none()
    now = clock.now()
    if project is None:
        project = SpecialProject(instance_id=instance.id, unit_id=data["unit_id"], proposer_id=data["proposer_id"],
                                 created_dt=now)
        db.session.add(project)
    project.title = (data.get("title") or project.title)[:200]
    for name in ("scope", "findings", "report"):
        setattr(project, name, data.get(name) or getattr(project, name) or "")
    project.unit_ids = list(data.get("unit_ids") or project.unit_ids or [])
    project.rectify_by = date.fromisoformat(data["rectify_by"]) if data.get("rectify_by") else project.rectify_by
    if data.get("assigned"):
        project.approved_dt = project.approved_dt or now
    db.session.flush()
    open_task = (db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open")
                 .order_by(HumanTask.id).first())
    if instance.status == "completed":
        project.stage = "closed"
        project.closed_dt = project.closed_dt or now
    elif open_task is not None:
        project.stage = STEP_STAGES.get(open_task.step_key, open_task.step_key)


def visible_to(user):
    offices = queries.watched_offices(user)
    return db.session.query(SpecialProject).filter(SpecialProject.unit_id.in_(offices or [0]))


def get_visible(user, project_id):
    project = visible_to(user).filter(SpecialProject.id == project_id).one_or_none()
    if project is None:
        raise NotFound("专项督查不存在或您无权查看。")
    return project


def for_instance(instance_id):
    return db.session.query(SpecialProject).filter_by(instance_id=instance_id).one_or_none()


def history(project):
    return (db.session.query(InstanceEvent).filter_by(instance_id=project.instance_id)
            .order_by(InstanceEvent.event_dt, InstanceEvent.id).all())


def visible_instance(user, instance_id):
    return visible_to(user).filter(SpecialProject.instance_id == instance_id).first() is not None


def link_for_instance(instance_id):
    return path_for("keytasks.project_by_instance", instance_id=instance_id)


def form_values(project, row=None):
    """The proposal form filled from the project (a proposal sent back is not retyped); the closing report drafted
    from every unit's findings and rectification."""
    if project is None or project.title == NEW_PROJECT_TITLE:
        return {}
    if row is not None and row.step_key == "close":
        return {"report": project.report or project_units.closing_summary(project_units.units_of(project))}
    return {"title": project.title, "scope": project.scope, "unit_ids": project.unit_ids}


UNIT_STEPS = ("findings", "rectify", "check")


def unit_of_task(project, row):
    """The inspected unit's row a per-unit step is about: the unit's own step names it by its unit; the 督查室's
    steps (one per unit, a multi-instance call) only in their task data."""
    if project is None or row.step_key not in UNIT_STEPS:
        return None
    unit_id = row.unit_id if row.step_key == "rectify" else engine.task_data(row).get("inspected_unit_id")
    return project_units.unit_row(project, unit_id)
