"""Forms of emergency information: the report, the phone report, the steps, follow-ups and the record."""
from datetime import datetime, timedelta

from flask import current_app
from marshmallow import ValidationError, validates_schema

from webapp.core import clock
from webapp.core.roles import SECRECY_LEVELS
from webapp.inputs.fields import Choice, Id, IntChoice, LocalDateTime, Text
from webapp.inputs.schemas import FormSchema, MonthArgs

URGENCIES = {"urgent": "紧急", "very_urgent": "特急"}
TIME_FORMAT = "时间格式应为 YYYY-MM-DDTHH:MM"
EARLIEST_YEAR, LATEST_YEAR = 2000, 2099
CLOCK_SKEW = timedelta(minutes=5)  # a reporter's watch or the server's clock may run a little fast
SIGN_MODES = {"leader": "值班领导核签", "skip": "越过核签直接报送（须说明理由）"}


def _text(max_length, required=False, label="内容"):
    return Text(max_length, required=required, label=label)


def _moment(**kwargs):
    """A local time kept as the text entered (YYYY-MM-DDTHH:MM) in the form's data."""
    return LocalDateTime(as_text=True, first=EARLIEST_YEAR, last=LATEST_YEAR, **kwargs)


def local_moment(value, field):
    """A time entered in the offices' time zone (YYYY-MM-DDTHH:MM) as an aware datetime. Years outside a sane
    range are refused here: year 1 or 9999 would overflow the arithmetic on it (and is never meant)."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(TIME_FORMAT, field) from exc
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ValidationError(f"时间应在 {EARLIEST_YEAR} 年至 {LATEST_YEAR} 年之间", field)
    return moment.replace(tzinfo=clock.LOCAL_TZ) if moment.tzinfo is None else moment


def past_moment(value, field, label):
    """A time that has happened: no later than now, give or take a clock that runs a little fast."""
    moment = local_moment(value, field)
    if moment > clock.now() + CLOCK_SKEW:
        raise ValidationError(f"{label}不能晚于当前时间", field)
    return moment


def event_moment(value, reason):
    """The event time the limits count from. One older than GOVFLOW_EMERGENCY_MAX_EVENT_AGE_DAYS is a typo far
    more often than a real report, so it needs a stated reason (kept on the report)."""
    moment = past_moment(value, "event_time", "事件发生时间")
    days = current_app.config["EMERGENCY_MAX_EVENT_AGE_DAYS"]
    if moment < clock.now() - timedelta(days=days) and not (reason or "").strip():
        raise ValidationError({"event_time": [f"事件发生时间早于 {days:g} 天前，请核对；确属实的须填写说明"],
                               "event_time_reason": [f"事件发生已超过 {days:g} 天，请说明为何现在报告"]})
    return moment


class EventTimeMixin:
    """The event time and, when it lies further back than the setting allows, the reason."""

    event_time = _moment(required=True)
    event_time_reason = _text(1000, label="说明")

    @validates_schema
    def _event_time(self, data, **kwargs):
        if data.get("event_time"):
            event_moment(data["event_time"], data.get("event_time_reason"))


class SignModeMixin:
    sign_mode = Choice(SIGN_MODES, "核签方式", load_default="leader")
    skip_reason = _text(500, label="理由")

    @validates_schema
    def _reason_for_skip(self, data, **kwargs):
        if data.get("sign_mode") == "skip" and not data.get("skip_reason", "").strip():
            raise ValidationError("越过核签直接报送时必须说明理由", "skip_reason")


class WrittenSchema(SignModeMixin, FormSchema):
    """补报文字稿 (and the body of a report): what happened, where, the toll, what is being done."""

    title = _text(200, required=True, label="标题")
    place = _text(200, required=True, label="地点")
    summary = _text(20000, required=True, label="事件经过")
    casualties = _text(2000, label="伤亡及影响")
    measures = _text(5000, label="已采取措施")


class ReportSchema(EventTimeMixin, WrittenSchema):
    """报告紧急信息: the report with the event time the limits are counted from."""

    urgency = Choice(URGENCIES, "紧急程度", load_default="urgent")
    secrecy = IntChoice(SECRECY_LEVELS, "密级", load_default=0)


class PhoneSchema(EventTimeMixin, FormSchema):
    """电话接报: taken in seconds by the receiving office; the written report follows."""

    unit_id = Id("报告单位", required=True, error="请选择报告单位")
    caller = _text(64, required=True, label="来电人")
    caller_phone = _text(32, label="来电号码")
    call_time = _moment(load_default=None, allow_none=True)
    title = _text(200, required=True, label="标题")
    summary = _text(5000, required=True, label="电话内容摘要")
    urgency = Choice(URGENCIES, "紧急程度", load_default="urgent")
    secrecy = IntChoice(SECRECY_LEVELS, "密级", load_default=0)

    @validates_schema
    def _call_time(self, data, **kwargs):
        if data.get("call_time"):
            call = past_moment(data["call_time"], "call_time", "来电时间")
            event = data.get("event_time")
            try:
                before_event = event and call < local_moment(event, "event_time")
            except ValidationError:
                return  # the event time's own check says what is wrong with it
            if before_event:
                raise ValidationError("来电时间不能早于事件发生时间", "call_time")


SIGN_DECISIONS = {"pass": "核签并报送", "return": "退回修改"}
RETURNABLE_HOPS = ("report", "written")  # the unit's own report; a level's relay and a follow-up sign only


class SignSchema(FormSchema):
    """值班领导核签: verification and sign-off in one step, or back to the writer with a reason (退回)."""

    decision = Choice(SIGN_DECISIONS, "处理意见", load_default="pass")
    opinion = _text(2000, label="意见")

    @validates_schema
    def _reason_for_return(self, data, **kwargs):
        if data.get("decision") == "return" and not data.get("opinion", "").strip():
            raise ValidationError("退回时必须写明退回理由", "opinion")


def check_sign(form, data):
    """退回 goes to the unit's writer: only the unit's own report has one to go back to."""
    if form.get("decision") == "return" and (data.get("hop") or {}).get("kind") not in RETURNABLE_HOPS:
        return {"decision": ["此环节不能退回，请核签报送"]}
    return None


class RevisionSchema(WrittenSchema):
    """退回修改: the writer corrects the report the leader sent back and sends it to be signed again."""


class ReceiveSchema(SignModeMixin, FormSchema):
    """接报: relay to the next level (after the on-duty leader's sign-off, or skipping it), or hold here."""

    decision = Choice(["relay", "hold"], "处理意见", required=True)
    opinion = _text(2000, label="意见")

    @validates_schema
    def _reason_for_hold(self, data, **kwargs):
        if data.get("decision") == "hold" and not data.get("opinion", "").strip():
            raise ValidationError("本级掌握、不再上报时必须说明理由", "opinion")


class FollowUpSchema(SignModeMixin, FormSchema):
    """续报 / 终报."""

    followup_kind = Choice(["followup", "final"], "续报类型", load_default="followup")
    body = _text(20000, required=True, label="续报内容")
    casualties = _text(2000, label="伤亡及影响")
    measures = _text(5000, label="处置进展")


class RequestSchema(FormSchema):
    """要求续报: the upper office asks the unit for a follow-up by a deadline."""

    due_time = _moment(required=True)
    note = _text(2000, required=True, label="要求")

    @validates_schema
    def _due_time(self, data, **kwargs):
        if data.get("due_time") and local_moment(data["due_time"], "due_time") <= clock.now():
            raise ValidationError("续报期限应晚于当前时间", "due_time")


class FaultSchema(FormSchema):
    """漏报 / 瞒报 recorded by an upper office."""

    unit_id = Id("单位", required=True, error="请选择单位")
    kind = Choice(["missed", "concealed"], "类型", required=True)
    event_time = _moment(required=True)
    title = _text(200, required=True, label="事件")
    description = _text(5000, required=True, label="情况说明")
    emergency_id = Id("紧急信息", load_default=None, allow_none=True)

    @validates_schema
    def _event_time(self, data, **kwargs):
        if data.get("event_time"):
            past_moment(data["event_time"], "event_time", "事件发生时间")


FORMS = {"emergency.written": WrittenSchema, "emergency.sign": SignSchema, "emergency.receive": ReceiveSchema,
         "emergency.followup": FollowUpSchema, "emergency.revise": RevisionSchema}
CHECKS = {"emergency.sign": check_sign}


class RecordArgs(MonthArgs):
    """A unit's 报送记录: which unit (by default the user's own level) and month (by default all)."""

    unit = Id("单位", load_default=None)
