"""The host API handed to service handlers as `ctx.<name>`: narrow, per step, no commits."""
from webapp.auth.models import User
from webapp.auth.org import OrgDirectory
from webapp.cases.deadlines import DeadlineService
from webapp.emergencies.services import EmergencyService
from webapp.engine.models import HumanTask, InstanceEvent
from webapp.engine.runner import record_event
from webapp.extensions import db
from webapp.notices import operations as notices


class NoticeSender:
    """`ctx.notices.send(title, unit_id=, role=, user_id=, body=, link=, level=)`: tied to the instance, whose
    secrecy the notice takes (a secret item's notice keeps no body and leaves the system as a generic text)."""

    def __init__(self, instance_id):
        self.instance_id = instance_id

    def send(self, title, **kwargs):
        notices.send(title, instance_id=self.instance_id or None, **kwargs)


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


def services_for(instance_id):
    return {"org": OrgDirectory(), "deadlines": DeadlineService(), "notices": NoticeSender(instance_id),
            "history": TaskHistory(instance_id), "emergencies": EmergencyService()}
