"""Schemas of /api/v1: what the OpenAPI document describes (inputs are FormSchemas: refusals in Chinese)."""
from marshmallow import INCLUDE, Schema, fields

from webapp.inbox.schemas import TABS, ListArgs
from webapp.inputs.fields import Choice, Flag, Id, Month, Year
from webapp.inputs.schemas import QuerySchema
from webapp.webhooks.models import EVENTS as WEBHOOK_EVENTS
from webapp.webhooks.models import WebhookDelivery

from .cursors import PageArgs
from .schemas import EmergencyOut, EventOut, ItemOut, TaskOut

DELIVERY_STATES = WebhookDelivery.STATE_LABELS
NEXT_CURSOR = {"description": "下一页的 cursor；已是最后一页时为 null"}


def next_cursor():
    return fields.String(allow_none=True, metadata=NEXT_CURSOR)


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


class InboxArgs(ListArgs, PageArgs):
    """The list's filters (as on the page) with a cursor instead of a page number."""

    class Meta:
        exclude = ("page",)


class InboxPage(Schema):
    tab = fields.String(metadata={"enum": sorted(TABS)})
    next_cursor = next_cursor()
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


class EmergencyArgs(PageArgs):
    scope = Choice(["all", "open", "own"], load_default="all")


class EmergencyList(Schema):
    emergencies = fields.List(fields.Nested(EmergencyOut))
    next_cursor = next_cursor()


class EmergencyDetail(Schema):
    emergency = fields.Nested(EmergencyOut)
    history = fields.List(fields.Nested(EventOut))


class Problem(Schema):
    """RFC 9457 problem details; `title` and `detail` in Chinese; further members by kind (`required_scope`, the
    `errors` and `warnings` of a refused diagram …)."""

    class Meta:
        unknown = INCLUDE

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


class NoticeArgs(PageArgs):
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
    next_cursor = next_cursor()


class NoticeRead(Schema):
    id = fields.Integer()
    read = fields.Boolean()


class CaseOut(Schema):
    """A 批示件 as the desk and the case page show it; `alert` is its light."""

    id = fields.Integer()
    instance_id = fields.Integer()
    case_no = fields.String()
    unit_id = fields.Integer(metadata={"description": "登记的督查室"})
    title = fields.String()
    source_leader = fields.String()
    level = fields.String(allow_none=True)
    level_label = fields.String()
    instruction = fields.String()
    instruction_date = fields.Date(allow_none=True)
    urgency = fields.String()
    secrecy = fields.Integer()
    lead_unit_id = fields.Integer(allow_none=True)
    assist_unit_ids = fields.List(fields.Integer())
    requirements = fields.String()
    stage = fields.String()
    stage_label = fields.String()
    registered_dt = fields.DateTime()
    assigned_dt = fields.DateTime(allow_none=True)
    due_dt = fields.DateTime(allow_none=True)
    feedback_due_dt = fields.DateTime(allow_none=True)
    original_due_dt = fields.DateTime(allow_none=True)
    extensions = fields.List(fields.Dict())
    rule_text = fields.String(allow_none=True)
    alert = fields.String(metadata={"enum": ["red", "yellow", "green", "unknown", "pending", "closed"]})
    alert_label = fields.String()
    progress_count = fields.Integer()
    return_count = fields.Integer()
    last_report_dt = fields.DateTime(allow_none=True)
    last_report_kind = fields.String(allow_none=True)
    closed_dt = fields.DateTime(allow_none=True)


class CaseArgs(PageArgs):
    alert = Choice(["red", "yellow", "unknown"], "红黄灯")


class CaseList(Schema):
    cases = fields.List(fields.Nested(CaseOut))
    next_cursor = next_cursor()


class CaseDetail(Schema):
    case = fields.Nested(CaseOut)
    open_tasks = fields.List(fields.Nested(TaskOut))
    reports = fields.List(fields.Nested(EventOut), metadata={"description": "承办单位的进展、报结与延期申请"})
    history = fields.List(fields.Nested(EventOut))


