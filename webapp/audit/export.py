"""The Excel export of audit entries (openpyxl, write-only: rows go to disk as they come)."""
import json
from tempfile import SpooledTemporaryFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from webapp.filters import local_dt

from .models import action_label, role_labels

HEADER = ("序号", "时间", "用户名", "姓名", "角色", "单位", "IP 地址", "操作", "操作代码", "对象类型", "对象编号",
          "摘要", "详情", "哈希")
WIDTHS = (8, 20, 14, 12, 16, 22, 15, 14, 20, 10, 10, 50, 50, 20)
CELL_MAX = 32767  # Excel's limit for the text of one cell
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(sheet, value):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_MAX]
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text: a summary starting with "=" is never a formula
    return cell


def workbook(rows):
    """An .xlsx file (a seekable file object at position 0) with one line per audit entry row."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append(HEADER)
    for row in rows:
        detail = "" if row.detail is None else json.dumps(row.detail, ensure_ascii=False, sort_keys=True)
        values = (row.seq, local_dt(row.event_dt, "%Y-%m-%d %H:%M:%S"), row.username, row.user_name,
                  role_labels(row.role), row.unit_name, row.ip or "", action_label(row.action), row.action,
                  row.target_type or "", row.target_id or "", row.summary, detail, row.hash)
        sheet.append([_cell(sheet, value) for value in values])
    out = SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115  (the response closes it)
    book.save(out)
    out.seek(0)
    return out
