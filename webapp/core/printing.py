"""The parts every printed PDF shares (the sheets, the 督查通报): styles in the CID font, a paragraph, a ruled table,
the red header with its rule. A PDF built from them says what its HTML page says (the tests compare the text)."""
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import HRFlowable, Paragraph, Table, TableStyle

from .fonts import FONT  # registers the CID font once

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


def para(text, style=CELL):
    """A paragraph of plain text (escaped; its new lines kept)."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def ruled_table(rows, widths, header=False):
    """Every cell a paragraph inside a full grid; the header row shaded and repeated on each page."""
    table = Table([[para(c) for c in row] for row in rows], colWidths=widths, repeatRows=1 if header else 0)
    style = list(GRID)
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")))
    table.setStyle(TableStyle(style))
    return table


def red_rule():
    return HRFlowable(width="100%", thickness=1.5, color=RED, spaceBefore=2, spaceAfter=4)
