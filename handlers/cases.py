"""Service tasks of the leader-instruction case (批示件): deadlines, reminders, overdue notices, archive."""
from . import HandlerError, handler

FEEDBACK = ("progress", "close")  # what counts as feedback on the handling; an extension request does not


def _title(ctx):
    return f"《{ctx.data.get('title') or '批示件'}》（{ctx.data.get('case_no', '')}）"


@handler("cases.compute_deadlines")
def compute_deadlines(ctx, level, urgency, start=None):
    """Deadlines from the level's rule and the calendar, counted from assignment (交办) or `start`; counted again
    (a missing calendar year confirmed) with the rule the case was assigned under.

    A case returned (退回) to registration or assignment and assigned again keeps the deadlines it had,
    extensions included, unless its level changed; then they are counted again from the first assignment.
    """
    previous = ctx.data.get("deadlines") or {}
    same_level = previous.get("level") == level
    if start is None and previous:
        if previous.get("known") and same_level:
            return previous
        start = previous.get("start_at")
    # The rule of its 交办 (kept in the case's data) still applies when a missing calendar year is confirmed later:
    # a rule changed meanwhile governs only cases assigned after the change.
    deadlines = ctx.deadlines.for_case(level, urgency, start, previous.get("rule") if same_level else None)
    if not deadlines["known"]:
        year = deadlines["missing_year"]
        ctx.notices.send(f"缺少 {year} 年节假日安排：批示件{_title(ctx)}的办理期限无法计算", role="admin",
                         body=f"请在“系统管理 → 工作日历”中录入 {year} 年的节假日和调休上班日并确认，"
                              "录入后期限将自动计算。", level="danger")
        ctx.notices.send(f"批示件{_title(ctx)}办理期限待定（缺少 {year} 年工作日历）", unit_id=ctx.data["unit_id"],
                         role="supervisor", level="warning")
    return deadlines


@handler("cases.apply_extension")
def apply_extension(ctx, deadlines, extend_until, reason=""):
    """An approved extension (延期): new deadline and reminder; every timer of the case is armed anew."""
    try:
        extended = ctx.deadlines.extend(deadlines, extend_until, reason)
    except ValueError as exc:
        raise HandlerError(str(exc)) from exc
    ctx.notices.send(f"批示件{_title(ctx)}延期申请已批准，办理期限延至 {ctx.deadlines.local_text(extended['due_at'])}",
                     unit_id=ctx.data["lead_unit_id"], role="handler", level="info")
    return extended


@handler("cases.remind")
def remind(ctx, deadlines):
    """Reminder before the deadline: the case turns yellow and the handling unit is told."""
    due = ctx.deadlines.local_text(deadlines["due_at"])
    ctx.notices.send(f"批示件{_title(ctx)}将于 {due} 到期，请抓紧办理并按时报结", unit_id=ctx.data["lead_unit_id"],
                     role="handler", level="warning")
    return {"reminded_at": ctx.now().isoformat()}


@handler("cases.overdue")
def overdue(ctx, deadlines):
    """The deadline passed: the case turns red; the supervision office and the unit's leader are told."""
    due = ctx.deadlines.local_text(deadlines["due_at"])
    title = f"批示件{_title(ctx)}已超过办理期限（{due}）"
    body = "逾期未办结的批示件须书面说明情况并报送进展。"
    if "approve_extension" in ctx.history.open_steps():
        # Asked in time, not yet decided: the case counts as overdue until approved, but nobody should read it as
        # a unit that let the deadline pass silently.
        title += "，延期申请待审批"
        body = "承办单位已在期限内申请延期，督查室尚未审批；批准前按原期限计为超期，请督查室尽快审批。"
    ctx.notices.send(title, unit_id=ctx.data["unit_id"], role="supervisor", body=body, level="danger")
    ctx.notices.send(title, unit_id=ctx.data["lead_unit_id"], role="leader", body=body, level="danger")
    ctx.notices.send(title, unit_id=ctx.data["lead_unit_id"], role="handler", body=body, level="danger")
    return {"overdue_at": ctx.now().isoformat()}


@handler("cases.check_first_feedback")
def check_first_feedback(ctx, deadlines):
    """Urgent cases: has the unit fed back on its handling within the first-feedback period?"""
    first = ctx.history.first_completed("handle", FEEDBACK)
    missed = first is None
    if missed:
        due = ctx.deadlines.local_text(deadlines["feedback_due_at"])
        title = f"紧急批示件{_title(ctx)}未在 {due} 前反馈办理情况"
        ctx.notices.send(title, unit_id=ctx.data["unit_id"], role="supervisor", level="danger")
        ctx.notices.send(title, unit_id=ctx.data["lead_unit_id"], role="handler", level="danger")
    return {"missed": missed, "checked_at": ctx.now().isoformat()}


@handler("cases.archive")
def archive(ctx, deadlines):
    """Accepted by the supervision office: archived (办结归档)."""
    now = ctx.now()
    ctx.notices.send(f"批示件{_title(ctx)}已审核通过并办结归档", unit_id=ctx.data["lead_unit_id"], role="handler")
    return {"archived_at": now.isoformat()}
