"""Forms of the case steps (marshmallow), their checks against the case's data, and the rule form."""
from datetime import date

from marshmallow import ValidationError, post_load, pre_load, validates, validates_schema

from webapp.auth.models import Unit
from webapp.core import clock
from webapp.core.roles import SECRECY_LEVELS, URGENCY_LEVELS
from webapp.extensions import db
from webapp.inputs.fields import Choice, ChoiceList, Day, Id, IdList, IntChoice, Integer, Text
from webapp.inputs.schemas import DecisionSchema, FormSchema

from . import deadlines
from .models import LEVELS, RETURN_REASONS


def _text(max_len, required=False, min_len=0):
    return Text(max_len, min_length=min_len, required=required, error=f"长度应为{min_len}到{max_len}字")


def _unit_exists(unit_id, message):
    if db.session.get(Unit, unit_id) is None:
        raise ValidationError(message)


class RegisterSchema(FormSchema):
    """登记: the instruction and who handles it."""

    title = _text(200, required=True, min_len=2)
    source_leader = _text(64, required=True, min_len=2)
    level = Choice(LEVELS, "批示领导层级", required=True)
    instruction = _text(5000, required=True, min_len=4)
    instruction_date = Day(as_text=True, required=True)
    urgency = Choice(URGENCY_LEVELS, "紧急程度", required=True)
    secrecy = IntChoice(SECRECY_LEVELS, "密级", required=True)
    lead_unit_id = Id("牵头承办单位", required=True, validate=lambda uid: _unit_exists(uid, "牵头承办单位不存在"),
                      error="请选择牵头承办单位")
    assist_unit_ids = IdList("协办单位")

    @validates_schema
    def _units(self, data, **kwargs):
        lead = data.get("lead_unit_id")
        assist = data.get("assist_unit_ids") or []
        if lead in assist:
            raise ValidationError("牵头单位不能同时作为协办单位（避免多头办理）", "assist_unit_ids")
        if assist and db.session.query(Unit).filter(Unit.id.in_(assist)).count() != len(set(assist)):
            raise ValidationError("协办单位不存在", "assist_unit_ids")
        if data.get("instruction_date") and date.fromisoformat(data["instruction_date"]) > clock.local_today():
            raise ValidationError("批示日期不能晚于今天", "instruction_date")


class AssignSchema(FormSchema):
    """交办: send to the lead unit with requirements, or back to registration."""

    decision = Choice(["assign", "return"], "处理意见", required=True)
    requirements = _text(2000)
    opinion = _text(2000)

    @validates_schema
    def _opinion(self, data, **kwargs):
        if data.get("decision") == "return" and not data.get("opinion", "").strip():
            raise ValidationError("退回登记时必须填写意见", "opinion")


class HandleSchema(FormSchema):
    """办理: a progress report, the closing report, or an extension request."""

    decision = Choice(["progress", "close", "extension"], "办理动作", required=True)
    progress = _text(5000)
    report = _text(10000)
    doc_no = _text(64)
    extend_until = Day(as_text=True, load_default=None, allow_none=True)
    extension_reason = _text(2000)

    @pre_load
    def _blank_dates(self, data, **kwargs):
        return {**data, "extend_until": data.get("extend_until") or None}

    @validates_schema
    def _by_decision(self, data, **kwargs):
        decision = data.get("decision")
        if decision == "progress" and len(data.get("progress", "").strip()) < 10:
            raise ValidationError("进展情况至少填写10个字", "progress")
        if decision == "close" and len(data.get("report", "").strip()) < 20:
            raise ValidationError("办理结果报告至少填写20个字：写明事实、原因和整改措施", "report")
        if decision == "extension":
            errors = {}
            if not data.get("extend_until"):
                errors["extend_until"] = ["请填写申请延至的日期"]
            if len(data.get("extension_reason", "").strip()) < 10:
                errors["extension_reason"] = ["延期须书面说明理由（至少10个字）"]
            if errors:
                raise ValidationError(errors)


def check_handle(form, data):
    """Rules that need the case: the formal document number, the deadline and the extension cap."""
    if form["decision"] == "close" and data.get("level") in ("central", "provincial") and not form.get("doc_no"):
        return {"doc_no": ["中央、省领导批示件须以党委或办公室正式文件报结，请填写文号"]}
    if form["decision"] == "extension":
        problem = deadlines.extension_problem(data.get("deadlines"), date.fromisoformat(form["extend_until"]),
                                              clock.now())
        if problem:
            return {"extend_until": [problem]}
    return None


