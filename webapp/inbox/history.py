"""`ctx.history` for handlers: what people did in an instance, read from the projected task rows."""
from webapp.auth.models import User
from webapp.engine import record_event
from webapp.engine.models import HumanTask, InstanceEvent
from webapp.extensions import db


class TaskHistory:
    """`ctx.history`: what people did in this instance (read from the projected task rows), and system entries."""

    def __init__(self, instance_id):
        self.instance_id = instance_id

    def first_completed(self, step_key, outcomes=None):
        """When a task of `step_key` (with one of `outcomes`, if given) was first completed, or None."""
        query = (db.session.query(db.func.min(HumanTask.completed_dt))
                 .filter_by(instance_id=self.instance_id, step_key=step_key, state="completed"))
        if outcomes:
            query = query.filter(HumanTask.outcome.in_(outcomes))
        return query.scalar()

    def open_steps(self):
        """The step keys of the instance's open tasks (e.g. whether a request waits for its approval)."""
        return {key for (key,) in db.session.query(HumanTask.step_key)
                .filter_by(instance_id=self.instance_id, state="open")}

    def record(self, action, step_label=None, opinion=None, data=None):
        """Add an entry to the instance's history (e.g. a recorded shortcut), in the name of whoever moved the
        instance last (the user whose submit or start is running this step); audited like the rest."""
        actor_id = (db.session.query(InstanceEvent.actor_id)
                    .filter(InstanceEvent.instance_id == self.instance_id, InstanceEvent.actor_id.isnot(None))
                    .order_by(InstanceEvent.id.desc()).limit(1).scalar())
        record_event(self.instance_id, action, db.session.get(User, actor_id) if actor_id else None,
                     step_label=step_label, opinion=opinion, data=data)


def service(instance_id):
    return TaskHistory(instance_id)
