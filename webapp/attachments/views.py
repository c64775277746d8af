"""Attachment URLs: upload to an instance, download and delete by token; nothing is reachable by a row id."""
from flask import Blueprint, flash, jsonify, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from webapp import idempotency
from webapp.core.errors import NotFound
from webapp.core.responses import wants_json
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.inbox.access import viewable_instance
from webapp.inputs.urls import local_path

from . import operations, queries, storage

bp = Blueprint("attachments", __name__)


def dump(attachment):
    return {"token": attachment.token, "filename": attachment.filename, "size": attachment.size_bytes,
            "content_type": attachment.content_type, "sha256": attachment.sha256,
            "url": url_for("attachments.download", token=attachment.token),
            "uploaded_by": attachment.uploaded_by.name, "uploaded_dt": attachment.uploaded_dt.isoformat(),
            "task_id": attachment.task_id}


def _answer(message, instance_id, status=200, **data):
    """Commit, then JSON for a client, or a flash and back to the page; a repeat of an upload gets the same."""
    back = (local_path(request.form.get("next")) or local_path(request.referrer)
            or url_for("inbox.item", instance_id=instance_id))
    body = {"ok": True, "message": message, **data}
    idempotency.remember(back, body, status)
    db.session.commit()
    if wants_json():
        return jsonify(body), status
    flash(message)
    return redirect(back)


@bp.route("/instance/<int:instance_id>", methods=["POST"])
@login_required
def upload(instance_id):
    instance = viewable_instance(current_user, instance_id)
    if instance is None:
        raise NotFound("事项不存在或您无权查看。")
    idempotency.claim(optional=wants_json())  # the page's form carries a key; API clients may send the header
    task_row = None
    task_id = request.form.get("task_id", type=int)
    if task_id:
        task_row = db.session.get(HumanTask, task_id)
        if task_row is None or task_row.instance_id != instance.id:
            raise NotFound("任务不存在或您无权查看。")
    attachment = operations.add(instance, current_user, request.files.get("file"), task_row)
    return _answer(f"已上传附件“{attachment.filename}”（{attachment.size_label}）。", instance.id, 201,
                   attachment=dump(attachment))


@bp.route("/<token>")
@login_required
def download(token):
    return file_response(queries.get_by_token(current_user, token))


def file_response(attachment):
    """The file as a download that no browser renders or sniffs (the page's link and /api/v1 alike)."""
    try:
        stream = storage.current().open(attachment.storage_key)
    except FileNotFoundError:
        raise NotFound("附件文件已丢失，请联系系统管理员。") from None
    response = send_file(stream, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename, conditional=False, etag=False, max_age=0)
    response.content_length = attachment.size_bytes
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/<token>/delete", methods=["POST"])
@login_required
def delete(token):
    attachment = queries.get_by_token(current_user, token)
    operations.remove(attachment, current_user)
    return _answer(f"已删除附件“{attachment.filename}”。", attachment.instance_id)
