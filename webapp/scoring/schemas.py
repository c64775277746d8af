"""Forms of scoring: a 批示 recorded on an adopted item, and publishing a circular."""
from marshmallow import Schema, ValidationError, fields, validate, validates

from webapp.engine import clock

from .rules import INSTRUCTION_LEVELS

REQUIRED = {"required": "此项为必填项", "null": "此项为必填项"}


class InstructionSchema(Schema):
    leader_name = fields.String(required=True, validate=validate.Length(min=2, max=64, error="批示领导应为2到64字"),
                                error_messages=REQUIRED)
    leader_level = fields.String(required=True, error_messages=REQUIRED,
                                 validate=validate.OneOf(list(INSTRUCTION_LEVELS), error="请选择批示领导层级"))
    text = fields.String(required=True, validate=validate.Length(min=2, max=5000, error="批示内容应为2到5000字"),
                         error_messages=REQUIRED)
    instructed_on = fields.Date(required=True, error_messages={**REQUIRED, "invalid": "日期格式应为 YYYY-MM-DD"})

    class Meta:
        unknown = "exclude"

    @validates("instructed_on")
    def _not_future(self, value, **kwargs):
        if value > clock.local_today():
            raise ValidationError("批示日期不能晚于今天")


class PublishSchema(Schema):
    remark = fields.String(load_default="", validate=validate.Length(max=2000, error="通报说明不超过2000字"))

    class Meta:
        unknown = "exclude"
