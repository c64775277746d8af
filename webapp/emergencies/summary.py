"""The monthly emergency summary as a table of display values: the page renders it, the Excel file writes it."""
from dataclasses import dataclass

from webapp import workbooks

HEADER = ("单位", "报告数", "按时", "迟报次数", "迟报分钟合计", "漏报", "瞒报", "电话补录", "及时率")
WIDTHS = (30, 10, 10, 12, 16, 10, 10, 12, 12)
XLSX = workbooks.XLSX


@dataclass
class SummaryTable:
    rows: list  # (unit, cells) per unit; cells as shown, in HEADER order
    total: tuple
    header: tuple = HEADER


def timeliness_text(on_time, reported):
    """及时率 as shown: one decimal, or a dash with no report."""
    return f"{on_time / reported:.1%}" if reported else "—"


def _cells(name, reported, on_time, late, late_minutes, missed, concealed, backfilled):
    return (name, reported, on_time, late, late_minutes, missed, concealed, backfilled,
            timeliness_text(on_time, reported))


def summary_table(summaries):
    """The rows of queries.monthly_summary with a 合计 line, as the page and the workbook show them."""
    rows = [(s.unit, _cells(s.unit.name, s.reported, s.on_time, s.late, s.late_minutes, s.missed, s.concealed,
                            s.backfilled))
            for s in summaries]
    sums = [sum(cells[i] for _, cells in rows) for i in range(1, 8)]
    return SummaryTable(rows=rows, total=_cells("合计", *sums))


def workbook(table, title):
    """An .xlsx file (a file object at position 0): a title line, the header, one line per unit, the total."""
    return workbooks.workbook(table.header, [cells for _unit, cells in table.rows], title=title, total=table.total,
                            widths=WIDTHS, sheet_name="紧急信息报送情况")
