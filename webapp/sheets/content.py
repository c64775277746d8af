"""What each sheet says, built once from the projected rows: the HTML page and the PDF both render it."""
from dataclasses import dataclass, field

from webapp.cases import queries as case_queries
from webapp.core import clock
from webapp.core.formats import DECISIONS, local_dt
from webapp.core.roles import IMPORTANCE_LEVELS, ROLES, SECRECY_LEVELS, URGENCY_LEVELS
from webapp.emergencies import queries as emergency_queries
from webapp.reports import queries as report_queries

# The history actions that are a step's decision: each is one line of the opinion table.
OPINION_ACTIONS = ("complete", "return", "withdraw", "transfer", "shortcut", "phone")
NONE = "—"


@dataclass
class Opinion:
    step: str
    decision: str
    text: str
    name: str
    role: str
    time: str


@dataclass
class Grid:
    """A table printed inside the sheet (an emergency's levels, a case's reports)."""
    title: str
    columns: list
    rows: list


@dataclass
class Sheet:
    kind: str                  # item | case-supervision | case-report | emergency
    title: str                 # the red header, e.g. 信息处理笺
    issuer: str                # the unit named above the header
    number: str
    secrecy: str
    urgency: str
    fields: list               # (label, value) pairs, value plain text
    sections: list = field(default_factory=list)   # (heading, text)
    grids: list = field(default_factory=list)
    opinions: list = field(default_factory=list)
    signatures: list = field(default_factory=list)  # labels of the lines signed by hand
    printed: str = ""


def _opinions(events):
    rows = []
    for e in events:
        if e.action not in OPINION_ACTIONS or e.actor is None:
            continue
        chosen = (e.data or {}).get("decision")
        decision = (DECISIONS.get(chosen, chosen) if chosen else "提交") if e.action == "complete" else e.action_label
        rows.append(Opinion(step=e.step_label or e.action_label, decision=decision,
                            text=(e.opinion or "").strip() or NONE, name=e.actor.name,
                            role=_role(e),
                            time=local_dt(e.event_dt)))
    return rows


def _role(event):
    """「办公室主任（a县委办公室）」: STSong-Light has no middle dot, so the sheets separate with brackets."""
    role = ROLES.get(event.actor_role, event.actor_role or "")
    return f"{role}（{event.actor.unit.name}）" if role else event.actor.unit.name


def _marks(obj):
    return SECRECY_LEVELS.get(int(obj.secrecy or 0), ""), URGENCY_LEVELS.get(obj.urgency, obj.urgency or "")


def _printed():
    return local_dt(clock.now())


def item_sheet(item):
    """信息处理笺: the item as written, then every step's opinion, signed by the writer, the verifier and the leader."""
    secrecy, urgency = _marks(item)
    fields = [("标题", item.title), ("报送单位", item.unit.name), ("信息员", item.author.name),
              ("信息类别", f"{IMPORTANCE_LEVELS.get(item.importance, item.importance)}，{item.category or NONE}"),
              ("事件时间", local_dt(item.event_dt) or NONE), ("当前状态", item.status_label)]
    if item.receipt_no:
        receipt = f"已报送{item.target_unit.name}，收稿编号 {item.receipt_no}（{local_dt(item.submitted_dt)}）"
        fields.append(("来稿回音", receipt))
    if item.outcome:
        outcome = item.OUTCOME_LABELS[item.outcome] + (f"，刊发于《{item.publication}》" if item.publication else "")
        fields.append(("反馈", outcome + (f"；编辑意见：{item.editor_remark}" if item.editor_remark else "")))
    return Sheet(kind="item", title="信息处理笺", issuer=item.unit.name, number=item.receipt_no or f"XX-{item.id:06d}",
                 secrecy=secrecy, urgency=urgency, fields=fields, sections=[("正文", item.body or NONE)],
                 opinions=_opinions(report_queries.history(item)), signatures=["拟稿人", "核稿人", "签发人"],
                 printed=_printed())


def _case_fields(case):
    assist = "、".join(u.name for u in case_queries.assist_units(case)) or NONE
    due = local_dt(case.due_dt) if case.due_dt else "期限待定"
    if case.extensions:
        due += f"（原期限 {local_dt(case.original_due_dt)}，已延期 {len(case.extensions)} 次）"
    return [("标题", case.title), ("批示领导", f"{case.source_leader}（{case.level_label}）" if case.level
                                                 else case.source_leader),
            ("批示日期", case.instruction_date.isoformat() if case.instruction_date else NONE),
            ("督办单位", case.unit.name), ("牵头承办", case.lead_unit.name if case.lead_unit else NONE),
            ("协办单位", assist), ("办理期限", due), ("当前环节", case.stage_label)]