def check_approve_extension(form, data):
    """Approving runs the extension at once: whatever would stop it (a calendar year removed since the request)
    refuses the approval here instead of putting the case into an incident."""
    if form["decision"] != "approve" or not data.get("extend_until"):
        return None
    problem = deadlines.extension_problem(data.get("deadlines"), date.fromisoformat(data["extend_until"]))
    return {"decision": [problem]} if problem else None


class ApproveExtensionSchema(DecisionSchema):
    """延期审批 by the supervision office."""

    CHOICES = ("approve", "refuse")
    NO = "refuse"


class SignSchema(DecisionSchema):
    """签发 of the closing report by the leader the level requires."""

    CHOICES = ("sign", "return")
    NO = "return"


class ReviewSchema(DecisionSchema):
    """审核 by the supervision office: accept, or return with the reasons."""

    CHOICES = ("accept", "return")
    NO = "return"
    return_reasons = ChoiceList(RETURN_REASONS, "退回原因")

    @validates_schema
    def _reasons(self, data, **kwargs):
        if data.get("decision") == "return" and not data.get("return_reasons"):
            raise ValidationError("退回时请选择退回原因", "return_reasons")


FORMS = {
    "cases.register": (RegisterSchema, None),
    "cases.assign": (AssignSchema, None),
    "cases.handle": (HandleSchema, check_handle),
    "cases.approve_extension": (ApproveExtensionSchema, check_approve_extension),
    "cases.sign": (SignSchema, None),
    "cases.review": (ReviewSchema, None),
}


class SiteVisitSchema(FormSchema):
    """派人督办: who the 督查室 sent on site, on which day, and what they found."""

    inspectors = _text(200, required=True, min_len=2)
    visit_date = Day(required=True)
    findings = _text(5000, required=True, min_len=10)

    @validates("visit_date")
    def _not_ahead(self, value, **kwargs):
        if value > clock.local_today():
            raise ValidationError("督办日期不能晚于今天")


def _amount(minimum, maximum, **kwargs):
    return Integer(minimum, maximum, error=f"应为{minimum}到{maximum}", error_messages={"invalid": "请填写整数"},
                   **kwargs)


# About how many calendar days an amount spans, to compare a reminder with a deadline in another unit.
_DAYS = {"calendar_days": 1, "working_days": 7 / 5, "months": 30, "hours": 1 / 24}


def _reminder_reaches_assignment(data):
    """Whether the reminder is as long as the deadline itself (a 60-day reminder on one month): the case would be
    "临近到期" from the moment it is assigned. Same units compare exactly, others by their usual length."""
    finish, remind = data.get("finish_amount"), data.get("remind_amount")
    if finish is None or remind is None or not data.get("finish_unit") or not data.get("remind_unit"):
        return False
    if data["finish_unit"] == data["remind_unit"]:
        return remind >= finish
    return remind * _DAYS[data["remind_unit"]] >= finish * _DAYS[data["finish_unit"]]


class RuleSchema(FormSchema):
    """An admin's deadline rule for one level."""

    finish_amount = _amount(1, 365, required=True)
    finish_unit = Choice(["calendar_days", "working_days", "months"], "单位", required=True)
    remind_amount = _amount(0, 60, required=True)
    remind_unit = Choice(["calendar_days", "working_days", "hours"], "单位", required=True)
    feedback_amount = _amount(1, 60, load_default=None, allow_none=True)
    feedback_unit = Choice(["calendar_days", "working_days"], "单位", load_default=None, allow_none=True)
    extension_cap_amount = _amount(0, 365, required=True)
    extension_cap_unit = Choice(["calendar_days", "working_days", "months"], "单位", required=True)

    @pre_load
    def _blanks(self, data, **kwargs):
        return {k: (None if v == "" else v) for k, v in data.items()}

    @validates_schema
    def _reminder_within_deadline(self, data, **kwargs):
        if _reminder_reaches_assignment(data):
            raise ValidationError(f"到期前提醒（{data['remind_amount']}{deadlines.UNIT_LABELS[data['remind_unit']]}）"
                                  f"应短于办理期限（{data['finish_amount']}"
                                  f"{deadlines.UNIT_LABELS[data['finish_unit']]}），否则交办当时就已进入提醒期",
                                  "remind_amount")

    @post_load
    def _feedback_pair(self, data, **kwargs):
        if data.get("feedback_amount") is None:
            data["feedback_unit"] = None
        elif data.get("feedback_unit") is None:
            data["feedback_unit"] = "calendar_days"
        return data
