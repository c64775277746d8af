"""What an instance's diagram shows: the path taken, the current steps, the armed timers."""
from SpiffWorkflow.util.task import TaskState

from webapp.extensions import db

from . import store
from .models import ProcessInstance, Timer
from .projection import find_task

_CURRENT = TaskState.READY | TaskState.STARTED | TaskState.WAITING | TaskState.ERROR


def _tasks(workflow):
    yield from workflow.get_tasks()
    for sub in workflow.subprocesses.values():
        yield from sub.get_tasks()


def diagram_state(instance):
    """Element ids by state, for one instance's detail page (it restores the workflow once; lists never do).

    `completed`: steps already run; `current`: steps open or waiting now (user tasks, call activities,
    events); `timers`: the armed timer rows with their due times.
    """
    completed, current = set(), set()
    if instance.state_json and instance.state_json != "{}":
        workflow = store.restore(instance)
        for task in _tasks(workflow):
            name = task.task_spec.name
            if not getattr(task.task_spec, "bpmn_id", None):
                continue  # Spiff's own helpers (start, end, boundary split/join) are no diagram elements
            if task.state == TaskState.COMPLETED:
                completed.add(name)
            elif task.state & _CURRENT:
                current.add(name)
    timers = (
        db.session.query(Timer)
        .filter_by(instance_id=instance.id, state="armed")
        .order_by(Timer.due_dt)
        .all()
    )
    armed = [{"id": t.step_key, "label": t.step_label, "kind": t.kind, "due_dt": t.due_dt} for t in timers]
    current -= {t["id"] for t in armed}
    return {"completed": sorted(completed - current), "current": sorted(current), "timers": armed}



def task_data(row):
    """A copy of the data of one task row's workflow task, for its page: what one instance of a multi-instance step
    is about (which unit), which the projected rows do not say. Restores the workflow once; lists never call it."""
    instance = db.session.get(ProcessInstance, row.instance_id)
    if instance is None or not instance.state_json or instance.state_json == "{}":
        return {}
    task = find_task(store.restore(instance), row.task_uuid)
    return dict(task.data) if task is not None else {}
