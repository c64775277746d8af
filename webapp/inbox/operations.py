"""Writes of the inbox: a task's verbs through the engine (办理/暂存/签收/退回签收/转办/退回/撤回), urging (催办),
copying for information (抄送), phrases.

The task page, the API and the item page call these, never the engine. Each flushes; the request commits.
Notifications are queued in the same transaction.
"""
from datetime import timedelta

from flask import current_app

from webapp import engine
from webapp.auth.models import Unit, User
from webapp.core import clock
from webapp.core.errors import FormInvalid, NotAllowed, NotFound, TaskConflict
from webapp.core.formats import local_dt
from webapp.core.links import path_for
from webapp.engine import record_event
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.notices import events
from webapp.notices import operations as notices

from . import queries
from .access import may_view_instance
from .models import InstanceCopy, OpinionPhrase, Urge

SYSTEM_PHRASES = ("同意。", "拟同意，请领导审定。", "请按要求修改后重报。", "请核实有关情况后再报。",
                  "请抓紧办理，按时报结。", "已阅。")


# --- a task's verbs -------------------------------------------------------------------------------------------------
# Someone outside the step's unit or clearance is told it does not exist before a verb looks at its state.

def complete_task(user, task_row_id, form):
    """办理: submit a task's form; returns the instance (its `last_incident` says whether what followed failed)."""
    row = queries.task_for(user, task_row_id)
    return engine.complete(row.id, user, form)


def save_task_draft(user, task_row_id, form):
    """暂存: keep what was typed so far (empty fields are not kept)."""
    row = queries.task_for(user, task_row_id)
    engine.save_draft(row.id, user, {k: v for k, v in form.items() if v != ""})
    return row


def claim_task(user, task_row_id):
    """签收: an open group task becomes the user's alone."""
    queries.known_task(user, task_row_id)
    return engine.claim(task_row_id, user)


def release_task(user, task_row_id):
    """退回签收: a claimed task goes back to everyone of its role in the unit."""
    queries.known_task(user, task_row_id)
    return engine.release(task_row_id, user)


def transfer_task(user, task_row_id, target_user_id, reason):
    """转办 to a colleague of the same role, who is told why."""
    queries.known_task(user, task_row_id)
    row = engine.transfer(task_row_id, user, target_user_id, reason)
    events.task_transferred(row)
    return row


def return_task(user, task_row_id, target_row_id, reason):
    """退回 to an earlier step that ran; its performer gets it back with the reason. Returns the step reopened."""
    queries.known_task(user, task_row_id)
    target = db.session.get(HumanTask, target_row_id)
    instance = engine.return_to(task_row_id, user, target_row_id, reason)
    return (db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open", step_key=target.step_key)
            .order_by(HumanTask.id.desc()).first())


def withdraw_task(user, task_row_id):
    """撤回 a submission nobody has acted on yet; returns the task it gave back to the user (or None)."""
    queries.known_task(user, task_row_id)
    instance = engine.withdraw(task_row_id, user)
    return (db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open", assignee_id=user.id)
            .order_by(HumanTask.id.desc()).first())


# --- urging, copying, phrases ----------------------------------------------------------------------------------------

