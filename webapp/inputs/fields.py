"""Fields of the input layer: bounded text, ids, numbers, choices, months, dates and local times.

Every field refuses what a form or a JSON client could send that the database or the date arithmetic would choke on:
control characters and lone surrogates, numbers beyond 32-bit ids or not finite, years outside the offices' range.
"""
import math
import re
from datetime import date, datetime

from marshmallow import ValidationError, fields, missing, validate

from webapp.core import clock

from .messages import REQUIRED, length_message, range_message

MAX_ID = 2**31 - 1  # an INTEGER column on PostgreSQL
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_LIST = 500
# C0 and C1 controls other than tab and line breaks, and lone surrogates (JSON can carry them; UTF-8 cannot).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_DIGITS = re.compile(r"[+-]?[0-9]{1,20}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LOCAL_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?")


def has_control_characters(text):
    return bool(_CONTROL.search(text))


def refuse_control_characters(text):
    if has_control_characters(text):
        raise ValidationError("含有不可见的控制字符，请删除后重试")


def _in_years(year, first, last):
    if not first <= year <= last:
        raise ValidationError(f"年份应在 {first} 到 {last} 之间")


class BlankIsAbsent:
    """A blank box of a typed field (a number, a choice, a date) counts as not filled in: 必填 when required,
    else the field's default."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if isinstance(value, str) and not value.strip():
            value = missing
        return super().deserialize(value, attr, data, **kwargs)


class Text(fields.String):
    """Text of at most `max_length` characters; a required one refuses blank-only input as 必填."""

    def __init__(self, max_length, *, min_length=0, label="", error=None, **kwargs):
        if not kwargs.get("required") and "load_default" not in kwargs:
            kwargs["load_default"] = ""
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"] = {"required": REQUIRED, "null": REQUIRED, **kwargs["error_messages"]}
        super().__init__(**kwargs)
        self.metadata = {"maxLength": max_length, **self.metadata}  # what the OpenAPI document says of it
        self.min_length, self.max_length, self.label = min_length, max_length, label
        self.length_error = error or length_message(min_length or None, max_length, label=label)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        refuse_control_characters(text)
        if self.required and not text.strip():
            raise self.make_error("required")
        if len(text) > self.max_length or (text.strip() and len(text.strip()) < self.min_length):
            raise ValidationError(self.length_error)
        return text


class Integer(BlankIsAbsent, fields.Integer):
    """A whole number within [minimum, maximum]; a float with a fraction, NaN or infinity is refused."""

    def __init__(self, minimum=-MAX_ID - 1, maximum=MAX_ID, *, label="数值", error=None, **kwargs):
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"] = {"invalid": error or f"{label}应为整数", **kwargs["error_messages"]}
        super().__init__(**kwargs)
        self.metadata = {"minimum": minimum, "maximum": maximum, **self.metadata}
        self.minimum, self.maximum = minimum, maximum
        self.range_error = error or range_message(minimum, maximum, label)

    def _validated(self, value):
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            raise self.make_error("invalid")
        if isinstance(value, str):
            value = value.strip()
            if not _DIGITS.fullmatch(value):  # no "1_000", "٣", "1e400" or 5000 digits
                raise self.make_error("invalid")
        number = super()._validated(value)
        if not self.minimum <= number <= self.maximum:
            raise ValidationError(self.range_error)
        return number


class Id(Integer):
    """A row's id as a form or a URL gives it: 1 .. 2^31-1."""

    def __init__(self, label="编号", **kwargs):
        kwargs.setdefault("error", f"请选择有效的{label}")
        super().__init__(1, MAX_ID, label=label, **kwargs)


class FormList(fields.List):
    """Ticked boxes: one value, several (a list), or one comma-separated string; at most `max_items`."""

    def __init__(self, inner, *, max_items=MAX_LIST, **kwargs):
        if not kwargs.get("required") and "load_default" not in kwargs:
            kwargs["load_default"] = list
        super().__init__(inner, **kwargs)
        self.max_items = max_items

    def _deserialize(self, value, attr, data, **kwargs):
        if value in (None, ""):
            value = []
        elif isinstance(value, str):
            value = [part for part in value.split(",") if part.strip()]
        elif isinstance(value, int | float) and not isinstance(value, bool):
            value = [value]
        if isinstance(value, list | tuple):
            value = [item for item in value if not (isinstance(item, str) and not item.strip())]
        if isinstance(value, list) and len(value) > self.max_items:
            raise ValidationError(f"一次最多选择 {self.max_items} 项")
        return super()._deserialize(value, attr, data, **kwargs)


class IdList(FormList):
    def __init__(self, label="编号", **kwargs):
        super().__init__(Id(label), **kwargs)


