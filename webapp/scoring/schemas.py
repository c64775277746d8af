"""Forms of scoring: a 批示 recorded on an adopted item, publishing a circular, and the month of a ranking."""
from marshmallow import EXCLUDE, ValidationError, validates

from webapp.core import clock
from webapp.inputs.fields import Choice, Day, Text
from webapp.inputs.schemas import FormSchema

from .rules import INSTRUCTION_LEVELS


class InstructionSchema(FormSchema):
    class Meta:
        unknown = EXCLUDE

    leader_name = Text(64, min_length=2, required=True, error="批示领导应为2到64字")
    leader_level = Choice(INSTRUCTION_LEVELS, "批示领导层级", required=True)
    text = Text(5000, min_length=2, required=True, error="批示内容应为2到5000字")
    instructed_on = Day(required=True)

    @validates("instructed_on")
    def _not_future(self, value, **kwargs):
        if value > clock.local_today():
            raise ValidationError("批示日期不能晚于今天")


class PublishSchema(FormSchema):
    class Meta:
        unknown = EXCLUDE

    remark = Text(2000, error="通报说明不超过2000字")
