"""Forms of the editorial desk: a publication's settings, starting an issue, and the issue's steps."""
from marshmallow import ValidationError, validates_schema

from webapp.core.roles import SECRECY_LEVELS, URGENCY_LEVELS
from webapp.inputs.fields import Choice, Flag, Float, FormList, Id, IdList, IntChoice, Text
from webapp.inputs.schemas import DecisionSchema, FormSchema
from webapp.reports.schemas import CATEGORIES, EditSchema

from .models import FREQUENCIES, KINDS, SIGNERS

MAX_ENTRIES = 10  # places in one issue: the compile form's slots, each an item, its headline and its 编者按


class PublicationSchema(FormSchema):
    """A publication's settings (新增 or 修改)."""

    name = Text(32, min_length=2, required=True, error="刊物名称长度应为2到32字")
    kind = Choice(KINDS, "刊物类型", required=True)
    frequency = Choice(FREQUENCIES, "出刊周期", required=True)
    numbered_per_year = Flag(error_messages={"invalid": "请选择期号是否按年编排"})
    signer_role = Choice(SIGNERS, "签发人", required=True)
    bao = Text(500, label="报")
    song = Text(500, label="送")
    fa = Text(500, label="发")
    recipient_unit_ids = IdList("分发单位")
    active = Flag(error_messages={"invalid": "请选择是否启用"})


class StartIssueSchema(FormSchema):
    """编辑新一期: of which publication."""

    publication_id = Id("刊物", required=True, error="请选择刊物")


def _slot_fields():
    fields = {}
    for n in range(1, MAX_ENTRIES + 1):
        fields[f"item_{n}"] = Id("信息", load_default=None, allow_none=True, error="请选择有效的信息")
        fields[f"headline_{n}"] = Text(200, label="标题")
        fields[f"note_{n}"] = Text(2000, label="编者按")
    return fields


class CompileSchema(FormSchema.from_dict(_slot_fields())):
    """编辑本期: the items in their order (slot 1 first), each with the editor's headline and 编者按; the issue's
    secrecy and urgency marks."""

    secrecy = IntChoice(SECRECY_LEVELS, "密级", required=True)
    urgency = Choice(URGENCY_LEVELS, "紧急程度", required=True)

    @validates_schema
    def _items(self, data, **kwargs):
        chosen = [data.get(f"item_{n}") for n in range(1, MAX_ENTRIES + 1) if data.get(f"item_{n}")]
        if not chosen:
            raise ValidationError("本期至少编入一条信息", "item_1")
        if len(chosen) != len(set(chosen)):
            raise ValidationError("同一条信息只能编入一次", "item_1")


def entries_of(form):
    """[(item id, headline, note)] in the order of the slots (blank slots skipped)."""
    return [(form[f"item_{n}"], (form.get(f"headline_{n}") or "").strip(), (form.get(f"note_{n}") or "").strip())
            for n in range(1, MAX_ENTRIES + 1) if form.get(f"item_{n}")]


class ReviewSchema(DecisionSchema):
    """科长审核: pass it on for sign-off, or return it with the reasons."""

    CHOICES = ("approve", "return")
    NO = "return"


class SignSchema(DecisionSchema):
    """签发: sign it off (it gets its 期号 and is sent), or return it with the reasons."""

    CHOICES = ("sign", "return")
    NO = "return"


class MergePickSchema(FormSchema):
    """综合所选: the items ticked on the 综合 page."""

    item_ids = IdList("信息")


class MergeSchema(FormSchema):
    """综合: the items merged (in order), each source's share in per cent (blank: equal), the combined item."""

    item_ids = IdList("信息", required=True, error_messages={"required": "请选择要综合的信息"})
    shares = FormList(Float(0, 100, label="占比", error="占比应在0到100之间"))
    title = Text(200, min_length=2, required=True, error="标题长度应为2到200字")
    body = Text(20000, min_length=10, required=True, error="正文长度应为10到20000字")
    category = Choice(CATEGORIES, "类别", required=True)
    secrecy = IntChoice(SECRECY_LEVELS, "密级", required=True)
    urgency = Choice(URGENCY_LEVELS, "紧急程度", required=True)


class MergedEditSchema(EditSchema):
    """编辑处理 of a combined item: adopt it into a publication or not (there is no writer to return it to)."""

    decision = Choice(["adopt", "reject"], "处理结果", required=True)
