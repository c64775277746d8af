"""Service tasks of emergency information (紧急信息): the chain of levels, arrivals, escalation, follow-ups."""
from datetime import datetime

from . import handler

HOP_TEXT = {"report": "报送", "relay": "报送", "written": "补报文字稿"}


def _title(ctx):
    return f"紧急信息《{ctx.data.get('title') or '紧急信息'}》"


def _link(ctx):
    return ctx.emergencies.emergency_link(ctx.data.get("emergency_id"), instance_id=ctx.instance_id)


@handler("emergency.plan")
def plan(ctx, unit_id, event_at, phone=None):
    """The levels the report must reach with their limits counted from the event time, and the first hop."""
    return ctx.emergencies.plan(unit_id, event_at, phone)


@handler("emergency.submit")
def submit(ctx, relay):
    """The reporting unit's report reaches its first level (routed to the information or the duty office)."""
    return ctx.emergencies.arrive(relay, advance=False)


@handler("emergency.relay")
def relay_up(ctx, relay):
    """A receiving level relays the report to the next level up (the province's relay reaches the centre)."""
    return ctx.emergencies.arrive(relay, advance=True)


@handler("emergency.escalate")
def escalate(ctx, relay, kind):
    """Before a limit (`warn`) and at it (`overdue`): the sending unit's leader and the receiving offices hear."""
    hop = relay["hop"]
    target = relay["chain"][hop["level"] + (1 if hop["kind"] == "relay" else 0)]
    due = ctx.emergencies.local_text(hop["due_at"])
    if kind == "warn" and ctx.now() >= datetime.fromisoformat(hop["due_at"]):
        return {"skipped": "already past the limit"}
    what = HOP_TEXT[hop["kind"]] + (f"至{target['label']}级" if hop["kind"] != "written" else "")
    if kind == "warn":
        title, level = f"{_title(ctx)}{what}时限将至（{due}）", "warning"
    else:
        title, level = f"{_title(ctx)}已超过{what}时限（{due}）", "danger"
    event = ctx.emergencies.local_text(ctx.data.get("event_at"))
    body = f"事件发生时间：{event}；请立即报送，迟报将记入本单位报送记录。"
    link = _link(ctx)
    ctx.notices.send(title, unit_id=hop["unit_id"], role="leader", body=body, link=link, level=level)
    ctx.notices.send(title, unit_id=hop["unit_id"], role="writer", body=body, link=link, level=level)
    if hop["kind"] == "relay":
        ctx.notices.send(title, unit_id=hop["office_unit_id"], role="duty" if hop["route"] == "duty" else "editor",
                         body=body, link=link, level=level)
    if target["unit_id"] is not None:
        for unit_id, role in ctx.emergencies.offices(target["unit_id"]):
            ctx.notices.send(title, unit_id=unit_id, role=role, body=body, link=link, level=level)
    return {"kind": kind, "at": ctx.now().isoformat(), "due_at": hop["due_at"]}


@handler("emergency.log_shortcut")
def log_shortcut(ctx, hop, reason):
    """核签 skipped to win time: kept in the history, with the reason, for whoever checks later."""
    step = "本单位值班领导核签" if hop["kind"] != "relay" else f"{hop.get('office_name', '')}值班领导核签"
    ctx.history.record("shortcut", step_label=f"越过{step}", opinion=reason, data={"hop": hop["kind"]})
    return {"reason": reason, "at": ctx.now().isoformat()}


@handler("emergency.deliver_followup")
def deliver_followup(ctx, emergency_id, kind):
    """A 续报/终报 reaches every office that holds the first report."""
    label = "终报" if kind == "final" else "续报"
    link = ctx.emergencies.emergency_link(emergency_id)
    for unit_id, role in ctx.emergencies.reached_offices(emergency_id):
        ctx.notices.send(f"{_title(ctx)}收到{label}", unit_id=unit_id, role=role, link=link,
                         level="warning" if kind == "final" else "info")
    return {"delivered_at": ctx.now().isoformat(), "kind": kind}


@handler("emergency.request_overdue")
def request_overdue(ctx, emergency_id, request_due_at):
    """The upper office's request for a follow-up passed its deadline unanswered."""
    title = f"{_title(ctx)}要求的续报已逾期（{ctx.emergencies.local_text(request_due_at)}）"
    link = ctx.emergencies.emergency_link(emergency_id)
    ctx.notices.send(title, unit_id=ctx.data["unit_id"], role="leader", link=link, level="danger")
    ctx.notices.send(title, unit_id=ctx.data["unit_id"], role="writer", link=link, level="danger")
    if ctx.data.get("requested_by_id"):
        ctx.notices.send(title, user_id=ctx.data["requested_by_id"], link=link, level="danger")
    return {"overdue_at": ctx.now().isoformat()}
