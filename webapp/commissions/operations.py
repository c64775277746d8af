"""Writes of 约稿: sending one to units, and marking a unit answered when a linked item goes up."""
from webapp.core import clock
from webapp.core.errors import FormInvalid, NotAllowed, NotFound
from webapp.core.forms import load
from webapp.core.links import path_for
from webapp.extensions import db
from webapp.notices import operations as notices
from webapp.reports import drafts
from webapp.reports.queries import item_for_instance

from . import queries
from .models import Commission, CommissionTarget
from .queries import issuing_office
from .schemas import CommissionSchema


def create(user, raw, allowed_units):
    """An editor asks `allowed_units` (the units reporting to the office) for items; the writers are notified."""
    office = issuing_office(user)
    if office is None:
        raise NotAllowed("只有信息部门编辑可以发出约稿。")
    form = load(CommissionSchema, raw)
    allowed = {u.id for u in allowed_units}
    if not set(form["unit_ids"]) <= allowed:
        raise FormInvalid({"unit_ids": ["只能向向本部门报送信息的单位约稿"]})
    due = form["due"]  # aware, in the offices' time zone
    commission = Commission(issuing_unit_id=office.id, topic=form["topic"].strip(), detail=form["detail"].strip(),
                            due_dt=due, created_by_id=user.id, created_dt=clock.now())
    db.session.add(commission)
    db.session.flush()
    for unit_id in sorted(set(form["unit_ids"])):
        db.session.add(CommissionTarget(commission_id=commission.id, unit_id=unit_id))
        notices.send(f"约稿：{commission.topic}", unit_id=unit_id, role="writer", level="warning",
                     body=f"{office.name}约稿，请于 {due.astimezone(clock.LOCAL_TZ):%Y-%m-%d %H:%M} 前报送。"
                          f"{commission.detail}", link=path_for("commissions.detail", commission_id=commission.id))
    db.session.flush()
    return commission


def mark_answered(item):
    """The item's unit answered its commission when the item was first submitted upward (projector hook)."""
    if item.commission_id is None or item.submitted_dt is None:
        return
    target = db.session.get(CommissionTarget, (item.commission_id, item.unit_id))
    if target is not None and (target.answered_dt is None or item.submitted_dt < target.answered_dt):
        target.answered_dt = item.submitted_dt


def check_answerable(user, commission_id):
    """Only a writer of a unit the 约稿 was sent to writes an answer to it."""
    if queries.target_of(commission_id, user.unit_id) is None:
        raise NotFound("约稿不存在或未向本单位约稿。")
    if not user.has_role("writer"):
        raise NotAllowed("只有信息员可以撰写约稿信息。")


def answer(user, commission_id, form, submit):
    """The first save of the writer's item answering a 约稿 sent to their unit, as 新建信息's: kept as a draft or
    submitted at once; nothing exists before it. Returns (item, compose task row)."""
    check_answerable(user, commission_id)
    return drafts.first_save(user, form, submit, commission_id=commission_id)


def project_answer(instance, data):
    """The item's unit answered its commission when the item was first submitted (`hooks.instance_projected`,
    after the item's own projector). An item answers a commission only when its start data names one (the item's
    projector copies `commission_id` from the data): no other item is read again."""
    if data.get("commission_id") is None:
        return
    item = item_for_instance(instance.id)
    if item is not None:
        mark_answered(item)
