"""Forms of scoring: a 批示 recorded on an adopted item, publishing a circular, and the month of a ranking."""
from marshmallow import EXCLUDE, ValidationError, validates

from webapp.core import clock
from webapp.inputs.fields import Choice, Day, Id, IdList, IntChoice, Text, Year
from webapp.inputs.schemas import FormSchema, QuerySchema

from .rules import INSTRUCTION_LEVELS, UNIT_BONUSES


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


class QuarterArgs(QuerySchema):
    """A quarter's page: `?year=2026&quarter=4`; None when not given (the page opens on the last full quarter)."""

    year = Year(load_default=None)
    quarter = IntChoice((1, 2, 3, 4), "季度", load_default=None)


class YearArgs(QuerySchema):
    """A year's page: `?year=2026`; None when not given (the page opens on this year)."""

    year = Year(load_default=None)


class BonusSchema(FormSchema):
    """A bonus the office awards one of its units (the unit is checked against those it ranks)."""

    class Meta:
        unknown = EXCLUDE

    unit_id = Id("单位", required=True)
    bonus_key = Choice(UNIT_BONUSES, "奖励项目", required=True)
    reason = Text(500, min_length=2, required=True, error="奖励理由应为2到500字")
    awarded_on = Day(required=True)

    @validates("awarded_on")
    def _not_future(self, value, **kwargs):
        if value > clock.local_today():
            raise ValidationError("奖励日期不能晚于今天")


class AwardsSchema(FormSchema):
    """The annual awards as decided: units named 先进单位, information officers named 优秀信息员 (each with a
    reason, sent as `reason_unit_<id>` / `reason_officer_<id>` beside the ticked boxes)."""

    class Meta:
        unknown = EXCLUDE

    year = Year(required=True)
    unit_ids = IdList("先进单位")
    officer_ids = IdList("优秀信息员")
    remark = Text(2000, error="说明不超过2000字")
