"""The organisation's Excel file: its two sheets, the template and export, and the guarded reading of an upload."""
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from webapp.auth.models import UNIT_KINDS, Unit, User, UserRole
from webapp.core.errors import AppError
from webapp.core.roles import ROLES, SECRECY_LEVELS
from webapp.extensions import db
from webapp.workbooks import sheets_workbook

UNIT_SHEET, USER_SHEET = "单位", "用户"
UNIT_COLUMNS = ("单位编码", "单位名称", "类型", "上级单位编码", "职能")
USER_COLUMNS = ("用户名", "姓名", "单位编码", "角色", "密级", "手机", "邮箱")
UNIT_WIDTHS = (20, 36, 14, 20, 12)
USER_WIDTHS = (20, 14, 20, 36, 10, 16, 30)
# The longest text each column takes: the model's column lengths.
MAX_LENGTHS = {"单位编码": 64, "单位名称": 128, "类型": 16, "上级单位编码": 64, "职能": 16, "用户名": 64, "姓名": 64,
               "角色": 500, "密级": 8, "手机": 32, "邮箱": 254}
ROLE_SEPARATOR = "、"

TEMPLATE_UNITS = [("prov-demo", "示例省委办公厅", UNIT_KINDS["province"], "", ""),
                  ("prov-demo-info", "示例省委办公厅信息处", UNIT_KINDS["office"], "prov-demo", "info")]
TEMPLATE_USERS = [("zhangsan", "张三", "prov-demo-info", f"{ROLES['writer']}{ROLE_SEPARATOR}{ROLES['editor']}",
                   SECRECY_LEVELS[0], "13800000000", "zhangsan@example.gov.cn")]


class ImportRefused(AppError):
    """The file as a whole cannot be read (not the rows' problems, which the dry run lists)."""

    status = 422
    code = "import_refused"


def limits(config):
    """Upload size, unpacked size and rows per sheet an import accepts (settings, see docs/administration.md)."""
    return (int(config.get("ORG_IMPORT_MAX_BYTES", 10 * 1024 * 1024)),
            int(config.get("ORG_IMPORT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)),
            int(config.get("ORG_IMPORT_MAX_ROWS", 50000)))


# --- writing -----------------------------------------------------------------------------------------------------

def template_file():
    """The empty form the import page offers: both sheets with their headers and one example each."""
    return sheets_workbook([(UNIT_SHEET, UNIT_COLUMNS, TEMPLATE_UNITS, UNIT_WIDTHS),
                            (USER_SHEET, USER_COLUMNS, TEMPLATE_USERS, USER_WIDTHS)])


def export_file():
    """Every unit and user in the import's format, so an export imported again changes nothing."""
    return sheets_workbook([(UNIT_SHEET, UNIT_COLUMNS, unit_lines(), UNIT_WIDTHS),
                            (USER_SHEET, USER_COLUMNS, user_lines(), USER_WIDTHS)])


def unit_lines():
    codes = dict(db.session.execute(select(Unit.id, Unit.code)).all())
    rows = db.session.execute(select(Unit.code, Unit.name, Unit.kind, Unit.parent_id, Unit.function)
                              .order_by(Unit.code)).all()
    return [(code, name, UNIT_KINDS.get(kind, kind), codes.get(parent_id, ""), function or "")
            for code, name, kind, parent_id, function in rows]


def user_lines():
    roles = {}
    for user_id, role in db.session.execute(select(UserRole.user_id, UserRole.role)):
        roles.setdefault(user_id, []).append(role)
    rows = db.session.execute(
        select(User.id, User.username, User.name, Unit.code, User.clearance, User.mobile, User.email)
        .join(Unit, User.unit_id == Unit.id).order_by(User.username))
    for user_id, username, name, unit_code, clearance, mobile, email in rows:
        labels = ROLE_SEPARATOR.join(ROLES[r] for r in sorted(roles.get(user_id, [])) if r in ROLES)
        yield (username, name, unit_code, labels, SECRECY_LEVELS.get(clearance, str(clearance)), mobile or "",
               email or "")


# --- reading -----------------------------------------------------------------------------------------------------

@dataclass
class Row:
    """One line of a sheet as text, with its Excel row number and the problems found in it."""

    number: int
    cells: dict
    problems: list = field(default_factory=list)

    def __getitem__(self, column):
        return self.cells.get(column, "")


@dataclass
class Sheets:
    units: list
    users: list


def read(stream, config):
    """The two sheets of an uploaded .xlsx as text rows; ImportRefused when the file itself is unfit.

    The file is hostile until read: its zip directory is checked for an unpacked size within the limit before
    openpyxl opens it, openpyxl reads it streaming (read_only) and never evaluates a formula (a cell holding one
    is a row problem), and reading stops past the row limit.
    """
    _, max_unpacked, max_rows = limits(config)
    try:
        with zipfile.ZipFile(stream) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRefused("无法读取该文件：请上传由模板填写的 .xlsx 文件。") from exc
    if len(members) > 1000 or sum(m.file_size for m in members) > max_unpacked:
        raise ImportRefused("文件解压后过大，拒绝读取。")
    stream.seek(0)
    try:
        book = load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        raise ImportRefused("无法读取该文件：请上传由模板填写的 .xlsx 文件。") from exc
    try:
        missing = [name for name in (UNIT_SHEET, USER_SHEET) if name not in book.sheetnames]
        if missing:
            raise ImportRefused(f"文件缺少工作表：{'、'.join(missing)}（请使用模板）。")
        return Sheets(_rows(book[UNIT_SHEET], UNIT_SHEET, UNIT_COLUMNS, max_rows),
                      _rows(book[USER_SHEET], USER_SHEET, USER_COLUMNS, max_rows))
    finally:
        book.close()


def _rows(sheet, sheet_name, columns, max_rows):
    lines = sheet.iter_rows(values_only=True)
    header = [_text(value) for value in next(lines, ())]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ImportRefused(f"工作表“{sheet_name}”的表头缺少列：{'、'.join(missing)}（请使用模板）。")
    places = {c: header.index(c) for c in columns}
    rows = []
    for number, values in enumerate(lines, start=2):
        texts = {c: _text(values[i]) if i < len(values) else "" for c, i in places.items()}
        if not any(texts.values()):
            continue
        if len(rows) >= max_rows:
            raise ImportRefused(f"工作表“{sheet_name}”超过 {max_rows} 行，请分批导入。")
        row = Row(number, texts)
        for column, text in texts.items():
            if text.startswith("="):
                row.problems.append(f"{column}含公式，请只填写值")
            elif len(text) > MAX_LENGTHS[column]:
                row.problems.append(f"{column}过长（不超过 {MAX_LENGTHS[column]} 个字符）")
        rows.append(row)
    return rows


def _text(value):
    """A cell as the text it shows: numbers without a trailing .0 (a mobile typed as a number), dates as dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
