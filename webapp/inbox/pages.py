"""Reads behind the task page and the read-only item page: which verbs a user has, and on what."""
from webapp import engine
from webapp.auth.models import Unit, User
from webapp.core import hooks
from webapp.engine import diagram_state, may_act
from webapp.engine.models import HumanTask
from webapp.extensions import db

from .models import InstanceCopy, Urge
from .operations import phrases_for


def _urges(instance_id):
    return db.session.query(Urge).filter_by(instance_id=instance_id).order_by(Urge.created_dt.desc()).all()


def _copies(instance_id):
    return (db.session.query(InstanceCopy).filter_by(instance_id=instance_id)
            .order_by(InstanceCopy.created_dt.desc()).all())


def _latest_own_completion(instance_id, user):
    return (db.session.query(HumanTask)
            .filter_by(instance_id=instance_id, completed_by_id=user.id, state="completed", superseded=False)
            .order_by(HumanTask.completed_dt.desc(), HumanTask.id.desc()).first())


def copy_choices(user):
    """Units and people an item may be copied to (everyone active but the user)."""
    units = db.session.query(Unit).order_by(Unit.id).all()
    people = (db.session.query(User).filter(User.is_active_user.is_(True), User.id != user.id)
              .order_by(User.unit_id, User.name).all())
    return {"copy_units": units, "copy_people": people}


def task_page(row, user):
    """What the task page offers beside the form."""
    context = {"phrases": phrases_for(user), "urges": [u for u in _urges(row.instance_id) if u.task_id == row.id],
               **hooks.extras("inbox.task", obj=row, user=user)}
    if row.state == "open" and may_act(user, row):
        context.update(
            can_claim=row.assignee_id is None,
            can_release=row.assignee_id == user.id and row.claimed_dt is not None,
            return_targets=engine.return_targets(row),
            transfer_to=[u for u in engine.transfer_candidates(row) if u.id != user.id],
        )
    elif row.state == "completed" and row.completed_by_id == user.id:
        latest = _latest_own_completion(row.instance_id, user)
        if latest is not None and latest.id == row.id:
            context["withdraw_problem"] = engine.withdrawable(row, user)
            context["may_withdraw"] = context["withdraw_problem"] is None
    return context


def latest_row(instance_id):
    """The instance's newest step row: what the item page is titled after and whose domain shows the subject."""
    return db.session.query(HumanTask).filter_by(instance_id=instance_id).order_by(HumanTask.id.desc()).first()


def item_page(instance, user):
    """What the read-only item page shows: open steps to urge, one's own last submission to withdraw, copies."""
    open_rows = db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open").order_by(HumanTask.id)
    own = _latest_own_completion(instance.id, user)
    problem = engine.withdrawable(own, user) if own is not None else None
    return {"open_rows": open_rows.all(), "own_submission": own if own is not None and problem is None else None,
            "urges": _urges(instance.id), "copies": _copies(instance.id), **copy_choices(user),
            "diagram": diagram_state(instance), **hooks.extras("inbox.item", obj=instance, user=user)}
