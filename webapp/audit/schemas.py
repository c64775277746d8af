"""The audit search form (also the export's filters): local dates, user, unit, kind of action, text."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates_schema

ACTION_CHOICES = {
    "auth.": "登录与退出",
    "task.": "办理操作",
    "item.view_secret": "查看涉密事项",
    "admin.": "管理操作",
    "access.denied": "越权访问被拒绝",
}
_DATE_ERROR = "请输入有效日期（年-月-日）"


class AuditFilterSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    date_from = fields.Date(load_default=None, error_messages={"invalid": _DATE_ERROR})
    date_to = fields.Date(load_default=None, error_messages={"invalid": _DATE_ERROR})
    username = fields.String(load_default="", validate=validate.Length(max=64))
    unit = fields.String(load_default="", validate=validate.Length(max=128))
    action = fields.String(load_default="",
                           validate=validate.OneOf(["", *ACTION_CHOICES], error="请选择有效的操作类型"))
    q = fields.String(load_default="", validate=validate.Length(max=200))

    @pre_load
    def drop_blanks(self, data, **_kwargs):
        """An empty box means no filter."""
        return {key: value.strip() for key, value in data.items() if isinstance(value, str) and value.strip()}

    @validates_schema
    def dates_in_order(self, data, **_kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("结束日期不能早于开始日期", "date_to")
