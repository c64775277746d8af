"""Service tasks of the information-report process (信息报送)."""
from . import HandlerError, handler


@handler("reports.submit_upward")
def submit_upward(ctx, unit_id, report_to=None):
    """Route a signed-off item to the parent unit's information office, or to the higher office the unit is a
    直报点 of when the writer chose it (`report_to`), and acknowledge it (来稿回音)."""
    target = ctx.org.report_target(unit_id, report_to)
    if target is None:
        raise HandlerError(f"单位 {unit_id} 没有上级信息部门，无法上报")
    now = ctx.now()
    return {
        "target_unit_id": target["id"],
        "target_unit_name": target["name"],
        "submitted_at": now.isoformat(),
        "receipt_no": f"LG{now:%Y%m%d}-{ctx.instance_id:06d}",
    }


@handler("reports.record_feedback")
def record_feedback(ctx, decision, publication=None, remark=""):
    """Summarise the editor's decision as the feedback the writer and unit receive (反馈)."""
    labels = {"adopt": "采用", "reject": "不采用", "return": "退回修改", "merge": "综合"}
    summary = labels.get(decision, decision)
    if decision == "adopt" and publication:
        summary = f"采用于《{publication}》"
    elif decision == "merge" and remark:
        summary = remark  # 已综合入《…》
    writer = ctx.data.get("author_id")
    recipient = {"user_id": writer} if writer else {"role": "writer", "unit_id": ctx.data.get("unit_id")}
    message = f"信息已反馈：《{ctx.data.get('title') or '信息'}》{summary}"
    level = "warning" if decision == "return" else "info"
    ctx.notices.send(message, body=f"编辑意见：{remark}" if remark else "", link=f"/items/{ctx.instance_id}",
                     level=level, **recipient)
    origin_author = ctx.data.get("origin_author_id")
    if ctx.data.get("forwarded") and origin_author and decision != "return":  # 转报: the first writer hears too
        office = (ctx.data.get("upward") or {}).get("target_unit_name") or "上级"
        ctx.notices.send(f"转报信息已反馈：《{ctx.data.get('title') or '信息'}》经转报，{office}{summary}",
                         link=f"/items/{ctx.instance_id}", level=level, user_id=origin_author)
    return {
        "feedback_at": ctx.now().isoformat(),
        "decision": decision,
        "publication": publication if decision == "adopt" else None,
        "remark": remark,
        "summary": summary,
    }
