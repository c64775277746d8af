"""Forms of the ledger pages and of the key_task steps; milestone lines as typed on the page and in the Excel file."""
import re
from datetime import date

from marshmallow import ValidationError, validates, validates_schema

from webapp.core import clock
from webapp.inputs.fields import Choice, ChoiceList, Day, Id, IdList, Integer, Text, Year
from webapp.inputs.schemas import DecisionSchema, FormSchema, QuerySchema

from .models import CHECKPOINT_MODES, RETURN_REASONS

MILESTONE_LINE = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*[：:，,\s]\s*(.+?)\s*$")
MILESTONE_SPLIT = re.compile(r"[\n；;]+")


def _text(max_len, required=False, min_len=0):
    return Text(max_len, min_length=min_len, required=required, error=f"长度应为{min_len}到{max_len}字")


def parse_milestones(text, year=None):
    """'2026-06-30 完成立项；2026-12-31 建成投用' as [(date, text)], plus the problems of lines that are not."""
    found, problems = [], []
    for line in (part.strip() for part in MILESTONE_SPLIT.split(text or "")):
        if not line:
            continue
        match = MILESTONE_LINE.match(line)
        if match is None:
            problems.append(f"节点“{line[:30]}”应写成“日期 内容”，如“{year or 2026}-06-30 完成立项”")
            continue
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            problems.append(f"节点“{line[:30]}”的日期无效")
            continue
        if year is not None and day.year not in (year, year + 1):
            problems.append(f"节点“{line[:30]}”的日期不在台账年度内")
        elif len(match[4]) > 500:
            problems.append("节点内容过长（不超过 500 字）")
        else:
            found.append((day, match[4]))
    return found, problems


class LedgerSchema(FormSchema):
    """A new ledger: its year, title and when the lead units report."""

    year = Year(required=True)
    title = _text(200, required=True, min_len=2)
    checkpoint_mode = Choice(CHECKPOINT_MODES, "进展报送周期", required=True)


class TaskSchema(FormSchema):
    """One key task typed on the ledger's page."""

    area = _text(100, required=True, min_len=2)
    number = _text(16, required=True, min_len=1)
    title = _text(300, required=True, min_len=2)
    leader_name = _text(100, required=True, min_len=2)
    lead_unit_id = Id("牵头单位", required=True, error="请选择牵头单位")
    cooperating_unit_ids = IdList("配合单位")
    targets = _text(5000)
    milestones = _text(5000)

    @validates_schema
    def _lines(self, data, **kwargs):
        if data.get("lead_unit_id") in (data.get("cooperating_unit_ids") or []):
            raise ValidationError("牵头单位不能同时作为配合单位", "cooperating_unit_ids")
        _found, problems = parse_milestones(data.get("milestones", ""))
        if problems:
            raise ValidationError(problems, "milestones")


class SiteVisitSchema(FormSchema):
    """派人督办: who went, on which day, what they found and what was agreed with the unit."""

    inspectors = _text(200, required=True, min_len=2)
    visit_date = Day(required=True)
    findings = _text(5000, required=True, min_len=10)
    agreed = _text(3000)

    @validates("visit_date")
    def _not_ahead(self, value, **kwargs):
        if value > clock.local_today():
            raise ValidationError("督办日期不能晚于今天")


class StartRoundSchema(FormSchema):
    """发起本期进展报送: the checkpoint of the ledger's year."""

    checkpoint = Day(required=True)


class CircularArgs(QuerySchema):
    checkpoint = Day(load_default=None)


class ReportSchema(FormSchema):
    """The lead unit's progress at a checkpoint, with what the cooperating units contributed."""

    progress = _text(5000, required=True, min_len=10)
    cooperation = _text(3000)
    next_steps = _text(2000)


class ContributeSchema(FormSchema):
    """配合单位报送: a cooperating unit's part of the checkpoint's report, sent to the lead unit."""

    contribution_progress = _text(3000, required=True, min_len=4)
    contribution_problems = _text(2000)
    contribution_next = _text(2000)


class SignSchema(DecisionSchema):
    """The lead unit's leader signs the report, or sends it back."""

    CHOICES = ("sign", "return")
    NO = "return"


class ReviewSchema(DecisionSchema):
    """督查室 审核: accept, accept as the task's completion, or return with reasons."""

    CHOICES = ("accept", "complete", "return")
    NO = "return"
    return_reasons = ChoiceList(RETURN_REASONS, "退回原因")

    @validates_schema
    def _reasons(self, data, **kwargs):
        if data.get("decision") == "return" and not data.get("return_reasons"):
            raise ValidationError("退回时请选择退回原因", "return_reasons")


class ProposeSchema(FormSchema):
    """专项督查立项: what is supervised and why, which units, how and when."""

    title = _text(200, required=True, min_len=4)
    scope = _text(5000, required=True, min_len=10)
    unit_ids = IdList("被督查单位", required=True)
    plan = _text(3000)


class ApproveSchema(DecisionSchema):
    """The leader in charge approves the project, or sends it back."""

    CHOICES = ("approve", "return")
    NO = "return"


class FindingsSchema(FormSchema):
    """督查实施: what was found, what must be rectified and by when."""

    findings = _text(10000, required=True, min_len=10)
    requirements = _text(5000)
    rectify_by = Day(as_text=True, required=True)


class UnitFindingsSchema(FormSchema):
    """督查实施 at one unit: what was found, what must be rectified, and in how many working days."""

    unit_findings = _text(10000, required=True, min_len=10)
    unit_requirements = _text(5000)
    rectify_days = Integer(1, 120, label="整改期限（工作日）", required=True)


class RectifySchema(FormSchema):
    """整改情况: what the inspected unit did about the findings."""

    rectification = _text(10000, required=True, min_len=10)


class RectifyCheckSchema(DecisionSchema):
    """督查室 验收整改: accept the unit's rectification, or return it with the reason."""

    CHOICES = ("accept", "return")
    NO = "return"


class CloseSchema(FormSchema):
    """结项报告."""

    report = _text(10000, required=True, min_len=20)


FORMS = {
    "keytasks.report": (ReportSchema, None),
    "keytasks.sign": (SignSchema, None),
    "keytasks.review": (ReviewSchema, None),
    "keytasks.project_propose": (ProposeSchema, None),
    "keytasks.project_approve": (ApproveSchema, None),
    "keytasks.project_findings": (FindingsSchema, None),
    "keytasks.contribute": (ContributeSchema, None),
    "keytasks.project_unit_findings": (UnitFindingsSchema, None),
    "keytasks.project_rectify": (RectifySchema, None),
    "keytasks.project_rectify_check": (RectifyCheckSchema, None),
    "keytasks.project_close": (CloseSchema, None),
    "keytasks.project_sign": (SignSchema, None),
}
