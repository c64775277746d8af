"""Excel exports: a report table (title, Chinese headers, rows of plain values) as an .xlsx file or download.

The rule of every report: the page and the export render the same `Report`, so the file equals the screen.
"""
from dataclasses import dataclass, field
from tempfile import SpooledTemporaryFile
from urllib.parse import quote

from flask import send_file
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CELL_MAX = 32767  # Excel's limit for the text of one cell
MIN_WIDTH, MAX_WIDTH = 8, 60
SPOOL_BYTES = 16 * 1024 * 1024  # kept in memory up to this size, then on disk


@dataclass
class Report:
    """One report table as shown: the template renders it, `report_response` writes it."""

    title: str
    columns: list
    rows: list                                  # plain cells, in column order
    links: list = field(default_factory=list)   # per row: the drill-down URL of its first cell, or None
    total: list | None = None                   # a bold last line (合计), shown only under rows
    note: str = ""
    marks: list = field(default_factory=list)   # per row: a CSS class the page highlights it with, or None

    def link(self, index):
        return self.links[index] if index < len(self.links) else None

    def mark(self, index):
        return self.marks[index] if index < len(self.marks) else None


def text_cell(value):
    """A value as a cell takes it: text loses the characters Excel refuses and is cut at Excel's limit."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_MAX]
    return value


def display_width(value):
    """Columns fit their widest text; a CJK character is about two Latin ones wide."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def fitted_widths(columns, lines):
    """Each column's width from its header and its widest cell, within sensible bounds."""
    widths = [display_width(name) for name in columns]
    for line in lines:
        for index, value in enumerate(line[:len(widths)]):
            widths[index] = max(widths[index], display_width(value))
    return [min(MAX_WIDTH, max(MIN_WIDTH, width + 2)) for width in widths]


def _cell(sheet, value, bold=False):
    value = text_cell(value)
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text: a value starting with "=" is never a formula
    if bold:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    return cell


def workbook(columns, rows, title=None, total=None, widths=None, sheet_name=None):
    """An .xlsx file object at position 0: an optional title line, the bold frozen header, the rows, an optional
    bold total line.

    Without `widths` the columns fit their text (the rows are read once more for that); with fixed `widths` the
    rows are streamed, so a long export (the audit log) never sits in memory.
    """
    return sheets_workbook([(sheet_name or title or "Sheet1", columns, rows, widths)], title=title, total=total)


def sheets_workbook(sheets, title=None, total=None):
    """An .xlsx file object at position 0 with one sheet per `(name, columns, rows, widths)`, each written as
    `workbook` writes its one sheet (a file read back by an import: units and users side by side)."""
    book = Workbook(write_only=True)
    for name, columns, rows, widths in sheets:
        _write_sheet(book, name, columns, rows, title, total, widths)
    out = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  (the response closes it)
    book.save(out)
    out.seek(0)
    return out


def _write_sheet(book, name, columns, rows, title, total, widths):
    if widths is None:
        rows = list(rows)
        widths = fitted_widths(columns, [*rows, *([total] if total is not None else [])])
    sheet = book.create_sheet(name[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = 2 if title else 1
    sheet.freeze_panes = f"A{header_row + 1}"
    if title:
        heading = _cell(sheet, title)
        heading.font = Font(bold=True, size=14)
        sheet.append([heading])
    sheet.append([_cell(sheet, column, bold=True) for column in columns])
    for line in rows:
        sheet.append([_cell(sheet, value) for value in line])
    if total is not None:
        sheet.append([_cell(sheet, value, bold=True) for value in total])


def content_disposition(filename):
    """An attachment header that keeps a Chinese file name (RFC 5987), with an ASCII fallback."""
    suffix = filename[filename.rfind("."):] if "." in filename else ""
    return f"attachment; filename=\"export{suffix}\"; filename*=UTF-8''{quote(filename)}"


def file_response(data, filename):
    """An .xlsx file object as a download named `filename` (Chinese allowed)."""
    response = send_file(data, mimetype=XLSX, as_attachment=True, download_name=filename)
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response


def xlsx_response(title, columns, rows, filename, total=None, sheet_name=None):
    """A table as a downloaded .xlsx named `filename`."""
    return file_response(workbook(columns, rows, title=title, total=total, sheet_name=sheet_name), filename)


def report_response(report, filename=None):
    """A `Report` as the page shows it, downloaded as `filename` (by default its title)."""
    total = report.total if report.rows else None  # the page shows no total under an empty table either
    return xlsx_response(report.title, report.columns, report.rows, filename or f"{report.title}.xlsx", total=total)


def percent(part, whole):
    """A rate as a report cell shows it: one decimal, or a dash when there is nothing to divide by."""
    return f"{part / whole * 100:.1f}%" if whole else "—"
