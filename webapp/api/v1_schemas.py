"""Schemas of /api/v1: what the OpenAPI document describes (inputs are FormSchemas: refusals in Chinese)."""
from marshmallow import Schema, fields

from webapp.inbox.schemas import TABS
from webapp.inputs.fields import Choice, Flag
from webapp.inputs.schemas import QuerySchema

from .schemas import EmergencyOut, EventOut, ItemOut, TaskOut


class Me(Schema):
    id = fields.Integer()
    username = fields.String()
    name = fields.String()
    unit_id = fields.Integer()
    unit_name = fields.String()
    roles = fields.List(fields.String())
    clearance = fields.Integer(metadata={"description": "密级许可：0 公开，1 内部，2 秘密，3 机密"})
    token_scopes = fields.List(fields.String(), allow_none=True,
                               metadata={"description": "以访问令牌调用时令牌的权限范围；以会话调用时为 null"})


class InboxPage(Schema):
    tab = fields.String(metadata={"enum": sorted(TABS)})
    page = fields.Integer()
    has_next = fields.Boolean()
    tasks = fields.List(fields.Nested(TaskOut), metadata={"description": "待办、已办"})
    items = fields.List(fields.Dict(), metadata={"description": "我发起的、抄送我的、催办记录"})


class FormField(Schema):
    name = fields.String()
    type = fields.String()
    required = fields.Boolean()


class TaskDetail(Schema):
    task = fields.Nested(TaskOut)
    form_fields = fields.List(fields.Nested(FormField))
    etag = fields.String(metadata={"description": "办理时以 If-Match 头回传，表单已过期则返回 412"})


class Completed(Schema):
    status = fields.String(metadata={"description": "实例状态：running / completed / error …"})
    incident = fields.String(allow_none=True)


class ItemDetail(Schema):
    item = fields.Nested(ItemOut)


class ItemCreated(Schema):
    item = fields.Nested(ItemOut)
    task = fields.Nested(TaskOut)


class History(Schema):
    history = fields.List(fields.Nested(EventOut))


class EmergencyArgs(QuerySchema):
    scope = Choice(["all", "open", "own"], load_default="all")


class EmergencyList(Schema):
    emergencies = fields.List(fields.Nested(EmergencyOut))


class EmergencyDetail(Schema):
    emergency = fields.Nested(EmergencyOut)
    history = fields.List(fields.Nested(EventOut))


class Problem(Schema):
    """RFC 9457 problem details; `title` and `detail` in Chinese."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    code = fields.String()
    fields_ = fields.Dict(data_key="fields", metadata={"description": "表单错误：字段名 → 错误信息列表"})


class TaskOnly(Schema):
    task = fields.Nested(TaskOut)


class Withdrawn(Schema):
    task = fields.Nested(TaskOut, allow_none=True, metadata={"description": "撤回后重新回到调用者待办的任务"})


class Person(Schema):
    id = fields.Integer()
    name = fields.String()
    unit_id = fields.Integer()


class People(Schema):
    people = fields.List(fields.Nested(Person))


class Steps(Schema):
    steps = fields.List(fields.Nested(TaskOut))


class Urged(Schema):
    urge_id = fields.Integer()
    task_id = fields.Integer()


class Recipient(Schema):
    id = fields.Integer()
    name = fields.String()


class Copied(Schema):
    copied = fields.List(fields.Nested(Recipient))


class NoticeArgs(QuerySchema):
    unread = Flag(load_default=False)


class NoticeOut(Schema):
    id = fields.Integer()
    title = fields.String()
    body = fields.String()
    level = fields.String(metadata={"enum": ["info", "warning", "danger"]})
    created_dt = fields.DateTime()
    instance_id = fields.Integer(allow_none=True)
    link = fields.String(allow_none=True)
    read = fields.Boolean()


class NoticeList(Schema):
    notices = fields.List(fields.Nested(NoticeOut))


class NoticeRead(Schema):
    id = fields.Integer()
    read = fields.Boolean()
