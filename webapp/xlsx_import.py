"""Reading an uploaded .xlsx into text rows, for the imports (units and users; key-task ledgers).

The file is hostile until read: the upload's name, size and zip signature are checked (`checked_upload`), its zip
directory is checked for an unpacked size within the limit before openpyxl opens it, openpyxl reads it streaming
(read_only) and never evaluates a formula (a cell holding one is a row problem), and reading stops past the row
limit. A problem of the file refuses it (`ImportRefused`); a problem of a row is listed on the row for the dry run.
"""
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook

from webapp.attachments.limits import clean_filename
from webapp.attachments.models import size_label
from webapp.core.errors import AppError

MAX_MEMBERS = 1000  # zip entries: a template has a dozen


class ImportRefused(AppError):
    """The file as a whole cannot be read (not the rows' problems, which the dry run lists)."""

    status = 422
    code = "import_refused"


@dataclass
class Row:
    """One line of a sheet as text, with its Excel row number and the problems found in it."""

    number: int
    cells: dict
    problems: list = field(default_factory=list)

    def __getitem__(self, column):
        return self.cells.get(column, "")


def checked_upload(upload, max_bytes):
    """The upload's clean name; ImportRefused unless it is a .xlsx (a zip package) within the size limit."""
    filename = clean_filename(upload.filename if upload else "")
    if not filename:
        raise ImportRefused("请选择要上传的 .xlsx 文件。")
    if not filename.lower().endswith(".xlsx"):
        raise ImportRefused("只接受 .xlsx 文件（请使用模板填写）。")
    stream = upload.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size > max_bytes:
        raise ImportRefused(f"文件过大（上限 {size_label(max_bytes)}）。")
    if stream.read(4) != b"PK\x03\x04":
        raise ImportRefused("文件内容不是 .xlsx 文件。")
    stream.seek(0)
    return filename


@contextmanager
def opened(stream, max_unpacked):
    """The workbook of `stream`, read-only and streaming, closed after the block; ImportRefused when unfit."""
    try:
        with zipfile.ZipFile(stream) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRefused("无法读取该文件：请上传由模板填写的 .xlsx 文件。") from exc
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > max_unpacked:
        raise ImportRefused("文件解压后过大，拒绝读取。")
    stream.seek(0)
    try:
        book = load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        raise ImportRefused("无法读取该文件：请上传由模板填写的 .xlsx 文件。") from exc
    try:
        yield book
    finally:
        book.close()


def require_sheets(book, names):
    missing = [name for name in names if name not in book.sheetnames]
    if missing:
        raise ImportRefused(f"文件缺少工作表：{'、'.join(missing)}（请使用模板）。")


def sheet_rows(sheet, sheet_name, columns, max_rows, max_lengths):
    """The sheet's non-empty lines under its header as `Row`s of text by column, with their problems."""
    lines = sheet.iter_rows(values_only=True)
    header = [cell_text(value) for value in next(lines, ())]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ImportRefused(f"工作表“{sheet_name}”的表头缺少列：{'、'.join(missing)}（请使用模板）。")
    places = {c: header.index(c) for c in columns}
    rows = []
    for number, values in enumerate(lines, start=2):
        texts = {c: cell_text(values[i]) if i < len(values) else "" for c, i in places.items()}
        if not any(texts.values()):
            continue
        if len(rows) >= max_rows:
            raise ImportRefused(f"工作表“{sheet_name}”超过 {max_rows} 行，请分批导入。")
        row = Row(number, texts)
        for column, text in texts.items():
            if text.startswith("="):
                row.problems.append(f"{column}含公式，请只填写值")
            elif len(text) > max_lengths[column]:
                row.problems.append(f"{column}过长（不超过 {max_lengths[column]} 个字符）")
        rows.append(row)
    return rows


def cell_text(value):
    """A cell as the text it shows: numbers without a trailing .0 (a 序号 or a mobile typed as a number), dates
    as dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
