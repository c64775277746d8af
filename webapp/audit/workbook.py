"""The Excel export of audit entries: fixed column widths, rows streamed to the file as they come."""
import json

from webapp import workbooks
from webapp.core.formats import local_dt

from .models import action_label, role_labels

HEADER = ("序号", "时间", "用户名", "姓名", "角色", "单位", "IP 地址", "操作", "操作代码", "对象类型", "对象编号",
          "摘要", "详情", "哈希")
WIDTHS = (8, 20, 14, 12, 16, 22, 15, 14, 20, 10, 10, 50, 50, 20)
XLSX = workbooks.XLSX


def _values(row):
    detail = "" if row.detail is None else json.dumps(row.detail, ensure_ascii=False, sort_keys=True)
    number = row.seq if row.seq is not None else "待封存"
    return (number, local_dt(row.event_dt, "%Y-%m-%d %H:%M:%S"), row.username, row.user_name,
            role_labels(row.role), row.unit_name, row.ip or "", action_label(row.action), row.action,
            row.target_type or "", row.target_id or "", row.summary, detail, row.hash or "")


def workbook(rows):
    """An .xlsx file (a seekable file object at position 0): the header, then one line per audit entry row."""
    return workbooks.workbook(HEADER, (_values(row) for row in rows), widths=WIDTHS, sheet_name="审计日志")
