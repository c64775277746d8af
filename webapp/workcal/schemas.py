"""The admin's paste of a year's holidays: one line per day or range, e.g. `2027-02-10~2027-02-16 春节 休`."""
import re
from datetime import date, timedelta
from typing import NamedTuple

from marshmallow import EXCLUDE, ValidationError, fields, post_load, validates_schema

from webapp.inputs.fields import Flag, Text, Year, refuse_control_characters
from webapp.inputs.schemas import FormSchema

KINDS = {"休": False, "放假": False, "班": True, "上班": True}
NAME_MAX = 64
TEXT_MAX = 20000
EXAMPLE = "2027-01-01 元旦 休"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A range may be written with spaces around its tilde, half- or full-width.
_RANGE_SEPARATOR = re.compile(r"\s*[~～]\s*")


class DayEntry(NamedTuple):
    """One day as stored: a holiday (is_workday False) or a make-up workday (True)."""

    day: date
    is_workday: bool
    name: str


class Span(NamedTuple):
    """One parsed line, before it is checked against the year and expanded into days."""

    line: int
    start: date
    end: date
    is_workday: bool
    name: str

    def days(self):
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def _parse_date(text, line):
    if not _DATE.fullmatch(text):
        raise ValidationError(f"第 {line} 行：日期格式应为 YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(f"第 {line} 行：日期 {text} 不存在") from exc


def parse_line(text, line):
    """A Span for one non-blank line; ValidationError naming the line otherwise."""
    tokens = _RANGE_SEPARATOR.sub("~", text.strip()).split()
    if len(tokens) < 3:
        raise ValidationError(f"第 {line} 行：格式应为“日期 名称 休/班”，例如 {EXAMPLE}")
    dates, name, kind = tokens[0], " ".join(tokens[1:-1]), tokens[-1]
    if kind not in KINDS:
        raise ValidationError(f"第 {line} 行：最后一项应为“休”（放假）或“班”（调休上班），也可写“放假”或“上班”")
    if len(name) > NAME_MAX:
        raise ValidationError(f"第 {line} 行：名称不能超过 {NAME_MAX} 字")
    parts = dates.split("~")
    if len(parts) > 2:
        raise ValidationError(f"第 {line} 行：日期范围应写作 YYYY-MM-DD~YYYY-MM-DD")
    start = _parse_date(parts[0], line)
    end = _parse_date(parts[-1], line)
    if end < start:
        raise ValidationError(f"第 {line} 行：结束日期早于开始日期")
    if end.year != start.year:
        raise ValidationError(f"第 {line} 行：日期范围不能跨年度，请分年录入")
    return Span(line, start, end, KINDS[kind], name)


class HolidayLines(fields.Field):
    """A textarea of lines, parsed into Spans; blank lines and lines starting with # are skipped.
    Every faulty line is reported, each message starting with its line number."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("内容格式错误")
        if len(value) > TEXT_MAX:
            raise ValidationError(f"内容不能超过 {TEXT_MAX} 字")
        refuse_control_characters(value)
        spans, errors, seen = [], [], {}
        for number, text in enumerate(value.splitlines(), start=1):
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            try:
                span = parse_line(text, number)
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            repeated = next((day for day in span.days() if day in seen), None)
            if repeated:
                errors.append(f"第 {number} 行：{repeated.isoformat()} 已在第 {seen[repeated]} 行录入")
                continue
            seen.update(dict.fromkeys(span.days(), number))
            spans.append(span)
        if errors:
            raise ValidationError(errors)
        return spans


class YearEntriesSchema(FormSchema):
    """The calendar page's form: which year, its arrangement, and whether it is now complete."""

    class Meta:
        unknown = EXCLUDE  # the form also carries csrf_token

    year = Year(required=True, error_messages={"required": "请选择年份", "null": "请选择年份",
                                               "invalid": "年份应为四位数字"})
    entries = HolidayLines(load_default=list)
    complete = Flag()
    note = Text(500, error="备注不能超过 500 字")

    @validates_schema
    def _within_the_year(self, data, **kwargs):
        year = data["year"]
        errors = [f"第 {span.line} 行：日期不在 {year} 年内" for span in data["entries"] if span.start.year != year]
        if errors:
            raise ValidationError(errors, "entries")
        if data["complete"] and all(span.is_workday for span in data["entries"]):
            # A year confirmed without a single holiday would count every weekday, New Year included, as work.
            raise ValidationError(f"勾选“已全部录入”前，请至少录入 {year} 年的一天放假", "entries")

    @post_load
    def _expand(self, data, **kwargs):
        data["entries"] = [DayEntry(day, span.is_workday, span.name)
                           for span in data["entries"] for day in span.days()]
        data["note"] = data["note"].strip()
        return data


def format_lines(days):
    """The textarea text for stored days (objects with day, is_workday, name): runs of consecutive days with the
    same name and kind become one range line, so that what was pasted reads back the same."""
    lines, run = [], []
    for entry in sorted(days, key=lambda d: d.day):
        if run and (entry.day - run[-1].day, entry.name, entry.is_workday) != (
                timedelta(days=1), run[0].name, run[0].is_workday):
            lines.append(_run_line(run))
            run = []
        run.append(entry)
    if run:
        lines.append(_run_line(run))
    return "\n".join(lines)


def _run_line(run):
    first, last = run[0], run[-1]
    dates = first.day.isoformat() if first is last else f"{first.day.isoformat()}~{last.day.isoformat()}"
    return f"{dates} {first.name} {'班' if first.is_workday else '休'}"
