"""Input of the reports: the period and grouping of a report, its drill-down key, a month, a confirmation."""
from datetime import date

from marshmallow import ValidationError, post_load

from webapp import months
from webapp.cases.models import LEVELS
from webapp.inputs.fields import Choice, Id, Month, Text
from webapp.inputs.schemas import MonthArgs, QuerySchema

MAX_MONTHS = 36


class PeriodSchema(QuerySchema):
    """A report's months [from, to] (by default the twelve months up to this one), grouping and drill-down key."""

    first = Month(load_default=None, data_key="from")
    last = Month(load_default=None, data_key="to")
    by = Text(16, load_default="unit")  # a grouping a report does not offer falls back to its first
    key = Text(20, load_default=None)

    @post_load
    def _period(self, data, **kwargs):
        last = data["last"] or months.this_month()
        first = data["first"] or months.next_month(date(last.year - 1, last.month, 1))
        if first > last:
            first, last = last, first
        if len(months.months_between(first, last)) > MAX_MONTHS:
            raise ValidationError(f"统计区间最长 {MAX_MONTHS} 个月，请缩小范围", "to")
        return {**data, "first": first, "last": last}


DRILL_KEYS = {"unit": Id("统计分组"), "level": Choice(LEVELS, "统计分组"), "month": Month()}


def drill_key(by, key):
    """A drill-down key as the queries take it (a unit id, a level code, a 'YYYY-MM'); None when it names nothing."""
    try:
        value = DRILL_KEYS[by].deserialize(key)
    except (KeyError, ValidationError):
        return None
    return value.strftime("%Y-%m") if by == "month" else value


class MonthSchema(MonthArgs):
    """The month of the 月报表 page; by default last month."""

    @post_load
    def _default(self, data, **kwargs):
        return {"month": data["month"] or months.previous_month(months.this_month())}


class ProduceSchema(QuerySchema):
    """生成/重新生成: the month."""

    month = Month(required=True, error_messages={"required": "请选择月份", "null": "请选择月份"})


class ConfirmSchema(QuerySchema):
    """确认上报: which table, and an optional remark to the 督查室."""

    table_id = Id("月报表", required=True, error="月报表无效", error_messages={"required": "缺少月报表"})
    remark = Text(500, error="说明不能超过500字")
