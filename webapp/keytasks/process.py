"""Wiring of the key_task process into the engine: its forms and the projector of the checkpoint report row."""
import os
from datetime import date, datetime

from webapp.core import clock
from webapp.engine.models import HumanTask, InstanceEvent
from webapp.extensions import db

from .circular_forms import FORMS as CIRCULAR_FORMS
from .models import KeyTask, KeyTaskContribution, KeyTaskReport
from .schemas import FORMS

PROCESS_KEY = "key_task"
# SpiffWorkflow names each instance of a multi-instance task after the task with " [child]".
CONTRIBUTE_STEP = "contribute [child]"
STEP_STAGES = {CONTRIBUTE_STEP: "contributing", "report": "reporting", "sign": "signing", "review": "reviewing"}


def _completed(instance_id):
    """(first time the lead unit reported, returns by the leader or the 督查室, the latest decision of review)."""
    rows = (db.session.query(HumanTask.step_key, HumanTask.outcome, HumanTask.completed_dt)
            .filter_by(instance_id=instance_id, state="completed").order_by(HumanTask.completed_dt, HumanTask.id).all())
    reported = next((done for step, _outcome, done in rows if step == "report"), None)
    returns = sum(1 for step, outcome, _done in rows if step in ("sign", "review") and outcome == "return")
    review = next((outcome for step, outcome, _done in reversed(rows) if step == "review"), None)
    return reported, returns, review


def _project_contributions(report):
    """One row per cooperating unit that sent its part, from its latest completed step and what it submitted
    (the workflow keeps none of it: the multi-instance task collects only the progress texts, and the instances'
    data is not merged back). A part withdrawn and sent again replaces the first."""
    kept = {row.unit_id: row for row in db.session.query(KeyTaskContribution).filter_by(report_id=report.id)}
    sent = (db.session.query(HumanTask, InstanceEvent)
            .join(InstanceEvent, InstanceEvent.task_id == HumanTask.id)
            .filter(HumanTask.instance_id == report.instance_id, HumanTask.step_key == CONTRIBUTE_STEP,
                    HumanTask.state == "completed", HumanTask.superseded.is_(False), InstanceEvent.action == "complete")
            .order_by(HumanTask.completed_dt, HumanTask.id, InstanceEvent.id).all())
    for row, event in sent:
        values = event.data or {}
        part = kept.get(row.unit_id)
        if part is None:
            part = kept[row.unit_id] = KeyTaskContribution(report_id=report.id, unit_id=row.unit_id)
            db.session.add(part)
        part.progress = str(values.get("contribution_progress") or "")
        part.problems = str(values.get("contribution_problems") or "")
        part.next_steps = str(values.get("contribution_next") or "")
        part.contributed_by_id, part.contributed_dt = row.completed_by_id, row.completed_dt


def project_report(instance, data):
    """Keep the keytask_reports row in step with the instance (same transaction)."""
    report = db.session.query(KeyTaskReport).filter_by(instance_id=instance.id).one_or_none()
    now = clock.now()
    if report is None:
        report = KeyTaskReport(instance_id=instance.id, task_id=data["task_id"], started_dt=now,
                               checkpoint=date.fromisoformat(data["checkpoint"]), started_by_id=data["starter_id"],
                               due_dt=datetime.fromisoformat(data["due_at"]),
                               remind_dt=datetime.fromisoformat(data["remind_at"]))
        db.session.add(report)
    report.progress = str(data.get("progress") or report.progress or "")
    db.session.flush()
    _project_contributions(report)
    report.reported_dt, report.return_count, review = _completed(instance.id)
    if report.reported_dt is None or report.reported_dt > report.due_dt:
        # Timers fire exactly at these moments, so each firing re-projects the report.
        if now >= report.remind_dt and report.reported_dt is None:
            report.reminded_dt = report.reminded_dt or now
        if now >= report.due_dt:
            report.overdue_dt = report.overdue_dt or now
    open_task = (db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open")
                 .order_by(HumanTask.id).first())
    if instance.status == "completed":
        report.stage = "accepted"
        report.accepted_dt = report.accepted_dt or now
        if review == "complete":
            task = db.session.get(KeyTask, report.task_id)
            task.done_dt = task.done_dt or now
    elif open_task is not None:
        report.stage = STEP_STAGES.get(open_task.step_key, open_task.step_key)


def forms():
    """The forms of the diagrams (key_task, special_project, key_task_circular)."""
    return {**FORMS, **CIRCULAR_FORMS}


def init_app(app):
    # Yellow: a milestone due within this many working days; the report reminder this many working days ahead.
    app.config.setdefault("KEYTASK_WARN_WORKING_DAYS", int(os.environ.get("GOVFLOW_KEYTASK_WARN_WORKING_DAYS", "5")))
    app.config.setdefault("KEYTASK_REMIND_WORKING_DAYS",
                          int(os.environ.get("GOVFLOW_KEYTASK_REMIND_WORKING_DAYS", "3")))
