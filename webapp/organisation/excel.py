"""The organisation's Excel file: its two sheets, the template and export, and the guarded reading of an upload."""
from dataclasses import dataclass

from sqlalchemy import select

from webapp.auth.models import UNIT_KINDS, Unit, User, UserRole
from webapp.core.roles import ROLES, SECRECY_LEVELS
from webapp.extensions import db
from webapp.workbooks import sheets_workbook
from webapp.xlsx_import import opened, require_sheets, sheet_rows

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
class Sheets:
    units: list
    users: list


def read(stream, config):
    """The two sheets of an uploaded .xlsx as text rows; ImportRefused when the file itself is unfit (read as
    `webapp/xlsx_import.py` reads a hostile upload)."""
    _, max_unpacked, max_rows = limits(config)
    with opened(stream, max_unpacked) as book:
        require_sheets(book, (UNIT_SHEET, USER_SHEET))
        return Sheets(sheet_rows(book[UNIT_SHEET], UNIT_SHEET, UNIT_COLUMNS, max_rows, MAX_LENGTHS),
                      sheet_rows(book[USER_SHEET], USER_SHEET, USER_COLUMNS, max_rows, MAX_LENGTHS))

