"""Adding and removing attachments; each records itself in the instance's history. Writes only flush."""
import secrets

from flask import current_app

from webapp.core import clock
from webapp.core.errors import NotAllowed, TaskConflict
from webapp.engine import record_event
from webapp.extensions import db

from . import limits, pending_files, queries, storage
from .models import Attachment


def add(instance, user, file_storage, task_row=None):
    """Store the uploaded file and its row at the user's open step (or as the starter); refuse with the reason."""
    allowed, task = queries.upload_point(user, instance, task_row)
    if not allowed:
        if instance.status != "running":
            raise NotAllowed(f"事项{instance.status_label}，不能再上传附件。")
        raise NotAllowed("您不能向该事项上传附件：只有正在办理其环节的人员或发起人可以上传。")
    checked = limits.check(file_storage, current_app.config)
    backend = storage.current()
    key, size, digest = backend.save(file_storage.stream)
    pending_files.written(backend, key)  # deleted again if this transaction does not commit
    attachment = Attachment(
        token=secrets.token_urlsafe(24), instance_id=instance.id, task_id=task.id if task else None,
        filename=checked.filename, content_type=checked.content_type, size_bytes=size, sha256=digest,
        storage_key=key, uploaded_by_id=user.id, uploaded_dt=clock.now(),
    )
    db.session.add(attachment)
    _record(instance.id, user, "attach", task, attachment)
    db.session.flush()
    return attachment


def remove(attachment, user):
    """Mark the attachment deleted; its file goes once the transaction commits."""
    problem = queries.removal_problem(user, attachment)
    if problem is not None:
        raise (NotAllowed if attachment.uploaded_by_id != user.id else TaskConflict)(problem)
    attachment.deleted_dt = clock.now()
    pending_files.doomed(storage.current(), attachment.storage_key)
    _record(attachment.instance_id, user, "detach", attachment.task, attachment)
    db.session.flush()
    return attachment


def _record(instance_id, user, action, task, attachment):
    record_event(instance_id, action, user, row=task, data={"filename": attachment.filename,
                                                            "size": attachment.size_bytes})
