"""Service tasks of a key task's checkpoint report (reminder, overdue marking, acceptance) and of a 专项督查
(the units told, each inspected unit's deadline, reminder, overdue mark, report and check)."""
from . import handler

# The report is not sent while the lead unit's step or a cooperating unit's step (multi-instance) is open.
UNSENT_STEPS = {"report", "contribute [child]"}


def _title(ctx):
    return f"《{ctx.data.get('title') or '重点任务进展'}》"


@handler("keytasks.remind")
def remind(ctx, due_at):
    """The checkpoint is near and the lead unit has not reported: remind it (the task turns yellow)."""
    if UNSENT_STEPS & ctx.history.open_steps():
        ctx.notices.send(f"{_title(ctx)}将于 {due_at[:10]} 截止报送，请抓紧报送进展", unit_id=ctx.data["lead_unit_id"],
                         role="handler", level="warning")
    return {"reminded_at": ctx.now().isoformat()}


@handler("keytasks.overdue")
def overdue(ctx, due_at):
    """The checkpoint passed: unreported, the report is marked overdue (red) and the 督查室 and the unit told."""
    late = bool(UNSENT_STEPS & ctx.history.open_steps()) and ctx.history.first_completed("report") is None
    if late:
        title = f"{_title(ctx)}已超过报送截止时间（{due_at[:10]}），尚未报送"
        ctx.notices.send(title, unit_id=ctx.data["unit_id"], role="supervisor", level="danger")
        ctx.notices.send(title, unit_id=ctx.data["lead_unit_id"], role="leader", level="danger")
        ctx.notices.send(title, unit_id=ctx.data["lead_unit_id"], role="handler", level="danger")
    return {"overdue_at": ctx.now().isoformat(), "late": late}


@handler("keytasks.accept")
def accept(ctx, decision):
    """The 督查室 accepted the report (and, when it said so, the task as completed)."""
    words = "审核通过，任务认定完成" if decision == "complete" else "审核通过"
    ctx.notices.send(f"{_title(ctx)}{words}", unit_id=ctx.data["lead_unit_id"], role="handler")
    return {"accepted_at": ctx.now().isoformat()}


@handler("keytasks.project_assigned")
def project_assigned(ctx, unit_ids):
    """An approved 专项督查: each supervised unit's leaders and 承办人 are told it is coming."""
    title = f"专项督查《{ctx.data.get('title') or ''}》已立项，贵单位为被督查单位"
    for unit_id in unit_ids or []:
        for role in ("leader", "handler"):
            ctx.notices.send(title, unit_id=unit_id, role=role, level="info")
    ctx.project_units.open(unit_ids or [])
    return {"notified_at": ctx.now().isoformat()}


def _project(ctx):
    return f"专项督查《{ctx.data.get('title') or ''}》"


@handler("keytasks.project_unit_deadline")
def project_unit_deadline(ctx, inspected_unit_id, rectify_days):
    """The 督查室 recorded a unit's findings: its rectification deadline in working days, the unit told."""
    due_at, remind_at = ctx.project_units.findings(
        inspected_unit_id, ctx.data.get("unit_findings") or "", ctx.data.get("unit_requirements") or "",
        int(rectify_days))
    title = f"{_project(ctx)}督查发现问题，请于 {due_at[:10]} 前报送整改情况"
    for role in ("leader", "handler"):
        ctx.notices.send(title, unit_id=inspected_unit_id, role=role, level="warning")
    return {"due_at": due_at, "remind_at": remind_at}


@handler("keytasks.project_unit_reported")
def project_unit_reported(ctx, inspected_unit_id):
    """The unit reported its rectification: the 督查室 checks it."""
    ctx.project_units.reported(inspected_unit_id, ctx.data.get("rectification") or "")
    return {"reported_at": ctx.now().isoformat()}


@handler("keytasks.project_unit_checked")
def project_unit_checked(ctx, inspected_unit_id, decision):
    """The 督查室 accepted the rectification, or returned it (the unit reports again)."""
    ctx.project_units.checked(inspected_unit_id, decision, ctx.data.get("opinion") or "")
    words = "已验收通过" if decision == "accept" else f"被退回，请重新报送：{ctx.data.get('opinion') or ''}"
    ctx.notices.send(f"{_project(ctx)}整改情况{words}", unit_id=inspected_unit_id, role="handler",
                     level="info" if decision == "accept" else "warning")
    return {"checked_at": ctx.now().isoformat(), "decision": decision}


@handler("keytasks.project_unit_remind")
def project_unit_remind(ctx, inspected_unit_id, due_at):
    """The rectification deadline is near and the unit owes its report: remind it."""
    if ctx.project_units.reminded(inspected_unit_id):
        ctx.notices.send(f"{_project(ctx)}整改期限 {due_at[:10]} 将至，请抓紧报送整改情况",
                         unit_id=inspected_unit_id, role="handler", level="warning")
    return {"reminded_at": ctx.now().isoformat()}


@handler("keytasks.project_unit_overdue")
def project_unit_overdue(ctx, inspected_unit_id, due_at):
    """The deadline passed with the rectification owed: the unit is marked overdue, the 督查室 and the unit told."""
    late = ctx.project_units.overdue(inspected_unit_id)
    if late:
        title = f"{_project(ctx)}整改期限 {due_at[:10]} 已过，被督查单位尚未报送整改情况"
        ctx.notices.send(title, unit_id=ctx.data["unit_id"], role="supervisor", level="danger")
        for role in ("leader", "handler"):
            ctx.notices.send(title, unit_id=inspected_unit_id, role=role, level="danger")
    return {"overdue_at": ctx.now().isoformat(), "late": late}