def case_supervision_sheet(case):
    """批示件督办单: the instruction and what the 督查室 requires, sent with the case to its handling unit."""
    secrecy, urgency = _marks(case)
    sections = [("批示内容", case.instruction or NONE), ("交办要求", case.requirements or NONE)]
    if case.rule_text:
        sections.append(("期限规则", case.rule_text))
    events = [e for e in case_queries.history(case) if e.step_key != "handle"]
    return Sheet(kind="case-supervision", title="批示件督办单", issuer=case.unit.name, number=case.case_no,
                 secrecy=secrecy, urgency=urgency, fields=_case_fields(case), sections=sections,
                 opinions=_opinions(events), signatures=["督查室负责人", "经办人"], printed=_printed())


def case_report_sheet(case):
    """办理情况报告单: the handling unit's progress and closing reports, signed by its leader."""
    secrecy, urgency = _marks(case)
    rows = []
    for r in case_queries.reports(case):
        d = r.data or {}
        text = d.get("progress") or d.get("report") or ""
        if d.get("decision") == "extension":
            text = f"申请延至 {d.get('extend_until')}：{d.get('extension_reason', '')}"
        if d.get("doc_no"):
            text += f"（文号：{d['doc_no']}）"
        rows.append([local_dt(r.event_dt), DECISIONS.get(d.get("decision"), d.get("decision") or NONE),
                     text or NONE, r.actor.name if r.actor else NONE])
    grid = Grid("办理情况", ["时间", "类型", "内容", "经办人"], rows or [[NONE, NONE, "尚无办理反馈", NONE]])
    closed = (local_dt(case.closed_dt) + ("（按期）" if case.closed_on_time else "（超期办结）")) if case.closed_dt \
        else "未办结"
    fields = [*_case_fields(case), ("办结情况", closed)]
    events = [e for e in case_queries.history(case) if e.step_key not in ("register", "assign")]
    issuer = case.lead_unit.name if case.lead_unit else case.unit.name
    return Sheet(kind="case-report", title="办理情况报告单", issuer=issuer, number=case.case_no,
                 secrecy=secrecy, urgency=urgency, fields=fields, sections=[("批示内容", case.instruction or NONE)],
                 grids=[grid], opinions=_opinions(events),
                 signatures=["承办单位负责人", "经办人"], printed=_printed())


def _level_state(e, lv):
    if lv.late_minutes:
        return f"迟报 {lv.late_minutes} 分钟"
    if lv.reached_dt:
        return "按时"
    if e.status == "held":
        return "本级掌握，未上报"
    return "未到达"


def emergency_sheet(e):
    """紧急信息报送单: the report, each level's limit and arrival, who signed it and who received it."""
    secrecy, urgency = _marks(e)
    mode = "先电话后文字" if e.mode == "phone" else "书面报告"
    fields = [("标题", e.title), ("报告单位", e.unit.name), ("事件发生时间", local_dt(e.event_dt)),
              ("地点", e.place or NONE), ("报告方式", mode + (f"（{e.reporter.name}）" if e.reporter else "")),
              ("当前状态", e.status_label)]
    if e.mode == "phone":
        fields.append(("电话报告", f"{e.phone_caller or NONE} {local_dt(e.phone_dt)} 来电：{e.phone_summary or NONE}"))
    sections = [("事件经过", e.summary or NONE), ("伤亡及影响", e.casualties or NONE),
                ("已采取措施", e.measures or NONE)]
    rows = []
    for lv in e.levels:
        limit = f"事件后 {lv.limit_hours:g} 小时" if lv.limit_hours else NONE
        due = local_dt(lv.due_dt) if lv.due_dt else "按上一级时限"
        reached = f"{local_dt(lv.reached_dt)}（{'电话' if lv.reached_via == 'phone' else '书面'}）" if lv.reached_dt \
            else NONE
        rows.append([lv.label, lv.unit_name or NONE, limit, due, reached, _level_state(e, lv)])
    grid = Grid("各级报送时限", ["级别", "单位", "时限", "截止时间", "到达时间", "情况"], rows)
    return Sheet(kind="emergency", title="紧急信息报送单", issuer=e.unit.name, number=f"JJ-{e.id:06d}",
                 secrecy=secrecy, urgency=urgency, fields=fields, sections=sections, grids=[grid],
                 opinions=_opinions(emergency_queries.history(e)), signatures=["报告人", "值班领导（核签）", "接报人"],
                 printed=_printed())
