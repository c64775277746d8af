"""The form of a new 约稿."""
from marshmallow import ValidationError, validate, validates

from webapp.core import clock
from webapp.inputs.fields import IdList, LocalDateTime, Text
from webapp.inputs.schemas import FormSchema


class CommissionSchema(FormSchema):
    topic = Text(200, min_length=2, required=True, error="主题长度应为2到200字")
    detail = Text(5000, error="要求不超过5000字")
    due = LocalDateTime(required=True, error_messages={"invalid": "截止时间格式应为 YYYY-MM-DDTHH:MM"})
    unit_ids = IdList("单位", required=True, validate=validate.Length(min=1, error="请至少选择一个约稿单位"))

    @validates("due")
    def _due(self, value, **kwargs):
        if value <= clock.now():
            raise ValidationError("截止时间应晚于现在")
