"""Forms of the information-report steps (marshmallow), registered by form key."""
from marshmallow import ValidationError, validates_schema

from webapp.core.roles import IMPORTANCE_LEVELS, SECRECY_LEVELS, URGENCY_LEVELS
from webapp.inputs.fields import Choice, Flag, Id, IntChoice, LocalDateTime, Text
from webapp.inputs.schemas import FormSchema

CATEGORIES = ["经济运行", "社会稳定", "民生保障", "安全生产", "生态环境", "党的建设", "社情民意", "其他"]
# The publications every office started with; each office now keeps its own (webapp/editorial, asked through
# `hooks.publication_choices`), and scoring weighs adoptions by these names.
PUBLICATIONS = ["汇要", "内参", "上报", "重要信息", "专报", "领导参阅"]


class ComposeSchema(FormSchema):
    """采编: the item itself."""

    title = Text(200, min_length=2, required=True, error="标题长度应为2到200字")
    body = Text(20000, min_length=10, required=True, error="正文长度应为10到20000字")
    category = Choice(CATEGORIES, "类别", required=True)
    urgency = Choice(URGENCY_LEVELS, "紧急程度", required=True)
    importance = Choice(IMPORTANCE_LEVELS, "信息类别", required=True)
    secrecy = IntChoice(SECRECY_LEVELS, "密级", required=True)
    # kept as the text entered (local time) in the instance's data
    event_time = LocalDateTime(as_text=True, load_default=None, allow_none=True,
                               error_messages={"invalid": "事件时间格式应为 YYYY-MM-DDTHH:MM"})
    source_unit = Text(128)
    # 报忧: an unticked box is not posted at all
    problem_report = Flag(error_messages={"invalid": "请选择是否为报忧信息"})
    # 直报: a 直报点's writer may send the item straight to the higher office it reports to (blank: the usual one)
    report_to = Id("报送单位", load_default=None, allow_none=True)


class ReviewSchema(FormSchema):
    """核实审核 / 审签: pass or return, with an opinion (required when returning)."""

    decision = Choice(["pass", "return"], "处理意见", required=True)
    opinion = Text(2000)

    @validates_schema
    def _opinion_on_return(self, data, **kwargs):
        if data.get("decision") == "return" and not data.get("opinion", "").strip():
            raise ValidationError("退回时必须填写意见", "opinion")


class EditSchema(FormSchema):
    """编辑处理: adopt into a publication, not adopted, or return for more work; 综合 (merge) only through the
    editorial desk's merge, which hands its one-time `merge_token` (checked by `checks.check_edit`)."""

    decision = Choice(["adopt", "reject", "return", "merge"], "处理结果", required=True)
    publication = Text(32, load_default=None, allow_none=True)
    opinion = Text(2000)
    merge_token = Text(40, load_default=None, allow_none=True)

    @validates_schema
    def _publication_on_adopt(self, data, **kwargs):
        if data.get("decision") == "adopt" and not (data.get("publication") or "").strip():
            raise ValidationError("采用时请选择刊物", "publication")
        if data.get("decision") == "return" and not data.get("opinion", "").strip():
            raise ValidationError("退回时必须填写意见", "opinion")


FORMS = {"reports.compose": ComposeSchema, "reports.review": ReviewSchema, "reports.edit": EditSchema}


class DiscardSchema(FormSchema):
    """作废草稿: an optional reason, kept in the item's history."""

    reason = Text(500, label="作废原因")
