"""/api/v1: the public API, described by the OpenAPI document generated from these schemas (flask-smorest).

Every endpoint calls the same operations and queries as the pages (unit, role, clearance, idempotency), never a
copy of their rules. Authentication and scopes: `bearer.py`; errors are problem details (core.responses.problem).
"""
from flask import g, jsonify, request
from flask_login import current_user
from flask_smorest import Blueprint

from webapp import engine, idempotency
from webapp.audit.views_helper import viewed
from webapp.core import forms
from webapp.core.errors import AppError, FormInvalid, NotFound
from webapp.emergencies import operations as emergency_operations
from webapp.emergencies import queries as emergency_queries
from webapp.emergencies.models import Emergency
from webapp.emergencies.schemas import ReportSchema
from webapp.extensions import db
from webapp.inbox import operations as inbox_operations
from webapp.inbox import queries as inbox_queries
from webapp.inbox.schemas import TAB_FILTERS, TABS, item_row_schema
from webapp.inputs.bodies import json_object
from webapp.reports import operations as report_operations
from webapp.reports import queries as report_queries

from . import bearer, cursors
from . import v1_schemas as s
from .schemas import emergency_schema, event_schema, item_schema, task_schema

blp = Blueprint("api_v1", __name__, description="GovFlow 公共接口：待办、办理、信息、紧急信息")
blp.before_request(bearer.authenticate)

PROBLEMS = {400: "翻页游标无效或已被篡改", 401: "未登录或令牌无效", 403: "无权或令牌缺少权限范围",
            404: "不存在或无权查看", 409: "任务已被他人处理或状态已变",
            412: "If-Match 与任务当前状态不符：表单已过期", 413: "文件过大",
            415: "不支持的文件类型", 422: "提交的内容有误"}


def documented(*codes):
    def decorate(view):
        for code in sorted({401, 403, *codes}):  # every endpoint: no or a bad token; a scope the token lacks
            view = blp.alt_response(code, description=PROBLEMS[code], schema=s.Problem,
                                    content_type="application/problem+json")(view)
        return view
    return decorate


