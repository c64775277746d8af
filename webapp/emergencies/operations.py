"""Writes of emergency information; each flushes, the request commits."""
from datetime import UTC, datetime, timedelta

from flask import current_app

from webapp import audit, engine, staffing
from webapp.auth.models import Unit
from webapp.core import clock, forms
from webapp.core.errors import FormInvalid, NotAllowed, TaskConflict
from webapp.core.formats import local_dt
from webapp.core.roles import SECRECY_LEVELS
from webapp.extensions import db

from . import queries
from .models import FAULT_LABELS, ReportingFault
from .process import FOLLOWUP_KEY, REPORT_KEY
from .schemas import FaultSchema, FollowUpSchema, PhoneSchema, ReportSchema, RequestSchema, local_moment


def _utc(local_text):
    return local_moment(local_text, "time").astimezone(UTC).isoformat()


def _check_secrecy(user, secrecy):
    """Nobody marks a report above their own clearance: they would lose sight of it the moment it is saved."""
    if secrecy > user.clearance:
        raise FormInvalid({"secrecy": [f"密级不能高于您的涉密等级（{SECRECY_LEVELS.get(user.clearance, '公开')}）"]})


def is_backfill(call_at, entered_at):
    """补录: the claimed call time lies further before the entry than GOVFLOW_PHONE_BACKFILL_MINUTES allows."""
    grace = timedelta(minutes=current_app.config["EMERGENCY_PHONE_BACKFILL_MINUTES"])
    return entered_at - call_at > grace


def report(user, raw):
    """报告紧急信息: a unit's writer or duty officer reports in writing; the clock runs from the event time."""
    if not queries.may_report(user):
        raise NotAllowed("只有本单位的信息员或值班员可以报告紧急信息。")
    form = forms.load(ReportSchema, raw)
    _check_secrecy(user, form["secrecy"])
    unit_id = queries.level_unit_id(user)
    data = {**{k: form[k] for k in ("title", "place", "summary", "casualties", "measures", "urgency", "secrecy",
                                    "sign_mode", "skip_reason", "event_time_reason")},
            "unit_id": unit_id, "reporter_id": user.id, "event_at": _utc(form["event_time"]), "phone": None}
    return _start(user, data)


def record_phone(user, raw):
    """电话接报: a receiving office records a phone report; it starts the case and counts as the report's arrival
    at this level at the call time it states. The unit then owes the written report (补报文字稿).

    The moment of entry is kept beside the stated call time: a call stated well before it was entered (补录)
    still counts at the stated time, as the rules say, but is marked wherever the report is shown."""
    if not queries.takes_reports(user):
        raise NotAllowed("只有信息部门或总值班室可以登记电话报告。")
    form = forms.load(PhoneSchema, raw)
    _check_secrecy(user, form["secrecy"])
    unit = db.session.get(Unit, form["unit_id"])
    if unit is None or unit.kind == "office" or unit.id not in queries.descendant_ids(queries.level_unit_id(user)):
        raise FormInvalid({"unit_id": ["请选择本级所辖的报告单位"]})
    refusal = staffing.uncleared_refusal(unit.id, "writer", form["secrecy"], "补报")  # the unit owes the write-up
    if refusal:
        raise FormInvalid({"secrecy": [refusal]})
    entered = clock.now()
    at = _utc(form["call_time"]) if form.get("call_time") else entered.isoformat()
    backfill = is_backfill(datetime.fromisoformat(at), entered)
    phone = {"at": at, "entered_at": entered.isoformat(), "backfill": backfill,
             "level_unit_id": queries.level_unit_id(user), "office_unit_id": user.unit_id,
             "route": _route_of(user), "caller": form["caller"], "caller_phone": form["caller_phone"],
             "summary": form["summary"], "taken_by_id": user.id}
    data = {"unit_id": unit.id, "reporter_id": None, "title": form["title"], "place": "", "summary": form["summary"],
            "casualties": "", "measures": "", "urgency": form["urgency"], "secrecy": form["secrecy"],
            "sign_mode": "leader", "skip_reason": "", "event_at": _utc(form["event_time"]),
            "event_time_reason": form["event_time_reason"], "phone": phone}
    emergency = _start(user, data)
    label = f"补录：来电 {local_dt(datetime.fromisoformat(at))}，录入 {local_dt(entered)}" if backfill else None
    engine.record_event(emergency.instance_id, "phone", user, step_label=label, opinion=form["summary"],
                        data={"caller": form["caller"], "caller_phone": form["caller_phone"], "at": at,
                              "entered_at": entered.isoformat(), "backfill": backfill})
    return emergency


