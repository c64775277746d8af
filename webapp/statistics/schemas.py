"""Input of the reports: the period and grouping of a report, its drill-down key, a month, a confirmation."""
from datetime import date

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate

from webapp import months

MAX_MONTHS = 36


class Month(fields.Field):
    """'YYYY-MM' ⇄ the first day of that month."""

    default_error_messages = {"invalid": "月份格式应为 YYYY-MM"}

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return months.parse_month(value)
        except (TypeError, ValueError) as exc:
            raise self.make_error("invalid") from exc

    def _serialize(self, value, attr, obj, **kwargs):
        return value.strftime("%Y-%m") if value else None


class _Query(Schema):
    class Meta:
        unknown = EXCLUDE  # format=xlsx, csrf_token

    @pre_load
    def _blank_is_default(self, data, **kwargs):
        return {k: v.strip() for k, v in data.items() if isinstance(v, str) and v.strip()}


class PeriodSchema(_Query):
    """A report's months [from, to] (by default the twelve months up to this one), grouping and drill-down key."""

    first = Month(load_default=None, data_key="from")
    last = Month(load_default=None, data_key="to")
    by = fields.String(load_default="unit")
    key = fields.String(load_default=None, validate=validate.Length(max=20))

    @post_load
    def _period(self, data, **kwargs):
        last = data["last"] or months.this_month()
        first = data["first"] or months.next_month(date(last.year - 1, last.month, 1))
        if first > last:
            first, last = last, first
        if len(months.months_between(first, last)) > MAX_MONTHS:
            raise ValidationError(f"统计区间最长 {MAX_MONTHS} 个月，请缩小范围", "to")
        return {**data, "first": first, "last": last}


class MonthSchema(_Query):
    """The month of the 月报表 page; by default last month."""

    month = Month(load_default=None)

    @post_load
    def _default(self, data, **kwargs):
        return {"month": data["month"] or months.previous_month(months.this_month())}


class ProduceSchema(_Query):
    """生成/重新生成: the month."""

    month = Month(required=True, error_messages={"required": "请选择月份"})


class ConfirmSchema(_Query):
    """确认上报: which table, and an optional remark to the 督查室."""

    table_id = fields.Integer(required=True, strict=False,
                              error_messages={"required": "缺少月报表", "invalid": "月报表无效"})
    remark = fields.String(load_default="", validate=validate.Length(max=500, error="说明不能超过500字"))