class CaseCreated(Schema):
    case = fields.Nested(CaseOut)
    task = fields.Nested(TaskOut, metadata={"description": "登记任务：以 POST /tasks/{id}/complete 填写批示内容"})


class DefinitionOut(Schema):
    id = fields.Integer()
    process_key = fields.String()
    version = fields.Integer()
    name = fields.String()
    sha256 = fields.String()
    is_latest = fields.Boolean()
    deployed_by_id = fields.Integer(allow_none=True)
    deployed_dt = fields.DateTime()
    comment = fields.String()


class ProcessOut(Schema):
    definition = fields.Nested(DefinitionOut, metadata={"description": "新发起的流程所用的版本"})
    running = fields.Integer(metadata={"description": "办理中（含异常）的实例数"})


class ProcessList(Schema):
    processes = fields.List(fields.Nested(ProcessOut))
    next_cursor = next_cursor()


class VersionOut(Schema):
    definition = fields.Nested(DefinitionOut)
    running = fields.Integer()
    summary = fields.String(metadata={"description": "与上一版本相比的变化"})


class VersionList(Schema):
    versions = fields.List(fields.Nested(VersionOut))
    next_cursor = next_cursor()


class BpmnProblem(Schema):
    element_id = fields.String(allow_none=True)
    message = fields.String()
    rule = fields.String()


class Validation(Schema):
    ok = fields.Boolean()
    process_ids = fields.List(fields.String())
    errors = fields.List(fields.Nested(BpmnProblem))
    warnings = fields.List(fields.Nested(BpmnProblem))


class Deployed(Schema):
    process_key = fields.String()
    version = fields.Integer()
    created = fields.Boolean(metadata={"description": "false：与当前版本相同，未新建版本"})
    warnings = fields.List(fields.Nested(BpmnProblem))


class FollowUpOut(Schema):
    """续报 / 终报, or a 要求续报 waiting for the unit."""

    id = fields.Integer()
    emergency_id = fields.Integer()
    instance_id = fields.Integer()
    kind = fields.String(metadata={"enum": ["followup", "final"]})
    kind_label = fields.String()
    body = fields.String()
    casualties = fields.String()
    measures = fields.String()
    requested_dt = fields.DateTime(allow_none=True)
    request_due_dt = fields.DateTime(allow_none=True)
    request_note = fields.String(allow_none=True)
    request_overdue = fields.Boolean()
    status = fields.String(metadata={"enum": ["requested", "writing", "signing", "delivered"]})
    delivered_dt = fields.DateTime(allow_none=True)
    created_dt = fields.DateTime()


class FollowUpCreated(Schema):
    followup = fields.Nested(FollowUpOut)


class FaultOut(Schema):
    """漏报 (missed), 瞒报 (concealed) or 迟报 (late) of a unit."""

    id = fields.Integer()
    unit_id = fields.Integer()
    kind = fields.String(metadata={"enum": ["late", "missed", "concealed"]})
    kind_label = fields.String()
    emergency_id = fields.Integer(allow_none=True)
    level = fields.String(allow_none=True)
    minutes_late = fields.Integer(allow_none=True)
    event_dt = fields.DateTime()
    title = fields.String()
    description = fields.String()
    recorded_unit_id = fields.Integer(allow_none=True)
    recorded_dt = fields.DateTime()


class FaultCreated(Schema):
    fault = fields.Nested(FaultOut)


class ReportOut(Schema):
    """A report table exactly as its page shows it (title, columns, rows, 合计, note; `links` per row)."""

    title = fields.String()
    columns = fields.List(fields.String())
    rows = fields.List(fields.List(fields.Raw()))
    links = fields.List(fields.String(allow_none=True), metadata={"description": "每行第一格的下钻链接"})
    total = fields.List(fields.Raw(), allow_none=True)
    note = fields.String()


class RankingArgs(QuerySchema):
    month = Month(load_default=None)


