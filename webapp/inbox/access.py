"""Who may see an instance read-only: its people, the copied, and whoever its domain lets see it."""
from sqlalchemy import or_

from webapp.core import hooks
from webapp.engine.models import HumanTask, ProcessInstance
from webapp.extensions import db

from .models import InstanceCopy


def may_view_instance(user, instance):
    """Never above the user's clearance; then the starter, anyone who held or holds one of its tasks,
    anyone it was copied to, and whoever the domain's rule admits."""
    if instance is None or instance.secrecy > user.clearance:
        return False
    if instance.started_by_id == user.id:
        return True
    touched = db.session.query(HumanTask.id).filter(
        HumanTask.instance_id == instance.id,
        or_(
            HumanTask.completed_by_id == user.id,
            HumanTask.assignee_id == user.id,
            (HumanTask.state == "open") & (HumanTask.unit_id == user.unit_id) & HumanTask.role.in_(sorted(user.roles)),
        ),
    ).first()
    if touched is not None:
        return True
    if db.session.query(InstanceCopy.id).filter_by(instance_id=instance.id, user_id=user.id).first() is not None:
        return True
    return bool(hooks.ask(hooks.instance_visible, instance.definition.process_key, user=user,
                          instance_id=instance.id))  # the domain's rule: the lead unit of a case …


def viewable_instance(user, instance_id):
    """The instance, or None when it does not exist or the user may not see it (indistinguishable)."""
    instance = db.session.get(ProcessInstance, instance_id)
    return instance if may_view_instance(user, instance) else None
