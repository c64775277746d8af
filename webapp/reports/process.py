"""Wiring of the info_report process into the engine: its forms and its projector."""
from datetime import datetime

from webapp import engine
from webapp.core import clock, hooks
from webapp.extensions import db

from .checks import CHECKS
from .models import InfoItem
from .schemas import FORMS

PROCESS_KEY = "info_report"
STEP_STATUS = {"compose": "draft", "forward_revise": "returned", "verify": "verifying", "sign": "signing",
               "principal_sign": "principal", "edit": "editing"}
BEFORE_SUBMISSION = {"compose", "verify", "sign", "principal_sign", "forward_revise"}
# What a forwarded item's start data says of its chain (reports.forwarding), kept on the row when it is created.
FORWARD_FIELDS = ("forwarded_from_id", "origin_item_id", "origin_unit_id", "forwarder_unit_id")


def _dt(value):
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:  # entered in the office's local time
        moment = moment.replace(tzinfo=clock.LOCAL_TZ)
    return moment


def project_item(instance, data):
    """Keep the info_items row in step with the instance (same transaction)."""
    item = db.session.query(InfoItem).filter_by(instance_id=instance.id).one_or_none()
    now = clock.now()
    if item is None:
        item = InfoItem(instance_id=instance.id, unit_id=data["unit_id"], author_id=data["author_id"], created_dt=now,
                        **{name: data.get(name) for name in FORWARD_FIELDS})
        db.session.add(item)
    item.title = (data.get("title") or InfoItem.UNTITLED)[:256]
    item.body = data.get("body") or ""
    item.source_unit = data.get("source_unit") or ""
    item.category = data.get("category") or ""
    item.urgency = data.get("urgency") or "normal"
    item.importance = data.get("importance") or "general"
    item.secrecy = int(data.get("secrecy") or 0)
    item.event_dt = _dt(data.get("event_time"))
    item.commission_id = data.get("commission_id")
    item.problem_report = bool(data.get("problem_report"))
    upward = data.get("upward") or {}
    item.target_unit_id = upward.get("target_unit_id")
    item.receipt_no = upward.get("receipt_no")
    item.submitted_dt = _dt(upward.get("submitted_at"))
    item.updated_dt = now

    open_task = next(iter(engine.open_rows(instance)), None)
    if open_task is not None:
        item.current_step = open_task.step_label
        item.status = STEP_STATUS.get(open_task.step_key, open_task.step_key)
        if open_task.arrival == "returned" or (open_task.step_key == "compose" and data.get("decision") == "return"):
            item.status = "returned"
        if open_task.step_key in BEFORE_SUBMISSION:  # returned or withdrawn below the upper office: not theirs now
            item.target_unit_id = item.receipt_no = item.submitted_dt = None
    else:
        item.current_step = None
    feedback = data.get("feedback") or {}
    if feedback:
        item.outcome = feedback.get("decision")
        item.publication = feedback.get("publication")
        item.editor_remark = feedback.get("remark")
        item.feedback_dt = _dt(feedback.get("feedback_at"))
    if instance.status == "completed":
        before = item.status
        item.status = {"adopt": "adopted", "merge": "merged"}.get(item.outcome, "rejected")
        if item.status == "adopted" and before != "adopted":
            hooks.announce("item.adopted", kind="info_item", object_id=item.id, instance_id=instance.id,
                           process_key=PROCESS_KEY, title=item.title, unit_id=item.unit_id,
                           secrecy=instance.secrecy, step=None, due_dt=None)


def forms():
    """The forms of its diagrams' user tasks, each with its rule that needs the instance (or None)."""
    return {key: (schema, CHECKS.get(key)) for key, schema in FORMS.items()}
