"""Forms of the information-report steps (marshmallow), registered by form key."""
from marshmallow import ValidationError, fields, validate, validates_schema

from webapp.auth.roles import IMPORTANCE_LEVELS, SECRECY_LEVELS, URGENCY_LEVELS
from webapp.engine.forms import FormSchema

CATEGORIES = ["经济运行", "社会稳定", "民生保障", "安全生产", "生态环境", "党的建设", "社情民意", "其他"]
PUBLICATIONS = ["汇要", "内参", "上报", "重要信息", "专报", "领导参阅"]
REQUIRED = {"required": "此项为必填项", "null": "此项为必填项"}


def _choice(choices, label):
    return validate.OneOf(list(choices), error=f"请选择有效的{label}")


class ComposeSchema(FormSchema):
    """采编: the item itself."""

    title = fields.String(required=True, validate=validate.Length(min=2, max=200, error="标题长度应为2到200字"),
                          error_messages=REQUIRED)
    body = fields.String(required=True, validate=validate.Length(min=10, max=20000, error="正文长度应为10到20000字"),
                         error_messages=REQUIRED)
    category = fields.String(required=True, validate=_choice(CATEGORIES, "类别"), error_messages=REQUIRED)
    urgency = fields.String(required=True, validate=_choice(URGENCY_LEVELS, "紧急程度"), error_messages=REQUIRED)
    importance = fields.String(required=True, validate=_choice(IMPORTANCE_LEVELS, "信息类别"),
                               error_messages=REQUIRED)
    secrecy = fields.Integer(required=True, validate=_choice(SECRECY_LEVELS, "密级"),
                             error_messages={**REQUIRED, "invalid": "请选择有效的密级"})
    event_time = fields.String(load_default=None, allow_none=True)
    source_unit = fields.String(load_default="", validate=validate.Length(max=128))
    # 报忧: an unticked box is not posted at all
    problem_report = fields.Boolean(load_default=False, falsy={*fields.Boolean.falsy, ""},
                                    error_messages={"invalid": "请选择是否为报忧信息"})

    @validates_schema
    def _event_time(self, data, **kwargs):
        value = data.get("event_time")
        if value:
            from datetime import datetime

            try:
                datetime.fromisoformat(value)
            except ValueError as exc:
                raise ValidationError("事件时间格式应为 YYYY-MM-DDTHH:MM", "event_time") from exc


class ReviewSchema(FormSchema):
    """核实审核 / 审签: pass or return, with an opinion (required when returning)."""

    decision = fields.String(required=True, validate=_choice(["pass", "return"], "处理意见"),
                             error_messages=REQUIRED)
    opinion = fields.String(load_default="", validate=validate.Length(max=2000))

    @validates_schema
    def _opinion_on_return(self, data, **kwargs):
        if data.get("decision") == "return" and not data.get("opinion", "").strip():
            raise ValidationError("退回时必须填写意见", "opinion")


class EditSchema(FormSchema):
    """编辑处理: adopt into a publication, not adopted, or return for more work."""

    decision = fields.String(required=True, validate=_choice(["adopt", "reject", "return"], "处理结果"),
                             error_messages=REQUIRED)
    publication = fields.String(load_default=None, allow_none=True)
    opinion = fields.String(load_default="", validate=validate.Length(max=2000))

    @validates_schema
    def _publication_on_adopt(self, data, **kwargs):
        if data.get("decision") == "adopt" and data.get("publication") not in PUBLICATIONS:
            raise ValidationError("采用时请选择刊物", "publication")
        if data.get("decision") == "return" and not data.get("opinion", "").strip():
            raise ValidationError("退回时必须填写意见", "opinion")


FORMS = {"reports.compose": ComposeSchema, "reports.review": ReviewSchema, "reports.edit": EditSchema}
