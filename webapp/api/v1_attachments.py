"""/api/v1: attachments of an item, case or emergency — listed, uploaded, downloaded and deleted through the
attachments' own operations and checks (who may add at which step, file type and size, clearance)."""
from flask import request
from flask.views import MethodView
from flask_login import current_user

from webapp.attachments import operations as attachment_operations
from webapp.attachments import queries as attachment_queries
from webapp.attachments.models import Attachment
from webapp.attachments.views import file_response
from webapp.core.errors import NotFound
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.inbox.access import viewable_instance

from . import bearer, cursors
from . import v1_schemas as s
from .cursors import PageArgs
from .v1 import blp, created, documented


def _instance(instance_id):
    instance = viewable_instance(current_user, instance_id)
    if instance is None:
        raise NotFound("事项不存在或您无权查看。")
    return instance


@blp.route("/instances/<int:instance_id>/attachments", endpoint="attachments")
class Attachments(MethodView):
    """One rule for both methods: an id out of range is then a plain 404 for either (two rules of one path would
    answer 405 to the method of the one whose id did not match)."""

    @bearer.requires("read")
    @blp.arguments(PageArgs, location="query", as_kwargs=False)
    @blp.response(200, s.AttachmentList)
    @documented(400, 404, 422)
    def get(self, args, instance_id):
        """一件事项（信息、批示件、紧急信息）现有的附件，先上传的在前。以 cursor 翻页。"""
        query = attachment_queries.instance_query(_instance(instance_id).id)
        rows, following = cursors.walk(query, attachment_queries.ORDER, Attachment.id, args["limit"],
                                       cursors.decode(args.get("cursor")))
        return {"attachments": rows, "next_cursor": cursors.encode(following)}

    @bearer.requires("act")
    @blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": s.UploadForm}}})
    @blp.response(201, s.AttachmentCreated)
    @documented(404, 409, 413, 415, 422)
    def post(self, instance_id):
        """上传附件（multipart/form-data，字段 file；可带 task_id）：类型、大小和可上传的环节与页面相同。
        支持 Idempotency-Key。"""
        instance = _instance(instance_id)
        task_row = None
        task_id = request.form.get("task_id", type=int)
        if task_id:
            task_row = db.session.get(HumanTask, task_id)
            if task_row is None or task_row.instance_id != instance.id:
                raise NotFound("任务不存在或您无权查看。")
        return created(lambda: {"attachment": s.AttachmentOut().dump(
            attachment_operations.add(instance, current_user, request.files.get("file"), task_row))})


@blp.route("/attachments/<string:token>")
@bearer.requires("read")
@blp.response(200, content_type="application/octet-stream", description="附件文件（以下载方式返回）")
@documented(404)
def download(token):
    """下载附件。"""
    return file_response(attachment_queries.get_by_token(current_user, token))


@blp.route("/attachments/<string:token>/delete", methods=["POST"])
@bearer.requires("act")
@blp.response(200, s.Deleted)
@documented(404, 409)
def delete(token):
    """删除附件（上传者在事项办结前）。"""
    attachment = attachment_queries.get_by_token(current_user, token)
    attachment_operations.remove(attachment, current_user)
    db.session.commit()
    return {"deleted": True}
