"""A signed 督查通报 in the layout of an official circular: the red header 督查通报, the 期号, the office that prints
it and the date, the secrecy mark, the text and the tables, the 报/送/发 lines. Built once from the frozen row; the
HTML print page and the PDF both render it (the tests compare their text)."""
from dataclasses import dataclass, field
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from webapp.core import clock
from webapp.core.printing import BODY, HEADER, HEADING, MARK, NUMBER, para, red_rule, ruled_table
from webapp.core.roles import SECRECY_LEVELS
from webapp.engine.models import ProcessInstance
from webapp.extensions import db
from webapp.workbooks import Report

NONE = "—"
HEADING_CENTRE = HEADING.clone("issue", alignment=1)
TITLE = HEADING.clone("title", alignment=1, fontSize=15, leading=22, spaceBefore=4, spaceAfter=6)


@dataclass
class CircularSheet:
    secrecy: str
    issue: str          # 2026年第1期
    issuer: str         # 编印单位
    date: str           # 2026年7月15日
    title: str          # 关于……的通报
    blocks: list = field(default_factory=list)  # ("heading" | "text", str) or ("table", Report)
    distribution: list = field(default_factory=list)  # (报 | 送 | 发, names)


def _day(moment):
    day = moment.astimezone(clock.LOCAL_TZ).date()
    return f"{day.year}年{day.month}月{day.day}日"


def _visit_text(v):
    text = (f"{v['visit_date']}，{v['inspectors']}赴{v['lead_unit']}督办重点任务 {v['number']}“{v['title']}”："
            f"{v['findings']}")
    return text + (f"商定：{v['agreed']}" if v.get("agreed") else "")


def circular_sheet(circular):
    """What the printed circular says, from the frozen row only (never recomputed)."""
    ledger = circular.ledger
    instance = db.session.get(ProcessInstance, circular.instance_id) if circular.instance_id else None
    secrecy = SECRECY_LEVELS.get(int(instance.secrecy or 0) if instance else 0, "")
    cp = circular.checkpoint
    reports = [Report(t["title"], t["columns"], t["rows"], total=t["total"]) for t in circular.tables or []]
    blocks = [("heading", "一、总体情况"), ("text", circular.summary or circular.remark or NONE),
              ("heading", "二、分领域推进情况")]
    blocks += [("text", f"{name}：{remark}") for name, remark in circular.area_remarks or []]
    blocks += [("table", reports[0]), ("heading", "三、分牵头单位报送情况"), ("table", reports[1])] if reports else []
    blocks.append(("heading", "四、派人督办情况"))
    blocks += [("text", _visit_text(v)) for v in circular.visits or []] or [("text", "本期未派人督办。")]
    blocks += [("heading", "五、下一步要求"), ("text", circular.requirements or NONE)]
    dist = circular.distribution or {}
    issue = f"{ledger.year}年第{circular.issue_no}期" if circular.issue_no else f"{ledger.year}年"
    return CircularSheet(
        secrecy=secrecy, issue=issue, issuer=ledger.unit.name, date=_day(circular.published_dt),
        title=f"关于{ledger.year}年{ledger.title}{cp.month}月{cp.day}日节点推进情况的通报", blocks=blocks,
        distribution=[(label, dist.get(key) or NONE) for label, key in (("报", "bao"), ("送", "song"), ("发", "fa"))])


def _widths(columns, width):
    first = 28 * mm
    return [first, *[(width - first) / (len(columns) - 1)] * (len(columns) - 1)]


def _figures(rows, width):
    """A circular's table: the names column wide, the figures narrow with tight padding (a heading on one line)."""
    table = ruled_table(rows, _widths(rows[0], width), header=True)
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
    return table


def circular_pdf(sheet):
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"督查通报 {sheet.issue}")
    width = doc.width
    meta = Table([[para(f"{sheet.issuer}编印", BODY), para(sheet.date, NUMBER)]], colWidths=[width / 2, width / 2])
    meta.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story = [para(f"密级：{sheet.secrecy}", MARK), Spacer(1, 3 * mm), para("督查通报", HEADER),
             para(sheet.issue, HEADING_CENTRE), meta, red_rule(), Spacer(1, 2 * mm), para(sheet.title, TITLE)]
    for kind, value in sheet.blocks:
        if kind == "heading":
            story.append(para(value, HEADING))
        elif kind == "text":
            story.append(para(value, BODY))
        else:
            rows = [value.columns, *value.rows, *([value.total] if value.rows else [])] if value.rows else [
                value.columns, ["暂无重点任务。"] + [""] * (len(value.columns) - 1)]
            story += [Spacer(1, 2 * mm), _figures(rows, width)]
    story += [Spacer(1, 8 * mm), red_rule()]
    story += [para(f"{label}：{names}", BODY) for label, names in sheet.distribution]
    story += [red_rule(), para(f"{sheet.issuer}　{sheet.date}印发", NUMBER)]
    doc.build(story)
    return buffer.getvalue()

