"""An item as listed in 我发起的 / 抄送我的 / 催办记录: the instance with its latest and open step rows."""
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from webapp.core.domain import registry
from webapp.engine.models import HumanTask, ProcessInstance
from webapp.extensions import db

from .models import InstanceCopy, Urge


def is_kind(kind, process_key, urgency):
    """SQL: the rows listed as `kind` — the processes the domains declare under it (`Domain.process_keys`), and
    those that count as it when sent 特急 (紧急信息: the emergency processes and an information report sent 特急)."""
    return or_(process_key.in_(registry.keys_of_kind(kind)),
               and_(process_key.in_(registry.keys_urgent_as(kind)), urgency == "very_urgent"))


def is_emergency(process_key, urgency):
    """紧急信息, by the rule above: the one place that says so."""
    return is_kind("emergency", process_key, urgency)


def kind_of(process_key, urgency):
    """The type of a row, by the same rule: emergency (紧急信息), info (信息) or case (批示件)."""
    return registry.kind_of(process_key, urgency)


@dataclass
class ItemRow:
    instance: ProcessInstance
    latest: HumanTask | None  # its latest step row: title and urgency as they now stand
    open_tasks: list = field(default_factory=list)  # where it now waits (current steps)
    copy: InstanceCopy | None = None
    urge: Urge | None = None
    viewer_id: int | None = None

    @property
    def instance_id(self):
        return self.instance.id

    @property
    def process_key(self):
        return self.instance.definition.process_key

    @property
    def kind(self):
        return kind_of(self.process_key, self.urgency)

    @property
    def title(self):
        return self.latest.title if self.latest is not None else self.instance.definition.name

    @property
    def urgency(self):
        return self.latest.urgency if self.latest is not None else "normal"

    @property
    def secrecy(self):
        return self.instance.secrecy

    @property
    def unit_id(self):
        return self.instance.unit_id

    @property
    def status(self):
        return self.instance.status

    @property
    def status_label(self):
        return self.instance.status_label

    @property
    def started_dt(self):
        return self.instance.started_dt

    @property
    def due_dt(self):
        return min((t.due_dt for t in self.open_tasks if t.due_dt is not None), default=None)

    @property
    def read(self):
        return self.copy.read_dt is not None if self.copy is not None else None

    @property
    def copied_dt(self):
        return self.copy.created_dt if self.copy is not None else None

    @property
    def direction(self):
        if self.urge is None:
            return None
        return "sent" if self.urge.sender_id == self.viewer_id else "received"

    @property
    def urged_step(self):
        return self.urge.task.step_label if self.urge is not None else None

    @property
    def urged_dt(self):
        return self.urge.created_dt if self.urge is not None else None

    @property
    def note(self):
        source = self.urge or self.copy
        return source.note if source is not None else None


def _step_rows(instance_ids, with_open):
    """The latest step row of each instance, and its open ones when asked, in one query."""
    latest, open_tasks = {}, {}
    if instance_ids:
        t = aliased(HumanTask)
        newest = select(func.max(t.id)).where(t.instance_id.in_(instance_ids)).group_by(t.instance_id)
        wanted = or_(HumanTask.state == "open", HumanTask.id.in_(newest)) if with_open else HumanTask.id.in_(newest)
        rows = (db.session.query(HumanTask).options(selectinload(HumanTask.assignee))
                .filter(HumanTask.instance_id.in_(instance_ids), wanted).order_by(HumanTask.id))
        for row in rows:
            latest[row.instance_id] = row  # ordered by id: the last one seen is the newest
            if row.state == "open":
                open_tasks.setdefault(row.instance_id, []).append(row)
    return latest, open_tasks


def latest_rows(instance_ids):
    """instance id -> its latest step row: the item's title and urgency as they now stand."""
    return _step_rows(sorted(set(instance_ids)), with_open=False)[0]


def load_items(triples, viewer):
    """ItemRows for (instance, copy, urge) triples, their step rows read in one query for the whole page."""
    latest, open_tasks = _step_rows(sorted({instance.id for instance, _, _ in triples}), with_open=True)
    return [ItemRow(instance, latest.get(instance.id), open_tasks.get(instance.id, []), copy, urge, viewer.id)
            for instance, copy, urge in triples]