def urge(task_row_id, user, note="", notify_leader=False):
    """催办 the holder of an open task; refused within URGE_INTERVAL_MINUTES of the last urge of that task.

    The limit is checked under the instance lock: of two urges at once, the second waits, then finds the
    first and is refused.
    """
    row = db.session.get(HumanTask, task_row_id)
    if row is None or not may_view_instance(user, row.instance):
        raise NotFound("任务不存在或您无权查看。")
    engine.lock_instance(row.instance_id)
    row = db.session.query(HumanTask).filter_by(id=task_row_id).populate_existing().one()
    if row.state != "open":
        raise TaskConflict("该环节已办理完毕，无需催办。")
    interval = timedelta(minutes=current_app.config["URGE_INTERVAL_MINUTES"])
    last = (db.session.query(Urge).filter(Urge.task_id == row.id).order_by(Urge.created_dt.desc()).first())
    if last is not None and clock.now() - last.created_dt < interval:
        wait = interval - (clock.now() - last.created_dt)
        minutes = max(1, int(wait.total_seconds() // 60))
        when = local_dt(last.created_dt)
        raise TaskConflict(f"{last.sender.name}已于{when}催办过该环节，请 {minutes} 分钟后再催办。")
    sent = Urge(instance_id=row.instance_id, task_id=row.id, sender_id=user.id, target_unit_id=row.unit_id,
                target_role=row.role, target_user_id=row.assignee_id, notify_leader=bool(notify_leader),
                note=(note or "").strip(), created_dt=clock.now())
    db.session.add(sent)
    record_event(row.instance_id, "urge", user, row=row, acting=False, opinion=sent.note or None,
                 data={"to": row.assignee.name if row.assignee else None, "leader": sent.notify_leader})
    db.session.flush()
    events.task_urged(sent)
    return sent


def copy_to(instance, user, user_ids=(), unit_ids=(), note=""):
    """抄送 an item to users and whole units for information; returns the users newly copied.

    Only someone who may see the item may copy it, and only to people cleared for its secrecy.
    """
    if not may_view_instance(user, instance):
        raise NotFound("事项不存在或您无权查看。")
    recipients = {}
    for uid in user_ids:
        target = db.session.get(User, int(uid))
        if target is None:
            raise NotFound("抄送对象不存在。")
        recipients[target.id] = (target, None)
    for unit_id in unit_ids:
        unit = db.session.get(Unit, int(unit_id))
        if unit is None:
            raise NotFound("抄送单位不存在。")
        for member in db.session.query(User).filter_by(unit_id=unit.id, is_active_user=True):
            recipients.setdefault(member.id, (member, unit.id))
    if not recipients:
        raise FormInvalid({"user_ids": ["请选择抄送的人员或单位。"]})
    too_low = [u.name for u, via in recipients.values() if u.clearance < instance.secrecy and via is None]
    if too_low:
        raise NotAllowed(f"{'、'.join(too_low)}的密级权限低于该事项，不能抄送。")
    already = {c.user_id for c in db.session.query(InstanceCopy).filter_by(instance_id=instance.id)}
    copied = []
    for target, via in recipients.values():
        if target.id in already or target.id == user.id or target.clearance < instance.secrecy:
            continue  # a unit's members below the item's secrecy are left out, never shown it
        db.session.add(InstanceCopy(instance_id=instance.id, user_id=target.id, via_unit_id=via, sender_id=user.id,
                                    note=(note or "").strip(), created_dt=clock.now()))
        copied.append(target)
    record_event(instance.id, "copy", user, opinion=(note or "").strip() or None,
                 data={"to": [u.name for u in copied]})
    db.session.flush()
    for target in copied:
        notices.send(f"抄送：{instance_title(instance)}", user_id=target.id, instance_id=instance.id,
                     body=(note or "").strip(), link=path_for("inbox.item", instance_id=instance.id), level="info")
    return copied


def instance_title(instance):
    row = db.session.query(HumanTask.title).filter_by(instance_id=instance.id).order_by(HumanTask.id.desc()).first()
    return row.title if row else instance.definition.name


def mark_copy_read(instance_id, user):
    copy = db.session.query(InstanceCopy).filter_by(instance_id=instance_id, user_id=user.id).one_or_none()
    if copy is not None and copy.read_dt is None:
        copy.read_dt = clock.now()
        db.session.flush()


def phrases_for(user):
    """Common opinion phrases: the user's own first, then the system's."""
    own = (db.session.query(OpinionPhrase).filter_by(user_id=user.id)
           .order_by(OpinionPhrase.position, OpinionPhrase.id).all())
    return [p.text for p in own] + [p for p in SYSTEM_PHRASES if p not in {o.text for o in own}]


def add_phrase(user, text):
    text = (text or "").strip()
    if not text or len(text) > 200:
        raise TaskConflict("常用语不能为空，且不超过 200 字。")
    if db.session.query(OpinionPhrase).filter_by(user_id=user.id, text=text).first() is None:
        count = db.session.query(OpinionPhrase).filter_by(user_id=user.id).count()
        db.session.add(OpinionPhrase(user_id=user.id, text=text, position=count))
        db.session.flush()
