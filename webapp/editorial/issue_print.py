"""A signed issue in the layout of a Chinese internal publication: the secrecy and urgency marks, the red 报头, the
期号, the office that prints it and the date, the items with their 编者按, the 报/送/发 lines. Built once from the
frozen row; the HTML print page and the PDF both render it (the tests compare their text)."""
from dataclasses import dataclass, field
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from webapp.core import clock
from webapp.core.printing import BODY, HEADER, HEADING, MARK, NUMBER, para, red_rule
from webapp.core.roles import SECRECY_LEVELS, URGENCY_LEVELS

NONE = "—"
ISSUE_NO = HEADING.clone("issue-no", alignment=1)
HEADLINE = HEADING.clone("headline", alignment=1, fontSize=14, leading=20, spaceBefore=8, spaceAfter=4)
SOURCE = BODY.clone("source", alignment=2)


@dataclass
class IssueSheet:
    secrecy: str
    urgency: str
    masthead: str       # 临江信息
    issue: str          # 2026年第37期
    issuer: str         # 编印单位
    date: str           # 2026年7月15日
    entries: list = field(default_factory=list)  # (headline, 编者按 or "", text, reporting unit)
    distribution: list = field(default_factory=list)  # (报 | 送 | 发, names)


def _day(moment):
    day = moment.astimezone(clock.LOCAL_TZ).date()
    return f"{day.year}年{day.month}月{day.day}日"


def issue_sheet(issue):
    """What the printed issue says, from the frozen row only."""
    publication = issue.publication
    dist = issue.distribution or {}
    return IssueSheet(
        secrecy=SECRECY_LEVELS.get(issue.secrecy, ""), urgency=URGENCY_LEVELS.get(issue.urgency, ""),
        masthead=issue.masthead or publication.name, issue=f"{issue.year}年第{issue.number}期",
        issuer=issue.issuer or publication.unit.name,
        date=_day(issue.signed_dt),
        entries=[(e.headline, e.note, e.body or "", e.unit_name or "") for e in issue.entries],
        distribution=[(label, dist.get(key) or NONE) for label, key in (("报", "bao"), ("送", "song"), ("发", "fa"))])


def issue_pdf(sheet):
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"{sheet.masthead} {sheet.issue}")
    width = doc.width
    meta = Table([[para(f"{sheet.issuer}编印", BODY), para(sheet.date, NUMBER)]], colWidths=[width / 2, width / 2])
    meta.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story = [para(f"密级：{sheet.secrecy}", MARK), para(f"紧急程度：{sheet.urgency}", MARK), Spacer(1, 3 * mm),
             para(sheet.masthead, HEADER), para(sheet.issue, ISSUE_NO), meta, red_rule()]
    for headline, note, text, unit in sheet.entries:
        story.append(para(headline, HEADLINE))
        if note:
            story.append(para(f"编者按：{note}", BODY))
        story += [para(text, BODY), para(f"（{unit}报送）", SOURCE)]
    story += [Spacer(1, 8 * mm), red_rule()]
    story += [para(f"{label}：{names}", BODY) for label, names in sheet.distribution]
    story += [red_rule(), para(f"{sheet.issuer}　{sheet.date}印发", NUMBER)]
    doc.build(story)
    return buffer.getvalue()