class OfficeTable(Schema):
    """A table an information office keeps, as its page, Excel and PDF show it."""

    office_id = fields.Integer()
    office = fields.String()
    title = fields.String()
    columns = fields.List(fields.String())
    rows = fields.List(fields.List(fields.Raw()))


class Ranking(OfficeTable):
    month = fields.String(metadata={"description": "YYYY-MM"})
    versions = fields.String(metadata={"description": "本月所用的计分版本"})


class AwardsArgs(QuerySchema):
    year = Year(load_default=None)
    office = Id("信息部门", load_default=None,
                metadata={"description": "发布评选结果的信息部门的编号；默认为本部门，或本单位报送信息的部门"})


class ResultsRanking(OfficeTable):
    year = fields.Integer()
    quarter = fields.Integer(allow_none=True, metadata={"description": "季度汇总的季度（1-4）；年度排名为 null"})
    versions = fields.String(metadata={"description": "各月所用的计分版本（含本期登记的奖励加分）"})


class AwardsOut(OfficeTable):
    year = fields.Integer()
    state = fields.String(metadata={"description": "发布单位、发布人和时间（与页面相同）"})
    published_dt = fields.DateTime()
    remark = fields.String()


class AttachmentOut(Schema):
    token = fields.String(metadata={"description": "下载与删除用的不可猜测标识"})
    filename = fields.String()
    size = fields.Integer(attribute="size_bytes")
    content_type = fields.String()
    sha256 = fields.String()
    uploaded_by = fields.Function(lambda a: a.uploaded_by.name)
    uploaded_dt = fields.DateTime()
    task_id = fields.Integer(allow_none=True)


class AttachmentList(Schema):
    attachments = fields.List(fields.Nested(AttachmentOut))
    next_cursor = next_cursor()


class AttachmentCreated(Schema):
    attachment = fields.Nested(AttachmentOut)


class UploadForm(Schema):
    file = fields.Raw(metadata={"type": "string", "format": "binary"}, required=True)
    task_id = fields.Integer(metadata={"description": "在哪一环节上传（可选）"})


class Deleted(Schema):
    deleted = fields.Boolean()


class WebhookOut(Schema):
    """A push endpoint of the caller's unit (the signing secret is never shown again after registering)."""

    id = fields.Integer()
    unit_id = fields.Integer()
    name = fields.String()
    url = fields.String()
    events = fields.List(fields.String(metadata={"enum": sorted(WEBHOOK_EVENTS)}))
    active = fields.Boolean()
    created_by_id = fields.Integer()
    created_dt = fields.DateTime()
    updated_dt = fields.DateTime()


class WebhookList(Schema):
    endpoints = fields.List(fields.Nested(WebhookOut))
    next_cursor = next_cursor()


class WebhookOnly(Schema):
    endpoint = fields.Nested(WebhookOut)


class DeliveryArgs(PageArgs):
    endpoint_id = Id("推送端点")
    state = Choice(DELIVERY_STATES, "推送状态")


class DeliveryOut(Schema):
    """One event to one endpoint: its state, attempts and the last answer (the body itself is not shown)."""

    id = fields.Integer()
    endpoint_id = fields.Integer()
    event = fields.String(metadata={"enum": sorted(WEBHOOK_EVENTS)})
    state = fields.String(metadata={"enum": sorted(DELIVERY_STATES)})
    state_label = fields.String()
    attempts = fields.Integer()
    last_status = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    last_response = fields.String(allow_none=True)
    created_dt = fields.DateTime()
    next_attempt_dt = fields.DateTime()
    last_attempt_dt = fields.DateTime(allow_none=True)
    sent_dt = fields.DateTime(allow_none=True)


class DeliveryList(Schema):
    deliveries = fields.List(fields.Nested(DeliveryOut))
    next_cursor = next_cursor()


class DeliveryOnly(Schema):
    delivery = fields.Nested(DeliveryOut)
