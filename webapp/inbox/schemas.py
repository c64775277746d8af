"""The inbox lists' arguments (filters, sort, page), the task verbs' forms, and a listed item as JSON."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields

from webapp.core.roles import SECRECY_LEVELS, URGENCY_LEVELS
from webapp.inputs.fields import Choice, Flag, Id, IdList, IntChoice, Integer, Text
from webapp.inputs.schemas import FormSchema, QuerySchema

TABS = {"todo": "待办", "done": "已办", "started": "我发起的", "copied": "抄送我的", "urges": "催办记录"}
TYPES = {"info": "信息", "case": "批示件", "emergency": "紧急信息", "keytask": "重点任务", "issue": "刊物"}
DUE_STATES = {"overdue": "已超期", "near_due": "临近到期"}
SORTS = {"time": "按时间（新→旧）", "due": "按办理期限", "urgency": "按紧急程度"}
DIRECTIONS = {"received": "催办我的", "sent": "我发出的"}
# Which filters each tab offers: a completed task has no deadline left to run.
TAB_FILTERS = {
    "todo": ("type", "urgency", "secrecy", "due", "unit", "sort"),
    "done": ("type", "urgency", "secrecy", "unit", "sort"),
    "started": ("type", "urgency", "secrecy", "due", "unit", "sort"),
    "copied": ("type", "urgency", "secrecy", "due", "unit", "sort"),
    "urges": ("direction", "type", "urgency", "secrecy", "due", "unit", "sort"),
}
MAX_PAGE = 10_000
PHRASE_RULE = "常用语不能为空，且不超过 200 字。"


class ListArgs(QuerySchema):
    type = Choice(TYPES, "类型")
    urgency = Choice(URGENCY_LEVELS, "紧急程度")
    secrecy = IntChoice(SECRECY_LEVELS, "密级")
    due = Choice(DUE_STATES, "期限状态")
    unit = Id("单位")
    sort = Choice(SORTS, "排序方式")
    direction = Choice(DIRECTIONS, "催办方向")
    page = Integer(1, MAX_PAGE, label="页码")


def parse_list_args(tab, args):
    """The filters of a list request that its tab offers; a value not offered is dropped, as if not given."""
    given = {k: v for k, v in args.items() if v != "" and (k == "page" or k in TAB_FILTERS[tab])}
    try:
        parsed = ListArgs().load(given)
    except ValidationError as exc:
        parsed = {k: v for k, v in (exc.valid_data or {}).items() if k not in exc.messages}
    parsed.setdefault("page", 1)
    return parsed


class TransferSchema(FormSchema):
    """转办: to whom, and why (the verb itself asks for the reason)."""

    class Meta:
        unknown = EXCLUDE

    target_user_id = Id("转办对象", required=True)
    reason = Text(500)


class ReturnSchema(FormSchema):
    """退回: to which earlier step, and why."""

    class Meta:
        unknown = EXCLUDE

    target_row_id = Id("退回环节", required=True)
    reason = Text(500)


class UrgeSchema(FormSchema):
    class Meta:
        unknown = EXCLUDE

    note = Text(500, error="催办说明不能超过500字")
    notify_leader = Flag()


class CopySchema(FormSchema):
    """抄送: users and whole units, with a note."""

    class Meta:
        unknown = EXCLUDE

    user_ids = IdList("抄送人员")
    unit_ids = IdList("抄送单位")
    note = Text(500)


class PhraseSchema(FormSchema):
    class Meta:
        unknown = EXCLUDE

    text = Text(200, required=True, error=PHRASE_RULE, error_messages={"required": PHRASE_RULE, "null": PHRASE_RULE})


class ItemRowOut(Schema):
    """An item of 我发起的 / 抄送我的 / 催办记录."""

    instance_id = fields.Integer()
    process_key = fields.String()
    kind = fields.String()
    title = fields.String()
    status = fields.String()
    status_label = fields.String()
    urgency = fields.String()
    secrecy = fields.Integer()
    unit_id = fields.Integer(allow_none=True)
    current_steps = fields.Function(lambda r: [s.step_label for s in r.open_tasks])
    due_dt = fields.DateTime(allow_none=True)
    started_dt = fields.DateTime()
    read = fields.Boolean(allow_none=True)
    copied_dt = fields.DateTime(allow_none=True)
    direction = fields.String(allow_none=True)
    urged_step = fields.String(allow_none=True)
    urged_dt = fields.DateTime(allow_none=True)
    note = fields.String(allow_none=True)


item_row_schema = ItemRowOut()
