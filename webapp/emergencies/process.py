"""Wiring of the emergency processes into the engine: forms, and the projectors of their rows.

The relay state (`relay`: the chain of levels, the stage reached, the hop under way) lives in the instance's
data, written by the handlers; the projectors turn it into `emergencies`, `emergency_levels` and the units'
`reporting_faults` (迟报) in the same transaction as the step.
"""
from datetime import datetime

from webapp.core import clock, hooks
from webapp.engine.models import HumanTask
from webapp.extensions import db

from .models import Emergency, EmergencyFollowUp, EmergencyLevel, ReportingFault
from .queries import current_task
from .schemas import CHECKS, FORMS

REPORT_KEY = "emergency_report"
FOLLOWUP_KEY = "emergency_followup"
PROCESS_KEYS = (REPORT_KEY, FOLLOWUP_KEY)
LEVEL_COLUMNS = ("level", "unit_id", "unit_name", "sender_unit_id", "limit_hours", "office_unit_id", "route",
                 "reached_via", "late_minutes")


def _dt(value):
    return datetime.fromisoformat(value) if value else None


def project_emergency(instance, data):
    """Keep the emergencies row, its levels and the 迟报 marks in step with the report's instance."""
    emergency = db.session.query(Emergency).filter_by(instance_id=instance.id).one_or_none()
    now = clock.now()
    if emergency is None:
        emergency = Emergency(instance_id=instance.id, unit_id=data["unit_id"], reporter_id=data.get("reporter_id"),
                              event_dt=_dt(data["event_at"]), created_dt=now)
        db.session.add(emergency)
    for name in ("title", "place", "summary", "casualties", "measures"):
        setattr(emergency, name, (data.get(name) or "")[:256 if name in ("title", "place") else None])
    emergency.urgency = data.get("urgency") or "urgent"
    emergency.secrecy = int(data.get("secrecy") or 0)
    emergency.event_time_reason = (data.get("event_time_reason") or "").strip() or None
    phone = data.get("phone")
    emergency.mode = "phone" if phone else "written"
    if phone:
        emergency.phone_dt = _dt(phone["at"])
        emergency.phone_entered_dt = _dt(phone.get("entered_at"))
        emergency.phone_backfill = bool(phone.get("backfill"))
        emergency.phone_caller, emergency.phone_number = phone.get("caller"), phone.get("caller_phone")
        emergency.phone_summary, emergency.phone_taken_by_id = phone.get("summary"), phone.get("taken_by_id")
    relay = data.get("relay") or {}
    chain = relay.get("chain") or []
    db.session.flush()
    _project_levels(emergency, chain)
    _record_late(emergency, chain)

    stage_level = chain[relay.get("stage", 0)] if chain else {}
    emergency.written_dt = _dt(chain[0].get("written_at")) if chain else None
    held = instance.status == "completed" and data.get("decision") == "hold"
    open_task = current_task(instance.id)
    emergency.current_step = open_task.step_label if open_task is not None else None
    if relay.get("done"):
        emergency.status = "relayed"
    elif held:
        emergency.status = "held"
    elif stage_level.get("written_at"):
        emergency.status = "submitted"
    elif open_task is not None and open_task.step_key == "u_written":
        emergency.status = "awaiting_written"
    elif open_task is not None and open_task.step_key == "u_revise":
        emergency.status = "returned"
    else:
        emergency.status = "signing"
    hop = relay.get("hop") or {}
    travelling = not relay.get("done") and not held and hop
    emergency.next_due_dt = _dt(hop.get("due_at")) if travelling else None
    target = hop.get("level", 0) + (1 if hop.get("kind") == "relay" else 0) if travelling else None
    emergency.next_level = chain[target]["level"] if target is not None and target < len(chain) else None
    if emergency.closed_dt is not None:
        emergency.status = "closed"
    emergency.updated_dt = now


def _project_levels(emergency, chain):
    rows = {row.position: row for row in db.session.query(EmergencyLevel).filter_by(emergency_id=emergency.id)}
    for position, level in enumerate(chain):
        row = rows.pop(position, None)
        if row is None:
            row = EmergencyLevel(emergency_id=emergency.id, position=position)
            db.session.add(row)
        for column in LEVEL_COLUMNS:
            setattr(row, column, level.get("via" if column == "reached_via" else column))
        row.due_dt, row.reached_dt, row.written_dt = (_dt(level[name]) for name in ("due_at", "reached_at",
                                                                                     "written_at"))
    for row in rows.values():
        db.session.delete(row)


def _record_late(emergency, chain):
    """A level reached after its limit is a 迟报 on the record of the unit that had to get it there."""
    marked = {level for (level,) in db.session.query(ReportingFault.level)
              .filter_by(emergency_id=emergency.id, kind="late")}
    for level in chain:
        if level.get("late_minutes") and level["level"] not in marked:
            hooks.announce("emergency.late", kind="emergency", object_id=emergency.id,
                           instance_id=emergency.instance_id, process_key="emergency_report", title=emergency.title,
                           unit_id=level["sender_unit_id"], secrecy=emergency.secrecy, step=f"{level['label']}级",
                           due_dt=_dt(level.get("due_at")), minutes_late=level["late_minutes"])
            db.session.add(ReportingFault(
                unit_id=level["sender_unit_id"], kind="late", emergency_id=emergency.id, level=level["level"],
                minutes_late=level["late_minutes"], event_dt=emergency.event_dt, title=emergency.title,
                description=f"{level['label']}级时限 {level['limit_hours']:g} 小时，迟报 {level['late_minutes']} 分钟",
                recorded_dt=clock.now()))


def project_followup(instance, data):
    """Keep the emergency_followups row in step; a delivered 终报 closes the emergency."""
    row = db.session.query(EmergencyFollowUp).filter_by(instance_id=instance.id).one_or_none()
    if row is None:
        row = EmergencyFollowUp(instance_id=instance.id, emergency_id=data["emergency_id"],
                                author_id=data.get("author_id"), requested_by_id=data.get("requested_by_id"),
                                requested_dt=_dt(data.get("requested_at")),
                                request_due_dt=_dt(data.get("request_due_at")), request_note=data.get("request_note"),
                                created_dt=clock.now())
        db.session.add(row)
    row.kind = data.get("followup_kind") or "followup"
    row.body, row.casualties, row.measures = (data.get(name) or "" for name in ("body", "casualties", "measures"))
    delivered = data.get("delivered")
    open_task = current_task(instance.id)
    if delivered:
        row.status, row.delivered_dt = "delivered", _dt(delivered["delivered_at"])
    elif open_task is not None:
        row.status = "requested" if open_task.step_key == "f_answer" else "signing"
    # The request's timer fires at its deadline and re-projects this row; its result stays on the timer's branch.
    due = row.request_due_dt
    row.request_overdue = bool(due and (row.delivered_dt > due if row.delivered_dt else clock.now() >= due))
    if row.author_id is None and data.get("requested"):  # whoever answered the request wrote it
        row.author_id = db.session.query(HumanTask.completed_by_id).filter_by(
            instance_id=instance.id, step_key="f_answer", state="completed").scalar()
    if delivered and row.kind == "final":
        emergency = db.session.get(Emergency, row.emergency_id)
        emergency.closed_dt = emergency.closed_dt or row.delivered_dt
        emergency.status = "closed"


def forms():
    """The forms of its diagrams' user tasks, each with its rule that needs the instance (or None)."""
    return {key: (schema, CHECKS.get(key)) for key, schema in FORMS.items()}
