"""A sheet as an A4 PDF (reportlab with its built-in Chinese font, as the circular): the same text as the HTML page."""
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from webapp.core.printing import BODY, FOOT, HEADER, HEADING, ISSUER, MARK, NUMBER, red_rule
from webapp.core.printing import para as _p
from webapp.core.printing import ruled_table as _table


def sheet_pdf(sheet):
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"{sheet.title} {sheet.number}")
    width = doc.width
    story = [_p(f"密级：{sheet.secrecy}", MARK), _p(f"紧急程度：{sheet.urgency}", MARK), Spacer(1, 3 * mm),
             _p(sheet.issuer, ISSUER), _p(sheet.title, HEADER),
             red_rule(),
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
