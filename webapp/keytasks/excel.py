"""The ledger's Excel file: the template, and the guarded reading of an upload into text rows."""
from webapp.workbooks import workbook
from webapp.xlsx_import import ImportRefused, Row, opened, require_sheets, sheet_rows

__all__ = ["ImportRefused", "Row", "read", "template_file"]

SHEET = "重点任务"
COLUMNS = ("领域", "序号", "重点任务", "责任领导", "牵头单位", "配合单位", "目标任务", "节点安排")
WIDTHS = (16, 8, 40, 16, 24, 36, 50, 60)
MAX_LENGTHS = {"领域": 100, "序号": 16, "重点任务": 300, "责任领导": 100, "牵头单位": 128, "配合单位": 2000,
               "目标任务": 5000, "节点安排": 5000}
TEMPLATE_ROWS = [("经济发展", "1", "推进产业园区扩容提质", "副市长 张某", "a县委办公室", "b县委办公室",
                  "新增入园企业 20 家，产值增长 15%", "2026-06-30 完成园区规划修编；2026-12-31 新增入园企业 20 家")]
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024
MAX_ROWS = 2000


def template_file():
    return workbook(COLUMNS, TEMPLATE_ROWS, widths=WIDTHS, sheet_name=SHEET)


def read(stream):
    """The rows of an uploaded .xlsx; ImportRefused when the file itself is unfit (`webapp/xlsx_import.py`)."""
    with opened(stream, MAX_UNPACKED) as book:
        require_sheets(book, (SHEET,))
        return sheet_rows(book[SHEET], SHEET, COLUMNS, MAX_ROWS, MAX_LENGTHS)
