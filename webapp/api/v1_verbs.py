"""/api/v1: the verbs on a task beside 办理 (暂存, 签收, 退回签收, 转办, 退回, 撤回, 催办), 抄送 and the notices — the
inbox's operations, as on the task page."""
from flask_login import current_user

from webapp import engine, idempotency
from webapp.core.errors import NotFound
from webapp.extensions import db
from webapp.inbox import access as inbox_access
from webapp.inbox import operations as inbox_operations
from webapp.inbox import queries as inbox_queries
from webapp.inbox.schemas import CopySchema, ReturnSchema, TransferSchema, UrgeSchema
from webapp.inputs.bodies import json_object
from webapp.notices import operations as notice_operations
from webapp.notices import queries as notice_queries
from webapp.notices.models import Notice

from . import bearer, cursors
from . import v1_schemas as s
from .v1 import FREE_FORM, blp, documented


def _task(row):
    return {"task": row}


@blp.route("/tasks/<int:row_id>/draft", methods=["POST"])
@bearer.requires("act")
@blp.doc(requestBody=FREE_FORM)
@blp.response(200, s.TaskOnly)
@documented(401, 403, 404, 409, 422)
def draft(row_id):
    """暂存：保存已填写的部分表单，不提交。"""
    row = inbox_operations.save_task_draft(current_user, row_id, json_object())
    db.session.commit()
    return _task(row)


@blp.route("/tasks/<int:row_id>/claim", methods=["POST"])
@bearer.requires("act")
@blp.response(200, s.TaskOnly)
@documented(401, 403, 404, 409)
def claim(row_id):
    """签收：本岗位的任务由调用者独自办理。"""
    row = inbox_operations.claim_task(current_user, row_id)
    db.session.commit()
    return _task(row)


@blp.route("/tasks/<int:row_id>/release", methods=["POST"])
@bearer.requires("act")
@blp.response(200, s.TaskOnly)
@documented(401, 403, 404, 409)
def release(row_id):
    """退回签收：任务回到本岗位所有人员的待办。"""
    row = inbox_operations.release_task(current_user, row_id)
    db.session.commit()
    return _task(row)


@blp.route("/tasks/<int:row_id>/transfer-candidates")
@bearer.requires("read")
@blp.response(200, s.People)
@documented(401, 403, 404)
def transfer_candidates(row_id):
    """转办可选的同岗位人员。"""
    row = inbox_queries.task_for(current_user, row_id)
    return {"people": [{"id": u.id, "name": u.name, "unit_id": u.unit_id}
                       for u in engine.transfer_candidates(row)]}


@blp.route("/tasks/<int:row_id>/transfer", methods=["POST"])
@bearer.requires("act")
@blp.arguments(TransferSchema)
@blp.response(200, s.TaskOnly)
@documented(401, 403, 404, 409, 422)
def transfer(form, row_id):
    """转办给同岗位的同事，并说明理由。"""
    row = inbox_operations.transfer_task(current_user, row_id, form["target_user_id"], form["reason"])
    db.session.commit()
    return _task(row)


@blp.route("/tasks/<int:row_id>/return-targets")
@bearer.requires("read")
@blp.response(200, s.Steps)
@documented(401, 403, 404)
def return_targets(row_id):
    """可退回的此前环节（target_row_id 取其 id）。"""
    row = inbox_queries.task_for(current_user, row_id)
    return {"steps": engine.return_targets(row)}


@blp.route("/tasks/<int:row_id>/return", methods=["POST"])
@bearer.requires("act")
@blp.arguments(ReturnSchema)
@blp.response(200, s.TaskOnly)
@documented(401, 403, 404, 409, 422)
def return_to(form, row_id):
    """退回到此前的环节，并说明理由；该环节的办理人收回任务。"""
    row = inbox_operations.return_task(current_user, row_id, form["target_row_id"], form["reason"])
    db.session.commit()
    return _task(row)


@blp.route("/tasks/<int:row_id>/withdraw", methods=["POST"])
@bearer.requires("act")
@blp.response(200, s.Withdrawn)
@documented(401, 403, 404, 409)
def withdraw(row_id):
    """撤回：下一环节尚未办理时收回已提交的任务；返回重新打开的任务。"""
    reopened = inbox_operations.withdraw_task(current_user, row_id)
    db.session.commit()
    return {"task": reopened}


@blp.route("/tasks/<int:row_id>/urge", methods=["POST"])
@bearer.requires("act")
@blp.arguments(UrgeSchema)
@blp.response(201, s.Urged)
@documented(401, 404, 409, 422)
def urge(form, row_id):
    """催办该环节的办理人（同一环节的两次催办至少间隔 URGE_INTERVAL_MINUTES）。"""
    sent = inbox_operations.urge(row_id, current_user, form["note"], form["notify_leader"])
    db.session.commit()
    return {"urge_id": sent.id, "task_id": sent.task_id}


@blp.route("/instances/<int:instance_id>/copy", methods=["POST"])
@bearer.requires("act")
@blp.arguments(CopySchema)
@blp.response(201, s.Copied)
@documented(401, 403, 404, 422)
def copy(form, instance_id):
    """抄送给人员或整个单位（密级不够的人员不会收到）。支持 Idempotency-Key。"""
    idempotency.claim(optional=True)
    instance = inbox_access.viewable_instance(current_user, instance_id)
    if instance is None:
        raise NotFound("事项不存在或您无权查看。")
    copied = inbox_operations.copy_to(instance, current_user, form["user_ids"], form["unit_ids"], form["note"])
    response = idempotency.answer({"copied": [{"id": u.id, "name": u.name} for u in copied]}, 201)
    db.session.commit()
    return response


@blp.route("/notices")
@bearer.requires("read")
@blp.arguments(s.NoticeArgs, location="query", as_kwargs=False)
@blp.response(200, s.NoticeList)
@documented(400, 401, 422)
def notices(args):
    """调用者的消息（最新的在前；unread=true 只列未读）。以 cursor 翻页。"""
    unread = args["unread"]
    rows, following = cursors.walk(notice_queries.for_user(current_user, unread_only=unread).order_by(None),
                                   notice_queries.ORDER, Notice.id, args["limit"],
                                   cursors.decode(args.get("cursor"), unread))
    read = notice_queries.read_ids(current_user, [n.id for n in rows])
    links = notice_queries.links_of(rows)
    return {"notices": [{"id": n.id, "title": n.title, "body": n.body, "level": n.level, "created_dt": n.created_dt,
                         "instance_id": n.instance_id, "link": links.get(n.id),
                         "read": n.id in read} for n in rows],
            "next_cursor": cursors.encode(following, unread)}


@blp.route("/notices/<int:notice_id>/read", methods=["POST"])
@bearer.requires("act")
@blp.response(200, s.NoticeRead)
@documented(401, 404)
def read_notice(notice_id):
    """标记一条消息为已读。"""
    notice = notice_operations.mark_read(current_user, notice_id)
    if notice is None:
        raise NotFound("消息不存在或您无权查看。")
    db.session.commit()
    return {"id": notice.id, "read": True}

