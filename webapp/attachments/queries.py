"""Reads of attachments: an instance's list, one by its token for whoever may see the instance, who may do what."""
from flask import current_app

from webapp.core.errors import NotFound
from webapp.engine import may_act
from webapp.engine.models import HumanTask, ProcessInstance
from webapp.extensions import db
from webapp.inbox.access import may_view_instance

from .limits import extensions
from .models import Attachment, size_label

TOKEN_MAX = 64


ORDER = (Attachment.uploaded_dt, Attachment.id)  # oldest first


def instance_query(instance_id):
    """The instance's attachments still in place, unordered."""
    return db.session.query(Attachment).filter(Attachment.instance_id == instance_id, Attachment.deleted_dt.is_(None))


def for_instance(instance_id):
    """The instance's attachments still in place, oldest first."""
    return instance_query(instance_id).order_by(*ORDER).all()


def get_by_token(user, token):
    """The attachment, or NotFound: a token unknown, deleted or of an instance the user may not see look the same."""
    attachment = None
    if token and len(token) <= TOKEN_MAX:
        attachment = db.session.query(Attachment).filter_by(token=token).one_or_none()
    if attachment is None or attachment.deleted_dt is not None or not may_view_instance(user, attachment.instance):
        raise NotFound("附件不存在或您无权查看。")
    return attachment


def upload_point(user, instance, task_row=None):
    """Whether the user may add a file to the instance, and at which step: (True, open task or None) or (False, None).

    The instance must be running; the user acts on the given open task, or on some open task of it, or started it.
    """
    if instance is None or instance.status != "running" or instance.secrecy > user.clearance:
        return False, None
    if task_row is not None:
        ok = task_row.instance_id == instance.id and task_row.state == "open" and may_act(user, task_row)
        return ok, task_row if ok else None
    open_rows = (db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open")
                 .order_by(HumanTask.id).all())
    mine = next((row for row in open_rows if may_act(user, row)), None)
    if mine is not None:
        return True, mine
    return instance.started_by_id == user.id, None


def removal_problem(user, attachment):
    """Why the user may not delete the attachment (a sentence), or None when they may."""
    if attachment.deleted_dt is not None:
        return "该附件已删除。"
    if attachment.uploaded_by_id != user.id:
        return "只有上传人可以删除该附件。"
    if attachment.instance.status != "running":
        return "事项已办结，附件不能再删除。"
    if attachment.task_id is not None:
        if attachment.task.state != "open":
            return f"上传附件的环节“{attachment.task.step_label}”已办理，附件不能再删除。"
        return None
    later = (db.session.query(HumanTask.id)
             .filter(HumanTask.instance_id == attachment.instance_id, HumanTask.state == "completed",
                     HumanTask.completed_dt > attachment.uploaded_dt).first())
    return "上传后事项已有环节办理，附件不能再删除。" if later is not None else None


def panel(user, instance_or_id, task=None):
    """What the attachment panel shows: the list with who may delete what, and where an upload would go."""
    instance = instance_or_id
    if not isinstance(instance_or_id, ProcessInstance):
        instance = db.session.get(ProcessInstance, instance_or_id) if instance_or_id else None
    if instance is None:
        return {"instance": None, "items": [], "may_upload": False, "upload_task": None}
    items = [(a, removal_problem(user, a) is None) for a in for_instance(instance.id)]
    may_upload, upload_task = upload_point(user, instance, task if task is not None and task.state == "open" else None)
    return {"instance": instance, "items": items, "may_upload": may_upload, "upload_task": upload_task}


def page_panel(user, instance_or_id, task=None):
    """What a page passes to attachments/_panel.html as `attachment_panel` (the template queries nothing)."""
    config = current_app.config
    return {**panel(user, instance_or_id, task), "extensions": extensions(config),
            "max_size": size_label(int(config["ATTACHMENT_MAX_BYTES"]))}


def page_extras(obj, user):
    """The attachment panel of a detail or task page (`hooks.page_extras`): an item, case or emergency (by its
    instance), a task row (its step's panel) or an instance (the item page)."""
    if isinstance(obj, HumanTask):
        return {"attachment_panel": page_panel(user, obj.instance_id, obj)}
    if isinstance(obj, ProcessInstance):
        return {"attachment_panel": page_panel(user, obj)}
    return {"attachment_panel": page_panel(user, obj.instance_id)}
