"""Project a workflow into rows: human tasks, armed timers, status, domain fields."""
from datetime import UTC, datetime
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState

from webapp.core import clock, hooks
from webapp.core.errors import AppError
from webapp.extensions import db

from . import host, markings
from .models import HumanTask, Timer


def current_data(workflow):
    """The freshest task data: the open user tasks', else the last task's."""
    ready = workflow.get_tasks(state=TaskState.READY, manual=True)
    source = ready[0] if ready else workflow.last_task
    data = dict(source.data) if source is not None else {}
    data.update(workflow.data)
    return data


def find_task(workflow, task_uuid):
    """The workflow's task of that id (a string or UUID), or None when a reset has dropped it."""
    try:
        return workflow.get_task_from_id(UUID(str(task_uuid)))
    except TaskNotFoundException:
        return None


def _properties(task):
    return task.task_spec.extensions.get("properties", {}) if hasattr(task.task_spec, "extensions") else {}


def _evaluate(workflow, task, expression):
    try:
        return workflow.script_engine.evaluate(task, expression)
    except Exception as exc:
        raise AppError(f"任务“{task.task_spec.bpmn_name}”的表达式 {expression} 无法计算：{exc}") from exc


def _as_utc(value):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _open_row(instance, workflow, task, data):
    spec = task.task_spec
    props = _properties(task)
    role = host.current.role_for_lane(spec.lane or "")
    if role is None:
        raise AppError(f"任务“{spec.bpmn_name}”所在泳道“{spec.lane}”没有对应的角色")
    unit_id = _evaluate(workflow, task, props.get("unit", "unit_id"))
    assignee = _evaluate(workflow, task, props["assignee"]) if props.get("assignee") else None
    due = _evaluate(workflow, task, props["due"]) if props.get("due") else None
    return HumanTask(
        instance_id=instance.id,
        task_uuid=str(task.id),
        process_key=instance.definition.process_key,
        step_key=spec.name,
        step_label=spec.bpmn_name or spec.name,
        form_key=props.get("form"),
        role=role,
        unit_id=int(unit_id),
        assignee_id=int(assignee) if assignee else None,
        state="open",
        title=str(data.get("title") or instance.definition.name)[:256],
        secrecy=instance.secrecy,
        urgency=instance.urgency,
        created_dt=clock.now(),
        due_dt=_as_utc(due),
    )


def open_rows(instance):
    """The instance's open task rows in id order. While `project` runs the domain projectors: the rows it left
    open, without a query or a flush (the rows it opened, not flushed yet, come last in the order they were
    added, which is the order of their ids once flushed); otherwise read from the database."""
    rows = getattr(instance, "projected_open_rows", None)
    if rows is None:
        return (db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open")
                .order_by(HumanTask.id).all())
    return sorted((row for row in rows if row.state == "open"), key=lambda row: (row.id is None, row.id or 0))


def _armed_timers(workflow):
    for task in workflow.get_tasks(state=TaskState.WAITING):
        event = getattr(task.task_spec, "event_definition", None)
        if isinstance(event, TimerEventDefinition):
            value = task.internal_data.get("event_value")
            if isinstance(value, str):
                yield task, TimerEventDefinition.get_datetime(value)


def waits_on_timers(workflow):
    """Whether any task of the workflow waits on a timer (armed or not yet given its due time)."""
    return any(isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)
               for task in workflow.get_tasks(state=TaskState.WAITING))


def project(instance, workflow, arrivals=None, known_open_rows=None, known_timer_rows=None, completed=None):
    """Bring human_tasks, timers, status and the domain row in line with `workflow`.

    `arrivals` maps a task id to columns its newly opened row starts with (who it goes back to, and why).
    `known_open_rows`: the instance's open rows as read under its lock in this transaction (those still open are
    the open rows: only this step changes them); None reads them. `known_timer_rows`: likewise the armed and held
    timer rows ([] for an instance inserted in this transaction); None reads them. `completed`: the task row this
    step completed, if any (the receivers of `task_opened` hear it: what opened the new rows).
    Returns the timer rows that fired since the last projection.
    """
    data = markings.overlay(instance, current_data(workflow))  # markings are the row's, never the data's

    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    if known_open_rows is None:
        open_rows = db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open").all()
    else:
        open_rows = [row for row in known_open_rows if row.state == "open"]
    for row in open_rows:
        if row.task_uuid in ready:
            row.title = str(data.get("title") or row.title)[:256]
            row.secrecy = instance.secrecy
            row.urgency = instance.urgency
            ready.pop(row.task_uuid)
        else:
            row.state = "cancelled"
            row.completed_dt = clock.now()
    opened = [_open_row(instance, workflow, task, data) for task in ready.values()]
    for row in opened:
        for column, value in (arrivals or {}).get(row.task_uuid, {}).items():
            setattr(row, column, value)
    db.session.add_all(opened)

    if workflow.is_completed():
        instance.status = "completed"
        instance.ended_dt = instance.ended_dt or clock.now()
    elif instance.status != "incident":
        instance.status = "running"
    # A stopped instance's timers are held: the sweep then never picks them, and a retry arms them again.
    waiting_state = "armed" if instance.status == "running" else "held"

    armed = {str(t.id): (t, due) for t, due in _armed_timers(workflow)}
    timer_rows = known_timer_rows
    if timer_rows is None:
        timer_rows = (db.session.query(Timer)
                      .filter(Timer.instance_id == instance.id, Timer.state.in_(("armed", "held"))).all())
    fired_rows = []
    for row in timer_rows:
        if row.task_uuid in armed:
            row.due_dt = armed.pop(row.task_uuid)[1]
            row.state = waiting_state
            continue
        spiff_task = find_task(workflow, row.task_uuid)
        fired = spiff_task is not None and spiff_task.has_state(TaskState.COMPLETED | TaskState.READY)
        row.state = "fired" if fired else "cancelled"
        row.fired_dt = clock.now() if fired else None
        if fired:
            fired_rows.append(row)
    for uuid, (task, due) in armed.items():
        db.session.add(
            Timer(
                instance_id=instance.id,
                task_uuid=uuid,
                step_key=task.task_spec.name,
                step_label=task.task_spec.bpmn_name or task.task_spec.name,
                kind=_properties(task).get("kind", "timer"),
                due_dt=due,
                state=waiting_state,
            )
        )

    key = instance.definition.process_key
    # The projection context: the domain's projectors read the rows left open here through `open_rows`, not
    # again from the database. Held only while they run.
    instance.projected_open_rows = [row for row in open_rows if row.state == "open"] + opened
    try:
        hooks.instance_projected.send(key, instance=instance, data=data)  # the domain keeps its own row in step
    finally:
        instance.projected_open_rows = None
    if opened and hooks.task_opened.receivers:
        db.session.flush()
        for row in opened:
            hooks.task_opened.send(key, row=row, completed=completed)  # a new task in someone's inbox (notices)
    return fired_rows

