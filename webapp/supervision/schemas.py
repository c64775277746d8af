"""Input of the supervision desk: the filter (query string or the bulk 催办 form) and the urge note."""
from marshmallow import ValidationError, post_load, validates_schema

from webapp.cases.models import LEVELS
from webapp.inputs.fields import Choice, Day, Flag, Id, Integer, Text
from webapp.inputs.schemas import QuerySchema

from .queries import LIGHTS, SORTS, STATUSES, DeskFilter

MAX_PAGE = 10_000


class DeskFilterSchema(QuerySchema):
    """The desk's filters; empty fields mean 'any'. Other fields of a form (csrf_token, note) are ignored."""

    error_messages = {**QuerySchema.error_messages, "type": "筛选条件格式错误"}

    unit_id = Id("承办单位", load_default=None, data_key="unit", error="承办单位无效")
    level = Choice(LEVELS, "批示层级", load_default=None)
    status = Choice(STATUSES, "办理状态", load_default="open")
    light = Choice(LIGHTS, "状态灯", load_default=None)
    registered_from = Day(load_default=None, data_key="from")
    registered_to = Day(load_default=None, data_key="to")
    text = Text(100, data_key="q", error="搜索内容不能超过100字")
    unstaffed = Flag(data_key="nobody", error_messages={"invalid": "筛选条件格式错误"})
    stalled = Flag(data_key="stalled", error_messages={"invalid": "筛选条件格式错误"})
    sort = Choice(SORTS, "排序方式", load_default="due")
    page = Integer(1, MAX_PAGE, label="页码", load_default=1, error="页码无效")

    @validates_schema
    def _period(self, data, **kwargs):
        start, end = data.get("registered_from"), data.get("registered_to")
        if start and end and start > end:
            raise ValidationError("登记日期的起始日不能晚于截止日", "to")

    @post_load
    def _filter(self, data, **kwargs):
        return DeskFilter(**data)


class UrgeSchema(QuerySchema):
    """The optional note sent with a 催办."""

    note = Text(200, error="催办说明不能超过200字")
