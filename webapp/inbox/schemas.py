"""The inbox lists' arguments (filters, sort, page) and a listed item as JSON."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from webapp.auth.roles import SECRECY_LEVELS, URGENCY_LEVELS

TABS = {"todo": "待办", "done": "已办", "started": "我发起的", "copied": "抄送我的", "urges": "催办记录"}
TYPES = {"info": "信息", "case": "批示件", "emergency": "紧急信息"}
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


class ListArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    type = fields.String(validate=validate.OneOf(list(TYPES)))
    urgency = fields.String(validate=validate.OneOf(list(URGENCY_LEVELS)))
    secrecy = fields.Integer(validate=validate.OneOf(list(SECRECY_LEVELS)))
    due = fields.String(validate=validate.OneOf(list(DUE_STATES)))
    unit = fields.Integer(validate=validate.Range(min=1))
    sort = fields.String(validate=validate.OneOf(list(SORTS)))
    direction = fields.String(validate=validate.OneOf(list(DIRECTIONS)))
    page = fields.Integer(validate=validate.Range(min=1, max=MAX_PAGE))


def parse_list_args(tab, args):
    """The filters of a list request that its tab offers; a value not offered is dropped, as if not given."""
    given = {k: v for k, v in args.items() if v != "" and (k == "page" or k in TAB_FILTERS[tab])}
    try:
        parsed = ListArgs().load(given)
    except ValidationError as exc:
        parsed = {k: v for k, v in (exc.valid_data or {}).items() if k not in exc.messages}
    parsed.setdefault("page", 1)
    return parsed


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