FREE_FORM = {"required": True, "description": "该环节表单的字段（见 GET /tasks/{id} 的 form_fields）",
             "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}}}


def body(schema_cls, description=None):
    """A request body documented by the schema the operation loads it with (the operation validates it)."""
    doc = {"required": True, "content": {"application/json": {"schema": schema_cls}}}
    return {**doc, "description": description} if description else doc


def created(make):
    """A creating call: at most once per Idempotency-Key (a repeat gets the first answer), 201."""
    idempotency.claim(optional=True)
    response = idempotency.answer(make(), 201)
    db.session.commit()
    return response


def shown(schema_cls, data, subject):
    """The answer for a page-like read of `subject`: dumped first, then a secret subject's view is audited (as the
    pages do with `viewed`) — a read that failed to serialise was not seen."""
    response = jsonify(schema_cls().dump(data))
    viewed(subject, current_user)
    return response


def _etag(row, instance):
    return f'"t{row.id}-v{instance.lock_version}-{row.state}"'


@blp.route("/me")
@bearer.requires("read")
@blp.response(200, s.Me)
@documented(401)
def me():
    """当前调用者：用户、单位、角色、密级许可，以及令牌的权限范围。"""
    user = current_user
    token = getattr(g, "api_token", None)
    return {"id": user.id, "username": user.username, "name": user.name, "unit_id": user.unit_id,
            "unit_name": user.unit.name if user.unit else "", "roles": sorted(user.roles), "clearance": user.clearance,
            "token_scopes": token.scopes if token else None}


@blp.route("/inbox/<string:tab>")
@bearer.requires("read")
@blp.arguments(s.InboxArgs, location="query", as_kwargs=False)
@blp.response(200, s.InboxPage)
@documented(400, 401, 404, 422)
def inbox(args, tab):
    """待办（todo）、已办（done）、我发起的（started）、抄送我的（copied）、催办记录（urges），筛选与页面相同；
    以 cursor 翻页（上一页的 next_cursor），与页面一样紧急信息和未读抄送在前。"""
    if tab not in TABS:
        raise NotFound("没有这个列表。")
    if "page" in request.args:
        raise FormInvalid({"page": ["接口已改用游标翻页：请带上一页返回的 cursor（可设 limit），不再支持 page"]})
    filters = {k: v for k, v in args.items() if k not in ("cursor", "limit")}
    refused = sorted(k for k in filters if k not in TAB_FILTERS[tab])
    if refused:
        raise FormInvalid({k: ["该列表不支持这个筛选条件"] for k in refused})
    position = cursors.decode(args.get("cursor"), filters)
    rows, following = inbox_queries.list_walk(tab, current_user, filters, cursors.unpack_inbox(position),
                                              args["limit"])
    tasks = tab in ("todo", "done")
    return {"tab": tab, "next_cursor": cursors.encode(cursors.pack_inbox(following), filters),
            "tasks": rows if tasks else [], "items": [] if tasks else item_row_schema.dump(rows, many=True)}


@blp.route("/tasks/<int:row_id>")
@bearer.requires("read")
@blp.response(200, s.TaskDetail)
@documented(401, 403, 404)
def task(row_id):
    """一项任务：表单字段和 ETag（办理时以 If-Match 回传）。"""
    row = inbox_queries.task_for(current_user, row_id)
    schema_cls = forms.get(row.form_key) if row.form_key else None
    fields = [{"name": name, "type": type(field).__name__, "required": bool(field.required)}
              for name, field in (schema_cls().fields.items() if schema_cls else ())]
    etag = _etag(row, row.instance)
    response = shown(s.TaskDetail, {"task": row, "form_fields": fields, "etag": etag}, row)
    response.headers["ETag"] = etag
    return response


@blp.route("/tasks/<int:row_id>/complete", methods=["POST"])
@bearer.requires("act")
@blp.doc(requestBody=FREE_FORM)
@blp.response(200, s.Completed)
@documented(401, 403, 404, 422)
@blp.alt_response(412, description="If-Match 与任务当前状态不符：表单已过期", schema=s.Problem,
                  content_type="application/problem+json")
def complete(row_id):
    """办理：提交任务表单（JSON 对象，字段见 GET /tasks/{id}）。可带 If-Match（GET 返回的 ETag）。"""
    form = json_object()
    expected = request.headers.get("If-Match")
    if expected:
        row = inbox_queries.task_for(current_user, row_id)
        instance = engine.lock_instance(row.instance_id)  # held to the commit: the check and the step are one
        db.session.refresh(row)
        if expected.strip() not in ("*", _etag(row, instance)):
            raise Stale("任务已被他人处理或已变化，请重新读取（GET）后再提交。")
    instance = inbox_operations.complete_task(current_user, row_id, form)
    db.session.commit()
    return {"status": instance.status, "incident": instance.last_incident}


@blp.route("/items", methods=["POST"])
@bearer.requires("act")
@blp.response(201, s.ItemCreated)
@documented(401, 403)
def create_item():
    """新建信息：为调用者所在单位起草一条信息，返回信息和撰写任务。支持 Idempotency-Key。"""
    def make():
        item, row = report_operations.create_item(current_user)
        return {"item": item_schema.dump(item), "task": task_schema.dump(row)}
    return created(make)


@blp.route("/items/<int:item_id>")
@bearer.requires("read")
@blp.response(200, s.ItemDetail)
@documented(401, 404)
def item(item_id):
    """一条信息（按单位、角色、密级判断可见，与页面相同）。"""
    found = report_queries.get_visible(current_user, item_id)
    return shown(s.ItemDetail, {"item": found}, found)


@blp.route("/items/<int:item_id>/history")
@bearer.requires("read")
@blp.response(200, s.History)
@documented(401, 404)
def item_history(item_id):
    """一条信息的办理过程。"""
    found = report_queries.get_visible(current_user, item_id)
    return shown(s.History, {"history": report_queries.history(found)}, found)


@blp.route("/emergencies")
@bearer.requires("read")
@blp.arguments(s.EmergencyArgs, location="query", as_kwargs=False)
@blp.response(200, s.EmergencyList)
@documented(400, 401, 422)
def emergencies(args):
    """调用者可见的紧急信息（scope：all / open / own），未办结的按时限在前，其余新的在前。以 cursor 翻页。"""
    scope = args["scope"]
    rows, following = cursors.walk(emergency_queries.list_query(current_user, scope), emergency_queries.LIST_ORDER,
                                   Emergency.id, args["limit"], cursors.decode(args.get("cursor"), scope))
    return {"emergencies": rows, "next_cursor": cursors.encode(following, scope)}


@blp.route("/emergencies", methods=["POST"])
@bearer.requires("act")
@blp.doc(requestBody=body(ReportSchema))
@blp.response(201, s.EmergencyDetail)
@documented(401, 403, 422)
def report_emergency():
    """报告紧急信息（与 /emergencies/new 页面的表单相同）。支持 Idempotency-Key。"""
    def make():
        found = emergency_operations.report(current_user, json_object())
        return {"emergency": emergency_schema.dump(found),
                "history": event_schema.dump(emergency_queries.history(found), many=True)}
    return created(make)


@blp.route("/emergencies/<int:emergency_id>")
@bearer.requires("read")
@blp.response(200, s.EmergencyDetail)
@documented(401, 404)
def emergency(emergency_id):
    """一条紧急信息及其各级报送情况。"""
    found = emergency_queries.get_visible(current_user, emergency_id)
    return shown(s.EmergencyDetail, {"emergency": found, "history": emergency_queries.history(found)}, found)


class Stale(AppError):
    status = 412
    code = "precondition_failed"
