"""Service tasks of a key task's checkpoint report (重点任务进展报送): reminder, overdue marking, acceptance."""
from . import handler


def _title(ctx):
    return f"《{ctx.data.get('title') or '重点任务进展'}》"


@handler("keytasks.remind")
def remind(ctx, due_at):
    """The checkpoint is near and the lead unit has not reported: remind it (the task turns yellow)."""
    if "report" in ctx.history.open_steps():
        ctx.notices.send(f"{_title(ctx)}将于 {due_at[:10]} 截止报送，请抓紧报送进展", unit_id=ctx.data["lead_unit_id"],
                         role="handler", level="warning")
    return {"reminded_at": ctx.now().isoformat()}


@handler("keytasks.overdue")
def overdue(ctx, due_at):
    """The checkpoint passed: unreported, the report is marked overdue (red) and the 督查室 and the unit told."""
    late = "report" in ctx.history.open_steps() and ctx.history.first_completed("report") is None
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
    return {"notified_at": ctx.now().isoformat()}
