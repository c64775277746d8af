"""The audit search form (also the export's filters): local dates, user, unit, kind of action, text, page."""
from marshmallow import ValidationError, validates_schema

from webapp.inputs.fields import Choice, Day, Integer, Text
from webapp.inputs.schemas import QuerySchema

ACTION_CHOICES = {
    "auth.": "登录与退出",
    "task.": "办理操作",
    "item.view_secret": "查看涉密事项",
    "admin.": "管理操作",
    "access.denied": "越权访问被拒绝",
}
_DATE_ERROR = "请输入有效日期（年-月-日）"
MAX_PAGE = 100_000


class AuditFilterSchema(QuerySchema):
    date_from = Day(load_default=None, error_messages={"invalid": _DATE_ERROR})
    date_to = Day(load_default=None, error_messages={"invalid": _DATE_ERROR})
    username = Text(64)
    unit = Text(128)
    action = Choice(ACTION_CHOICES, "操作类型", load_default="")
    q = Text(200)
    page = Integer(1, MAX_PAGE, label="页码", load_default=1)

    @validates_schema
    def dates_in_order(self, data, **_kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("结束日期不能早于开始日期", "date_to")
