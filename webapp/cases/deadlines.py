"""A case's deadlines from its level's rule and the working-day calendar; extensions within the cap."""
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from webapp.core import clock
from webapp.extensions import db
from webapp.workcal.deadlines import CalendarDataMissing, deadline, end_of_local_day, reminder_before
from webapp.workcal.queries import load_calendar

from .models import DeadlineRule

UNIT_LABELS = {"calendar_days": "自然日", "working_days": "工作日", "months": "个月", "hours": "小时"}
URGENT = ("urgent", "very_urgent")


@dataclass(frozen=True)
class Rule:
    finish_amount: int
    finish_unit: str
    remind_amount: int
    remind_unit: str
    feedback_amount: int | None
    feedback_unit: str | None
    extension_cap_amount: int
    extension_cap_unit: str

    def describe(self):
        text = f"{self.finish_amount}{UNIT_LABELS[self.finish_unit]}内办结，到期前{self.remind_amount}" \
               f"{UNIT_LABELS[self.remind_unit]}提醒"
        if self.feedback_amount:
            text += f"；紧急件{self.feedback_amount}{UNIT_LABELS[self.feedback_unit]}内首次反馈"
        return text + f"；延期累计不超过{self.extension_cap_amount}{UNIT_LABELS[self.extension_cap_unit]}"


# domain.md (002 第三篇 四(二)): central/provincial 15 days, urgent first feedback within a week, city one month,
# extensions at most one month in total. Calendar days are the stricter reading of "15 days".
DEFAULT_RULES = {
    "central": Rule(15, "calendar_days", 3, "calendar_days", 7, "calendar_days", 1, "months"),
    "provincial": Rule(15, "calendar_days", 3, "calendar_days", 7, "calendar_days", 1, "months"),
    "city": Rule(1, "months", 3, "calendar_days", None, None, 1, "months"),
}


def rule_for(level):
    """The rule an admin saved for `level`, else the shipped default."""
    row = db.session.get(DeadlineRule, level)
    if row is None:
        return DEFAULT_RULES[level]
    return Rule(*(getattr(row, name) for name in Rule.__dataclass_fields__))


def _iso(moment):
    return moment.astimezone(UTC).isoformat() if moment else None


def _parse(value):
    return datetime.fromisoformat(value) if value else None


def for_case(level, urgency, start_dt, calendar=None, rule=None):
    """The deadlines of a case assigned at `start_dt`, as a JSON-ready dict kept in the instance's data.

    `rule` is the rule of the case's 交办 when it is counted again (a missing calendar year confirmed); without it
    the level's rule in force now. known=False with missing_year when a working-day rule reaches a year the
    calendar lacks: the case is still assigned, and its timers are armed once an admin adds that year. The urgent
    first feedback is computed on its own: 7 calendar days need no calendar, so its timer is armed at once.
    """
    rule = rule or rule_for(level)
    calendar = calendar or load_calendar()
    base = {"start_at": _iso(start_dt), "level": level, "rule": asdict(rule), "rule_text": rule.describe(),
            "extensions": [], "feedback_due_at": None}
    missing = None
    if urgency in URGENT and rule.feedback_amount:
        try:
            base["feedback_due_at"] = _iso(deadline(start_dt, rule.feedback_amount, rule.feedback_unit, calendar))
        except CalendarDataMissing as exc:
            missing = exc.year
    try:
        due = deadline(start_dt, rule.finish_amount, rule.finish_unit, calendar)
        remind = reminder_before(due, rule.remind_amount, rule.remind_unit, calendar)
        limit = deadline(due, rule.extension_cap_amount, rule.extension_cap_unit, calendar)
    except CalendarDataMissing as exc:
        missing = missing or exc.year
    if missing:
        return {**base, "known": False, "missing_year": missing}
    return {**base, "known": True, "due_at": _iso(due), "remind_at": _iso(remind), "original_due_at": _iso(due),
            "extension_limit_at": _iso(limit)}


def extension_problem(deadlines, until, now=None, calendar=None):
    """Why an extension to the local date `until` cannot be granted, or None when it can.

    `now` is the moment of the request (a request must beat the deadline); approving it later is allowed.
    A new deadline whose reminder falls in a year without calendar data is refused here, with the year named:
    approving it would stop the case in an incident, with no timer armed.
    """
    if not deadlines or not deadlines.get("known"):
        return "办理期限尚未确定，暂不能申请延期"
    due = _parse(deadlines["due_at"])
    if now is not None and now >= due:
        return f"办理期限已于 {_local(due)} 届满，逾期后不能再申请延期，请说明情况并尽快报结"
    new_due = end_of_local_day(until)
    if new_due <= due:
        return f"延期后的期限应晚于当前期限 {_local(due)}"
    limit = _parse(deadlines["extension_limit_at"])
    if new_due > limit:
        return f"延期累计不能超过{deadlines['rule']['extension_cap_amount']}" \
               f"{UNIT_LABELS[deadlines['rule']['extension_cap_unit']]}（最晚可延至 {_local(limit, '%Y-%m-%d')}）"
    rule = Rule(**deadlines["rule"])
    try:
        reminder_before(new_due, rule.remind_amount, rule.remind_unit, calendar or load_calendar())
    except CalendarDataMissing as exc:
        return f"系统尚未录入 {exc.year} 年节假日安排，暂不能延期至 {until.isoformat()}（无法计算到期前提醒）；" \
               "请联系系统管理员在“工作日历”中录入该年后再申请"
    return None


def extend(deadlines, until, reason, now, calendar=None):
    """The deadlines after an approved extension to the local date `until`; the reminder moves with them."""
    rule = Rule(**deadlines["rule"])
    new_due = end_of_local_day(until)
    remind = reminder_before(new_due, rule.remind_amount, rule.remind_unit, calendar or load_calendar())
    record = {"from": deadlines["due_at"], "to": _iso(new_due), "reason": reason, "approved_at": _iso(now)}
    return {**deadlines, "due_at": _iso(new_due), "remind_at": _iso(remind),
            "extensions": [*deadlines.get("extensions", []), record]}


def _local(moment, fmt="%Y-%m-%d %H:%M"):
    return moment.astimezone(clock.LOCAL_TZ).strftime(fmt)


class DeadlineService:
    """What handlers see as `ctx.deadlines`."""

    @staticmethod
    def for_case(level, urgency, start=None, rule=None):
        start_dt = _parse(start) if start else clock.now()
        return for_case(level, urgency, start_dt, rule=Rule(**rule) if rule else None)

    @staticmethod
    def extend(deadlines, until, reason):
        until_date = date.fromisoformat(until)
        problem = extension_problem(deadlines, until_date)
        if problem:
            raise ValueError(problem)
        return extend(deadlines, until_date, reason, clock.now())

    @staticmethod
    def local_text(value, fmt="%Y-%m-%d %H:%M"):
        return _local(_parse(value), fmt) if value else "（未确定）"


def service(_instance_id):
    """`ctx.deadlines` for handlers."""
    return DeadlineService()
