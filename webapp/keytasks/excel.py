"""The ledger's Excel file: the template, and the guarded reading of an upload into text rows."""
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook

from webapp.core.errors import AppError
from webapp.workbooks import workbook

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


class ImportRefused(AppError):
    """The file as a whole cannot be read (not the rows' problems, which the dry run lists)."""

    status = 422
    code = "import_refused"


@dataclass
class Row:
    """One line of the sheet as text, with its Excel row number and the problems found in it."""

    number: int
    cells: dict
    problems: list = field(default_factory=list)

    def __getitem__(self, column):
        return self.cells.get(column, "")


def template_file():
    return workbook(COLUMNS, TEMPLATE_ROWS, widths=WIDTHS, sheet_name=SHEET)


def read(stream):
    """The rows of an uploaded .xlsx; ImportRefused when the file itself is unfit.

    As the organisation import: the zip directory is checked before openpyxl opens it, openpyxl reads streaming
    and never evaluates a formula (a cell holding one is a row problem), reading stops past the row limit.
    """
    try:
        with zipfile.ZipFile(stream) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRefused("无法读取该文件：请上传由模板填写的 .xlsx 文件。") from exc
    if len(members) > 1000 or sum(m.file_size for m in members) > MAX_UNPACKED:
        raise ImportRefused("文件解压后过大，拒绝读取。")
    stream.seek(0)
    try:
        book = load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        raise ImportRefused("无法读取该文件：请上传由模板填写的 .xlsx 文件。") from exc
    try:
        if SHEET not in book.sheetnames:
            raise ImportRefused(f"文件缺少工作表“{SHEET}”（请使用模板）。")
        return _rows(book[SHEET])
    finally:
        book.close()


def _rows(sheet):
    lines = sheet.iter_rows(values_only=True)
    header = [_text(value) for value in next(lines, ())]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportRefused(f"工作表“{SHEET}”的表头缺少列：{'、'.join(missing)}（请使用模板）。")
    places = {c: header.index(c) for c in COLUMNS}
    rows = []
    for number, values in enumerate(lines, start=2):
        texts = {c: _text(values[i]) if i < len(values) else "" for c, i in places.items()}
        if not any(texts.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportRefused(f"工作表“{SHEET}”超过 {MAX_ROWS} 行，请分批导入。")
        row = Row(number, texts)
        for column, text in texts.items():
            if text.startswith("="):
                row.problems.append(f"{column}含公式，请只填写值")
            elif len(text) > MAX_LENGTHS[column]:
                row.problems.append(f"{column}过长（不超过 {MAX_LENGTHS[column]} 个字符）")
        rows.append(row)
    return rows


def _text(value):
    """A cell as the text it shows: numbers without a trailing .0 (序号 typed as a number), dates as dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
