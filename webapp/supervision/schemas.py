"""Input of the supervision desk: the filter (query string or the bulk 催办 form) and the urge note."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate, validates_schema

from webapp.cases.models import LEVELS

from .queries import LIGHTS, SORTS, STATUSES, DeskFilter

BAD_DATE = {"invalid": "日期格式应为 YYYY-MM-DD"}


def _choice(choices, label):
    return validate.OneOf(list(choices), error=f"请选择有效的{label}")


class DeskFilterSchema(Schema):
    """The desk's filters; empty fields mean 'any'. Other fields of a form (csrf_token, note) are ignored."""

    class Meta:
        unknown = EXCLUDE

    error_messages = {"type": "筛选条件格式错误"}

    unit_id = fields.Integer(load_default=None, data_key="unit", error_messages={"invalid": "承办单位无效"})
    level = fields.String(load_default=None, validate=_choice(LEVELS, "批示层级"))
    status = fields.String(load_default="open", validate=_choice(STATUSES, "办理状态"))
    light = fields.String(load_default=None, validate=_choice(LIGHTS, "状态灯"))
    registered_from = fields.Date(load_default=None, data_key="from", error_messages=BAD_DATE)
    registered_to = fields.Date(load_default=None, data_key="to", error_messages=BAD_DATE)
    text = fields.String(load_default="", data_key="q",
                         validate=validate.Length(max=100, error="搜索内容不能超过100字"))
    unstaffed = fields.Boolean(load_default=False, data_key="nobody", error_messages={"invalid": "筛选条件格式错误"})
    sort = fields.String(load_default="due", validate=_choice(SORTS, "排序方式"))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, error="页码无效"),
                          error_messages={"invalid": "页码无效"})

    @pre_load
    def _blank_is_any(self, data, **kwargs):
        return {k: v.strip() for k, v in data.items() if isinstance(v, str) and v.strip()}

    @validates_schema
    def _period(self, data, **kwargs):
        start, end = data.get("registered_from"), data.get("registered_to")
        if start and end and start > end:
            raise ValidationError("登记日期的起始日不能晚于截止日", "to")

    @post_load
    def _filter(self, data, **kwargs):
        return DeskFilter(**data)


class UrgeSchema(Schema):
    """The optional note sent with a 催办."""

    class Meta:
        unknown = EXCLUDE

    note = fields.String(load_default="", validate=validate.Length(max=200, error="催办说明不能超过200字"))
