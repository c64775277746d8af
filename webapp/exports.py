"""Excel exports of report tables: what the screen shows, with Chinese headers and sensible column widths."""
from tempfile import SpooledTemporaryFile
from urllib.parse import quote

from flask import send_file
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CELL_MAX = 32767  # Excel's limit for the text of one cell
MAX_WIDTH = 60


def text_cell(value):
    """A value as a cell takes it: text loses the characters Excel refuses and stays text (see `workbook`)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_MAX]
    return value


def display_width(value):
    """Columns fit their widest text; a CJK character is about two Latin ones wide."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def workbook(title, columns, rows, sheet_name=None, total=None):
    """An .xlsx file object at position 0: a title line, the bold header (frozen), the rows, an optional total.

    Text cells are typed as strings, so a value starting with "=" is never a formula.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = (sheet_name or title)[:31]
    sheet.append([text_cell(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    if len(columns) > 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet.append(list(columns))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    lines = [*rows, *([total] if total is not None else [])]
    for line in lines:
        sheet.append([text_cell(v) for v in line])
    for line in sheet.iter_rows(min_row=3):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    if total is not None:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for index, name in enumerate(columns, start=1):
        widest = max([display_width(name), *(display_width(line[index - 1]) for line in lines)])
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(8, widest + 2))
    sheet.freeze_panes = "A3"
    out = SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  (the response closes it)
    book.save(out)
    out.seek(0)
    return out


def content_disposition(filename):
    """An attachment header that keeps a Chinese file name (RFC 5987), with an ASCII fallback."""
    return f"attachment; filename=\"export{_suffix(filename)}\"; filename*=UTF-8''{quote(filename)}"


def _suffix(filename):
    return filename[filename.rfind("."):] if "." in filename else ""


def xlsx_response(title, columns, rows, filename, total=None, sheet_name=None):
    """The table as a downloaded .xlsx named `filename`."""
    response = send_file(workbook(title, columns, rows, sheet_name, total), mimetype=XLSX, as_attachment=True,
                         download_name=filename)
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response

