"""A sheet as an A4 PDF (reportlab with its built-in Chinese font, as the circular): the same text as the HTML page."""
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from webapp.core.fonts import FONT  # registers the CID font once

RED = colors.HexColor("#c00000")
MARK = ParagraphStyle("mark", fontName=FONT, fontSize=11, leading=15)
HEADER = ParagraphStyle("header", fontName=FONT, fontSize=24, leading=32, alignment=1, textColor=RED)
ISSUER = ParagraphStyle("issuer", fontName=FONT, fontSize=12, leading=16, alignment=1, textColor=RED)
NUMBER = ParagraphStyle("number", fontName=FONT, fontSize=10.5, leading=14, alignment=2)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=12, leading=17, spaceBefore=6, spaceAfter=3)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12)
FOOT = ParagraphStyle("foot", fontName=FONT, fontSize=8.5, leading=11, textColor=colors.grey)
GRID = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]


def _p(text, style=CELL):
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows, widths, header=False):
    table = Table([[_p(c) for c in row] for row in rows], colWidths=widths, repeatRows=1 if header else 0)
    style = list(GRID)
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")))
    table.setStyle(TableStyle(style))
    return table


def sheet_pdf(sheet):
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"{sheet.title} {sheet.number}")
    width = doc.width
    story = [_p(f"密级：{sheet.secrecy}", MARK), _p(f"紧急程度：{sheet.urgency}", MARK), Spacer(1, 3 * mm),
             _p(sheet.issuer, ISSUER), _p(sheet.title, HEADER),
             HRFlowable(width="100%", thickness=1.5, color=RED, spaceBefore=2, spaceAfter=4),
             _p(f"编号：{sheet.number}", NUMBER), Spacer(1, 2 * mm),
             _table([[label, value] for label, value in sheet.fields], [28 * mm, width - 28 * mm])]
    for heading, text in sheet.sections:
        story += [_p(heading, HEADING), _p(text, BODY)]
    for grid in sheet.grids:
        share = width / sum(3 if c in ("内容", "单位", "到达时间") else 2 for c in grid.columns)
        widths = [share * (3 if c in ("内容", "单位", "到达时间") else 2) for c in grid.columns]
        story += [_p(grid.title, HEADING), _table([grid.columns, *grid.rows], widths, header=True)]
    story.append(_p("办理意见", HEADING))
    rows = [[o.step, o.decision, o.text, o.name, o.role, o.time] for o in sheet.opinions] or [["—"] * 6]
    story.append(_table([["环节", "结果", "意见", "姓名", "职务/单位", "时间"], *rows],
                        [w * width for w in (0.13, 0.09, 0.3, 0.12, 0.2, 0.16)], header=True))
    story.append(Spacer(1, 10 * mm))
    signs = Table([[_p(f"{label}（签字）：", BODY), "", _p("日期：", BODY), ""] for label in sheet.signatures],
                  colWidths=[40 * mm, width / 2 - 40 * mm, 15 * mm, width / 2 - 15 * mm], rowHeights=12 * mm)
    signs.setStyle(TableStyle([("LINEBELOW", (1, 0), (1, -1), 0.5, colors.black),
                               ("LINEBELOW", (3, 0), (3, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    story += [signs, Spacer(1, 6 * mm), _p(f"打印时间：{sheet.printed}", FOOT)]
    doc.build(story)
    return buffer.getvalue()