def _route_of(user):
    """Which receiving office took the call: the office's function, or the taker's role in a unit without one."""
    if user.unit.kind == "office" and user.unit.function in ("info", "duty"):
        return user.unit.function
    return "duty" if user.has_role("duty") and not user.has_role("editor") else "info"


def _start(user, data):
    instance = engine.start(REPORT_KEY, user, data)
    emergency = queries.emergency_for_instance(instance.id)
    if instance.status == "incident":
        raise TaskConflict(f"紧急信息已保存，但流程出现异常：{instance.last_incident}。请联系管理员。",
                           keep_changes=True)
    return emergency


def _followup_data(emergency, **extra):
    return {"emergency_id": emergency.id, "unit_id": emergency.unit_id, "secrecy": emergency.secrecy,
            "urgency": emergency.urgency,
            "hop": {"kind": "followup", "unit_id": emergency.unit_id, "due_at": None, "warn_at": None}, **extra}


def add_followup(user, emergency, raw):
    """续报 / 终报 written by the reporting unit; each is its own instance linked to the first report."""
    if not queries.may_report(user) or queries.level_unit_id(user) != emergency.unit_id:
        raise NotAllowed("只有报告单位的信息员或值班员可以续报。")
    if emergency.closed_dt is not None:
        raise TaskConflict("该紧急信息已终报，不能再续报。")
    form = forms.load(FollowUpSchema, raw)
    label = "终报" if form["followup_kind"] == "final" else "续报"
    data = _followup_data(emergency, title=f"{emergency.title}（{label}）", requested=False, request_due_at=None,
                          author_id=user.id, **form)
    instance = engine.start(FOLLOWUP_KEY, user, data)
    return queries.followup_for_instance(instance.id)


def request_followup(user, emergency, raw):
    """要求续报: an office the report reached asks the unit for a follow-up by a deadline (its own timer)."""
    if not queries.takes_reports(user) or queries.level_unit_id(user) == emergency.unit_id:
        raise NotAllowed("只有已收到该信息的上级信息部门或总值班室可以要求续报。")
    if emergency.closed_dt is not None:
        raise TaskConflict("该紧急信息已终报。")
    form = forms.load(RequestSchema, raw)
    data = _followup_data(emergency, title=f"{emergency.title}（要求续报）", requested=True,
                          request_due_at=_utc(form["due_time"]), request_note=form["note"],
                          requested_by_id=user.id, requested_at=clock.now().isoformat(), followup_kind="followup",
                          sign_mode="leader", skip_reason="")
    instance = engine.start(FOLLOWUP_KEY, user, data)
    return queries.followup_for_instance(instance.id)


def record_fault(user, raw):
    """漏报 / 瞒报 recorded by an upper office against a unit below it."""
    if not (queries.takes_reports(user) or user.has_role("supervisor")):
        raise NotAllowed("只有上级信息部门、总值班室或督查室可以记录漏报、瞒报。")
    form = forms.load(FaultSchema, raw)
    unit = db.session.get(Unit, form["unit_id"])
    if unit is None or unit.kind == "office" or unit.id not in queries.descendant_ids(queries.level_unit_id(user)):
        raise FormInvalid({"unit_id": ["请选择本级所辖的单位"]})
    emergency = None
    if form.get("emergency_id"):
        emergency = queries.visible_to(user).filter_by(id=form["emergency_id"], unit_id=unit.id).one_or_none()
        if emergency is None:
            raise FormInvalid({"emergency_id": ["所选紧急信息不存在或不属于该单位"]})
    fault = ReportingFault(unit_id=unit.id, kind=form["kind"], emergency_id=emergency.id if emergency else None,
                           event_dt=local_moment(form["event_time"], "event_time"), title=form["title"],
                           description=form["description"], recorded_by_id=user.id,
                           recorded_unit_id=queries.level_unit_id(user), recorded_dt=clock.now())
    db.session.add(fault)
    db.session.flush()
    audit.record("emergency.fault", summary=f"记录{unit.name}{FAULT_LABELS[fault.kind]}：{fault.title}",
                 target_type="reporting_fault", target_id=str(fault.id), user=user,
                 detail={"unit_id": unit.id, "kind": fault.kind, "emergency_id": fault.emergency_id})
    return fault
