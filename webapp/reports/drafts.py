"""Drafts of information items: created on the writer's first save (not on opening the form), discarded (作废)
with their history kept."""
from webapp import engine
from webapp.core import clock
from webapp.core.errors import TaskConflict
from webapp.engine.models import HumanTask
from webapp.extensions import db

from .operations import create_item
from .queries import item_for_instance

COMPOSE_STEP = "compose"
DISCARDED = "discarded"


def first_save(user, form, submit, commission_id=None):
    """Create the item from the compose form's first save: keep it as a draft, or submit it at once. An answer to
    a 约稿 passes its `commission_id` (checked by the caller, `commissions.operations.answer`).

    Returns (item, compose task row). A form the compose step refuses raises FormInvalid before anything is kept:
    the caller rolls back, so no empty draft is left behind.
    """
    item, task = create_item(user, commission_id=commission_id)
    if submit:
        engine.complete(task.id, user, form)
    elif filled := {k: v for k, v in form.items() if v != ""}:
        engine.save_draft(task.id, user, filled)
    return item_for_instance(item.instance_id), task


def discardable_task(user, item):
    """The open compose step through which `user` may discard `item`, or None: only a draft never submitted,
    by whoever may write it."""
    if item is None or item.status != "draft" or item.submitted_dt is not None:
        return None
    row = (db.session.query(HumanTask)
           .filter_by(instance_id=item.instance_id, state="open", step_key=COMPOSE_STEP).one_or_none())
    return row if row is not None and engine.may_act(user, row) else None


def discard(user, item, reason=""):
    """作废: end the draft's instance and close its compose step; the item, its history and the discard stay."""
    engine.lock_instance(item.instance_id)
    db.session.refresh(item)
    row = discardable_task(user, item)
    if row is None:
        raise TaskConflict("该信息已提交或已作废，不能作废。")
    engine.terminate(item.instance_id, user, "discard", row=row, opinion=reason or None)
    item.status, item.current_step, item.updated_dt = DISCARDED, None, clock.now()
    db.session.flush()
    return item
