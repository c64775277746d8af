"""The monthly emergency summary as a table of display values: the page renders it, the Excel file writes it."""
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HEADER = ("单位", "报告数", "按时", "迟报次数", "迟报分钟合计", "漏报", "瞒报", "及时率")
WIDTHS = (30, 10, 10, 12, 16, 10, 10, 12)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class SummaryTable:
    rows: list  # (unit, cells) per unit; cells as shown, in HEADER order
    total: tuple
    header: tuple = HEADER


def timeliness_text(on_time, reported):
    """及时率 as shown: one decimal, or a dash with no report."""
    return f"{on_time / reported:.1%}" if reported else "—"


def _cells(name, reported, on_time, late, late_minutes, missed, concealed):
    return (name, reported, on_time, late, late_minutes, missed, concealed, timeliness_text(on_time, reported))


def summary_table(summaries):
    """The rows of queries.monthly_summary with a 合计 line, as the page and the workbook show them."""
    rows = [(s.unit, _cells(s.unit.name, s.reported, s.on_time, s.late, s.late_minutes, s.missed, s.concealed))
            for s in summaries]
    sums = [sum(cells[i] for _, cells in rows) for i in range(1, 7)]
    return SummaryTable(rows=rows, total=_cells("合计", *sums))


def workbook(table, title):
    """An .xlsx file (a file object at position 0): a title line, the header, one line per unit, the total."""
    book = Workbook()
    sheet = book.active
    sheet.title = "紧急信息报送情况"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(list(table.header))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for _unit, cells in table.rows:
        sheet.append(list(cells))
    sheet.append(list(table.total))
    for line in sheet.iter_rows(min_row=3):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a unit's name is text, never a formula
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    out = SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115  (the response closes it)
    book.save(out)
    out.seek(0)
    return out