class Float(BlankIsAbsent, fields.Float):
    """A finite number within [minimum, maximum]."""

    def __init__(self, minimum, maximum, *, label="数值", error=None, **kwargs):
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"] = {"invalid": f"{label}应为数字", "special": f"{label}应为有限的数字",
                                    **kwargs["error_messages"]}
        super().__init__(allow_nan=False, **kwargs)
        self.minimum, self.maximum = minimum, maximum
        self.range_error = error or range_message(minimum, maximum, label)

    def _validated(self, value):
        if isinstance(value, str) and len(value) > 64:
            raise self.make_error("invalid")
        number = super()._validated(value)
        if not self.minimum <= number <= self.maximum:
            raise ValidationError(self.range_error)
        return number


class Choice(BlankIsAbsent, fields.String):
    """One of `choices` (their keys when a dict); the message names what was to be chosen."""

    def __init__(self, choices, label="选项", **kwargs):
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"] = {"required": REQUIRED, "null": REQUIRED, "invalid": f"请选择有效的{label}",
                                    **kwargs["error_messages"]}
        super().__init__(validate=validate.OneOf(list(choices), error=f"请选择有效的{label}"), **kwargs)


class ChoiceList(FormList):
    def __init__(self, choices, label="选项", **kwargs):
        super().__init__(Choice(choices, label), **kwargs)


class IntChoice(BlankIsAbsent, fields.Integer):
    """One of integer `choices` (a select sends them as text), e.g. a secrecy level."""

    def __init__(self, choices, label="选项", **kwargs):
        message = f"请选择有效的{label}"
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"] = {"required": REQUIRED, "null": REQUIRED, "invalid": message,
                                    "too_large": message, **kwargs["error_messages"]}
        super().__init__(validate=validate.OneOf(list(choices), error=message), **kwargs)

    def _validated(self, value):
        if isinstance(value, str) and not _DIGITS.fullmatch(value.strip()):
            raise self.make_error("invalid")
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            raise self.make_error("invalid")
        return super()._validated(value)


class Flag(fields.Boolean):
    """A checkbox: ticked sends "1"/"on"/"true", unticked sends nothing or an empty string."""

    def __init__(self, **kwargs):
        kwargs.setdefault("load_default", False)
        super().__init__(falsy={*fields.Boolean.falsy, ""}, **kwargs)


class Year(Integer):
    def __init__(self, first=FIRST_YEAR, last=LAST_YEAR, **kwargs):
        kwargs.setdefault("error", f"年份应在 {first} 到 {last} 之间")
        super().__init__(first, last, label="年份", **kwargs)


class Month(BlankIsAbsent, fields.Field):
    """'YYYY-MM' ⇄ the first day of that month, in FIRST_YEAR..LAST_YEAR."""

    default_error_messages = {"invalid": "月份格式应为 YYYY-MM"}

    def _deserialize(self, value, attr, data, **kwargs):
        match = _MONTH.fullmatch(value.strip()) if isinstance(value, str) else None
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise self.make_error("invalid")
        _in_years(int(match.group(1)), FIRST_YEAR, LAST_YEAR)
        return date(int(match.group(1)), int(match.group(2)), 1)

    def _serialize(self, value, attr, obj, **kwargs):
        return value.strftime("%Y-%m") if value else None


class _Written(BlankIsAbsent, fields.Field):
    """A date or time typed as text: its shape (`pattern`), a real calendar day, then the offices' years."""

    pattern = None

    def __init__(self, *, as_text=False, first=FIRST_YEAR, last=LAST_YEAR, **kwargs):
        super().__init__(**kwargs)
        self.as_text, self.first, self.last = as_text, first, last

    def _parsed(self, value, parse):
        if not isinstance(value, str) or not self.pattern.fullmatch(value.strip()):
            raise self.make_error("invalid")
        try:
            parsed = parse(value.strip())
        except ValueError as exc:
            raise self.make_error("invalid") from exc
        _in_years(parsed.year, self.first, self.last)
        return parsed


class Day(_Written):
    """'YYYY-MM-DD' as a date (or, with `as_text`, as that ISO text, for an instance's data), in range."""

    default_error_messages = {"invalid": "日期格式应为 YYYY-MM-DD"}
    pattern = _DAY

    def _deserialize(self, value, attr, data, **kwargs):
        day = self._parsed(value, date.fromisoformat)
        return day.isoformat() if self.as_text else day

    def _serialize(self, value, attr, obj, **kwargs):
        return value.isoformat() if isinstance(value, date) else value


class LocalDateTime(_Written):
    """A moment entered in the offices' time zone, 'YYYY-MM-DDTHH:MM', as an aware datetime (or, with `as_text`,
    as the text it was entered as, for an instance's data), in FIRST_YEAR..LAST_YEAR."""

    default_error_messages = {"invalid": "时间格式应为 YYYY-MM-DDTHH:MM"}
    pattern = _LOCAL_TIME

    def _deserialize(self, value, attr, data, **kwargs):
        moment = self._parsed(value, datetime.fromisoformat)
        return value.strip() if self.as_text else moment.replace(tzinfo=clock.LOCAL_TZ)
