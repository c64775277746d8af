"""Wiring of the instruction_case process into the engine: its forms and the projector of its case row."""
import os
from datetime import date, datetime

from webapp import engine
from webapp.core import clock, hooks
from webapp.core.links import path_for
from webapp.engine.models import HumanTask, InstanceEvent
from webapp.extensions import db

from .checks import with_staff_check
from .models import InstructionCase
from .schemas import FORMS

PROCESS_KEY = "instruction_case"
STEP_STAGES = {"register": "registering", "assign": "assigning", "handle": "handling",
               "approve_extension": "extension", "leader_sign": "signing", "principal_sign": "signing",
               "review": "reviewing"}


def _dt(value):
    return datetime.fromisoformat(value) if value else None


def _counts(instance_id):
    first_dt = db.func.min(HumanTask.completed_dt)
    rows = (db.session.query(HumanTask.step_key, HumanTask.outcome, db.func.count(), first_dt)
            .filter_by(instance_id=instance_id, state="completed").group_by(HumanTask.step_key, HumanTask.outcome))
    return {(step, outcome): (count, first) for step, outcome, count, first in rows}


def project_case(instance, data):
    """Keep the instruction_cases row in step with the instance (same transaction)."""
    case = db.session.query(InstructionCase).filter_by(instance_id=instance.id).one_or_none()
    now = clock.now()
    if case is None:
        case = InstructionCase(instance_id=instance.id, case_no=data["case_no"], unit_id=data["unit_id"],
                               registrar_id=data["registrar_id"], registered_dt=now)
        db.session.add(case)
    case.title = (data.get("title") or case.title or "")[:256]
    for name in ("source_leader", "instruction", "requirements"):
        setattr(case, name, data.get(name) or getattr(case, name) or "")
    case.level = data.get("level") or case.level
    case.instruction_date = date.fromisoformat(data["instruction_date"]) if data.get("instruction_date") else None
    case.urgency = data.get("urgency") or "normal"
    case.secrecy = int(data.get("secrecy") or 0)
    case.lead_unit_id = data.get("lead_unit_id")
    case.assist_unit_ids = list(data.get("assist_unit_ids") or [])
    _project_deadlines(case, data.get("deadlines"), now)

    db.session.flush()
    counts = _counts(instance.id)
    case.progress_count = counts.get(("handle", "progress"), (0, None))[0]
    case.return_count = sum(n for (step, outcome), (n, _) in counts.items()
                            if outcome == "return" and step in ("leader_sign", "principal_sign", "review"))
    handled = [first for (step, outcome), (_, first) in counts.items()
               if step == "handle" and outcome in ("progress", "close")]
    case.first_feedback_dt = min(handled) if handled else None
    due = case.feedback_due_dt
    case.feedback_missed = bool(due and now >= due and (case.first_feedback_dt is None or case.first_feedback_dt > due))

    _project_last_report(case, instance.id)

    open_task = next(iter(engine.open_rows(instance)), None)
    if instance.status == "completed":
        case.stage = "archived"
        case.closed_dt = case.closed_dt or now
    elif open_task is not None:
        case.stage = STEP_STAGES.get(open_task.step_key, open_task.step_key)
    case.updated_dt = now


REPORT_TEXT = {"progress": "progress", "close": "report", "extension": "extension_reason"}


def _project_last_report(case, instance_id):
    """The handling unit's latest 办理反馈 (progress, closing report or extension request) for the desk."""
    event = (db.session.query(InstanceEvent).filter_by(instance_id=instance_id, step_key="handle", action="complete")
             .order_by(InstanceEvent.id.desc()).first())
    if event is None:
        case.last_report_dt = case.last_report_kind = case.last_report_text = None
        return
    data = event.data or {}
    kind = data.get("decision")
    text = str(data.get(REPORT_TEXT.get(kind, ""), "") or "").strip()
    if kind == "extension" and data.get("extend_until"):
        text = f"延至 {data['extend_until']}：{text}"
    case.last_report_dt, case.last_report_kind, case.last_report_text = event.event_dt, kind, text[:500]


def _project_deadlines(case, deadlines, now):
    if not deadlines:
        return
    case.assigned_dt = case.assigned_dt or _dt(deadlines.get("start_at"))
    case.deadline_known = bool(deadlines.get("known"))
    case.missing_year = deadlines.get("missing_year")
    case.due_dt = _dt(deadlines.get("due_at"))
    case.remind_dt = _dt(deadlines.get("remind_at"))
    case.feedback_due_dt = _dt(deadlines.get("feedback_due_at"))
    case.original_due_dt = _dt(deadlines.get("original_due_at"))
    case.extension_limit_dt = _dt(deadlines.get("extension_limit_at"))
    case.extensions = list(deadlines.get("extensions") or [])
    case.rule_text = (deadlines.get("rule_text") or "")[:200] or None
    if case.closed_dt is not None or not case.deadline_known:
        return
    # The reminder and deadline timers fire exactly at these moments, so each firing re-projects the case.
    reminded, overdue = case.reminded_dt, case.overdue_dt
    case.reminded_dt = (case.reminded_dt or now) if now >= case.remind_dt else None
    if now >= case.due_dt:
        case.overdue_dt = case.overdue_dt if case.overdue_dt and case.overdue_dt >= case.due_dt else now
    if case.reminded_dt is not None and reminded is None and now < case.due_dt:
        _announce("case.near_due", case)
    if case.overdue_dt is not None and case.overdue_dt != overdue:
        _announce("case.overdue", case)


def _announce(event, case):
    if case.id is None:
        db.session.flush()
    hooks.announce(event, kind="instruction_case", object_id=case.id, instance_id=case.instance_id,
                   process_key=PROCESS_KEY, title=case.title, unit_id=case.lead_unit_id or case.unit_id,
                   secrecy=case.secrecy, step=case.stage_label, due_dt=case.due_dt,
                   link=path_for("cases.detail", case_id=case.id))


def forms():
    """The forms of its diagram's user tasks; each check also refuses secret work nobody is cleared for."""
    return {key: (schema, with_staff_check(key, check)) for key, (schema, check) in FORMS.items()}


def init_app(app):
    # The desk flags a case its unit has held this many days without 办理反馈 (派人督办, docs/supervision.md).
    app.config.setdefault("CASE_STALL_DAYS", int(os.environ.get("GOVFLOW_CASE_STALL_DAYS", "30")))
