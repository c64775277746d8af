"""The circular as a PDF (reportlab, its built-in Chinese font STSong-Light: no font file to ship)."""
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from webapp.core.fonts import FONT


def table_pdf(title, subtitle, columns, rows, remark=""):
    """A landscape A4 document: title, subtitle, the table with its header repeated on every page, a remark."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=title)
    heading = ParagraphStyle("heading", fontName=FONT, fontSize=16, leading=22, alignment=1)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9.5)
    data = [[Paragraph(str(c), cell) for c in columns]]
    data += [[Paragraph("" if v is None else str(v), cell) for v in row] for row in rows]
    widths = [_width(i, columns) for i in range(len(columns))]
    scale = (doc.width) / sum(widths)
    table = Table(data, colWidths=[w * scale for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story = [Paragraph(title, heading), Paragraph(subtitle, body), Spacer(1, 4 * mm), table]
    if remark:
        story += [Spacer(1, 4 * mm), Paragraph(remark, body)]
    doc.build(story)
    return buffer.getvalue()


def _width(index, columns):
    """Relative widths: the unit name and the remark wide, figures narrow."""
    name = columns[index]
    if name in ("单位",):
        return 5
    if name in ("备注", "批示"):
        return 3.5
    return 1.4
