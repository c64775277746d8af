"""Operations on instances. Each runs inside the caller's transaction and only flushes.

complete(task row, user, form):
  check the user may act -> lock the instance -> restore -> fire due timers first
  -> the task must still be READY -> validate the form -> run -> engine steps
  -> save state (lock_version + 1) -> project rows -> record history.
"""
from flask import current_app
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import SignalEventDefinition
from SpiffWorkflow.util.task import TaskState

from webapp.core import clock, forms
from webapp.core.errors import AppError, NotAllowed, NotFound, TaskConflict
from webapp.extensions import db

from . import definitions, host, markings, serializer, store
from .environment import HandlerFailure
from .models import HumanTask, Incident, InstanceEvent, ProcessInstance, Timer
from .projection import find_task, project, waits_on_timers


class RunawayInstance(AppError):
    """More engine steps in one go than ENGINE_MAX_STEPS: likely an endless loop."""


def _engine_steps(workflow):
    limit = current_app.config["ENGINE_MAX_STEPS"]
    count = 0

    def guard(task):
        nonlocal count
        count += 1
        if count > limit:
            raise RunawayInstance(f"单次推进超过 {limit} 步，已停止（可能是死循环）")

    workflow.do_engine_steps(did_complete_task=guard)


def advance(workflow):
    """Fire whatever timers are due, then run engine steps until only waits remain.

    A timer becomes READY at the end of one pass and runs in the next, so pass twice.
    """
    for _ in range(2):
        workflow.refresh_timers()
        _engine_steps(workflow)


def record_event(instance_id, action, actor=None, *, row=None, acting=True, step_key=None, step_label=None,
                 opinion=None, data=None):
    """One history row. With a task `row`: its step and the row itself, and, when the actor acts on that step
    (not someone urging it), the role they acted in."""
    if row is not None:
        step_key, step_label = row.step_key, row.step_label
    db.session.add(
        InstanceEvent(
            instance_id=instance_id, event_dt=clock.now(), actor_id=actor.id if actor else None,
            actor_role=row.role if row is not None and actor and acting else None,
            task_id=row.id if row is not None else None,
            action=action, step_key=step_key, step_label=step_label, opinion=opinion, data=data,
        )
    )


def run_guarded(instance, workflow, step, actor=None):
    """Run `step(workflow)`; a failure inside becomes a recorded incident, not an exception."""
    try:
        step(workflow)
        return None
    except (HandlerFailure, RunawayInstance, WorkflowException, AppError) as exc:
        message = getattr(exc, "readable", None) or getattr(exc, "message", None) or str(exc)
        task = getattr(exc, "task", None)
        step_key = task.task_spec.name if task is not None else None
        instance.status = "incident"
        db.session.add(Incident(instance_id=instance.id, step_key=step_key, message=message, created_dt=clock.now()))
        record_event(instance.id, "incident", actor, step_key=step_key, opinion=message)
        return message


def persist(instance, workflow, incident=None, arrivals=None, open_rows=None, new=False, timer_rows=None,
            completed=None):
    """Save the state (lock_version + 1 on flush), project it into rows and record fired timers.

    `open_rows`: the instance's open task rows as read under its lock in this transaction (then not read again).
    `timer_rows`: likewise its armed and held timer rows, when known ([]: it has none), else None (read them).
    `new`: the instance was inserted in this transaction, so it has no task or timer rows to read yet.
    `completed`: the task row the step completed, if it completed one.
    Returns the timer rows that fired in this step, whichever operation made them fire.
    """
    markings.stamp(instance, workflow)  # whatever a reset or a merge put into the data, the row's markings win
    store.save(instance, workflow)
    markings.sync_task_rows(instance)
    fired = project(instance, workflow, arrivals, [] if new else open_rows,
                    known_timer_rows=[] if new else timer_rows, completed=completed)
    for timer in fired:
        record_event(instance.id, "timer", step_key=timer.step_key, step_label=timer.step_label,
                data={"due": timer.due_dt.isoformat(), "fired": timer.fired_dt.isoformat()})
    db.session.flush()
    instance.last_incident = incident
    return fired


def may_act(user, row):
    """Whether `user` may act on the open task row (role, unit, assignee, clearance)."""
    return (
        row.role in user.roles
        and row.unit_id == user.unit_id
        and (row.assignee_id is None or row.assignee_id == user.id)
        and user.clearance >= row.secrecy
    )


def check_may_act(user, row):
    """Raise unless the user may act on the open row; losing a claim to a colleague is a conflict (409)."""
    if may_act(user, row):
        return
    if row.assignee_id is not None and may_act(user, _unassigned(row)):
        holder = host.current.person(row.assignee_id)
        if row.claimed_dt is not None:
            raise TaskConflict(f"该任务已由{holder.name}签收。")
        raise NotAllowed(f"该任务已交由{holder.name}办理，您无权办理。")
    raise NotAllowed("您无权办理此任务。")


def _unassigned(row):
    return HumanTask(role=row.role, unit_id=row.unit_id, assignee_id=None, secrecy=row.secrecy)


def start(process_key, user, data, business_key=None):
    """Start an instance of the latest version of `process_key` with initial `data`."""
    definition = definitions.latest(process_key)
    if definition is None:
        raise NotFound(f"流程 {process_key} 尚未部署")
    spec, subprocess_specs = definitions.specs_for(definition)
    instance = ProcessInstance(
        definition_id=definition.id, definition=definition, business_key=business_key, state_json="{}",
        serializer_version=serializer.VERSION, status="running", unit_id=data.get("unit_id"),
        started_by_id=user.id if user else None, started_dt=clock.now(),
    )
    markings.initial(instance, data, user)
    db.session.add(instance)
    db.session.flush()
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=store.script_engine_for(instance.id))
    workflow.task_tree.data.update(data)  # the start task's data flows into every later task
    record_event(instance.id, "start", user, data={"process": process_key, "version": definition.version})
    persist(instance, workflow, run_guarded(instance, workflow, advance, user), new=True)
    return instance


def lock_open_row(task_row_id, user):
    """Lock the task's instance and re-read the open row the user may act on; returns (row, instance)."""
    row, instance, _open_rows = _lock_open_rows(task_row_id, user)
    return row, instance


def _lock_open_rows(task_row_id, user):
    """`lock_open_row`, re-reading every open row of the instance in the one statement; returns
    (row, instance, open rows)."""
    row = db.session.get(HumanTask, task_row_id)
    if row is None:
        raise NotFound("任务不存在")
    instance, open_rows = store.lock_instance_with_open_rows(row.instance_id)
    if row not in open_rows:
        raise TaskConflict("该任务已被他人处理或已撤销，请刷新待办列表。")
    check_may_act(user, row)
    return row, instance, open_rows


def locked_task(task_row_id, user):
    """Lock the task's instance, re-read the row, check access; returns (row, instance, workflow, task)."""
    return _locked_task(task_row_id, user)[:4]


def _locked_task(task_row_id, user):
    """`locked_task`, and the instance's open rows as read under the lock (for `persist`), and its timer rows when
    they are known without a read: none, when the state restored waits on no timer (every armed or held timer
    row stands for a waiting timer of the state last saved, `project` keeps them so), else None."""
    row, instance, open_rows = _lock_open_rows(task_row_id, user)
    if instance.status == "incident":
        raise TaskConflict("该流程处于异常状态，待管理员处理后再办理。")
    workflow = store.restore(instance)
    timer_rows = None if waits_on_timers(workflow) else []
    incident = run_guarded(instance, workflow, advance, user)  # due timers win before the submit
    task = find_task(workflow, row.task_uuid)
    if incident or task is None or task.state != TaskState.READY:
        persist(instance, workflow, incident, open_rows=open_rows, timer_rows=timer_rows)
        raise TaskConflict("该任务已被处理（可能已超时自动流转），请刷新后查看。", keep_changes=True)
    return row, instance, workflow, task, open_rows, timer_rows


def _validated_form(task_row_id, user, raw_form, partial=False):
    """Cheap checks before taking the lock: the row exists, the user may act, the form is valid."""
    row = db.session.get(HumanTask, task_row_id)
    if row is None:
        raise NotFound("任务不存在")
    if row.state == "open":
        check_may_act(user, row)
    return forms.validate(row.form_key, raw_form, partial=partial) if row.form_key else {}


def complete(task_row_id, user, raw_form):
    """Complete an open user task with a validated form; returns the instance."""
    with host.current.observe_step(task_row_id):  # the host's measure of each step (webapp/ops/steps.py)
        return _complete(task_row_id, user, raw_form)


def _complete(task_row_id, user, raw_form):
    form = _validated_form(task_row_id, user, raw_form)
    row, instance, workflow, task, open_rows, timer_rows = _locked_task(task_row_id, user)
    if row.form_key:
        forms.check(row.form_key, form, task.data)
    _take_markings(instance, form, user, row)
    task.data.update(form)
    task.run()
    row.state = "completed"
    row.completed_dt = clock.now()
    row.completed_by_id = user.id
    row.assignee_id = row.assignee_id or user.id  # completing an unclaimed group task claims it
    row.outcome = form.get("decision")
    row.opinion = form.get("opinion")
    record_event(instance.id, "complete", user, opinion=form.get("opinion"), data=_loggable(form), row=row)
    incident = run_guarded(instance, workflow, advance, user)
    if workflow.is_completed():
        record_event(instance.id, "end")
    persist(instance, workflow, incident, open_rows=open_rows, timer_rows=timer_rows, completed=row)
    return instance


def save_draft(task_row_id, user, raw_form):
    """Keep a partly filled form on the open task without completing it."""
    form = _validated_form(task_row_id, user, raw_form, partial=True)
    row, instance, workflow, task, open_rows, timer_rows = _locked_task(task_row_id, user)
    _take_markings(instance, form, user, row)
    task.data.update(form)
    record_event(instance.id, "save_draft", user, data=_loggable(form), row=row)
    persist(instance, workflow, open_rows=open_rows, timer_rows=timer_rows)
    return instance


def fire_timers(instance_id):
    """Fire the due timers of one instance (locked); returns how many timer rows fired."""
    instance = store.lock_instance(instance_id)
    if instance.status != "running":
        return 0
    workflow = store.restore(instance)
    return len(persist(instance, workflow, run_guarded(instance, workflow, advance)))


def signal(instance_id, name, user=None):
    """Deliver the BPMN signal `name` to a running instance; returns whether a waiting event caught it."""
    instance = store.lock_instance(instance_id)
    if instance.status != "running":
        return False
    workflow = store.restore(instance)
    incident = run_guarded(instance, workflow, advance, user)
    caught = not incident and _catch_signal(workflow, name)
    if caught:
        record_event(instance.id, "signal", user, data={"signal": name})
        incident = run_guarded(instance, workflow, advance, user)
    persist(instance, workflow, incident)
    return bool(caught)


def _catch_signal(workflow, name):
    waiting = [e for e in workflow.waiting_events() if e.event_type == "SignalEventDefinition" and e.name == name]
    if not waiting:
        return False
    workflow.catch(BpmnEvent(SignalEventDefinition(name)))
    return True


def retry(instance_id, user):
    """Resume an instance stopped by an incident once its cause is fixed."""
    instance = store.lock_instance(instance_id)
    if instance.status != "incident":
        raise TaskConflict("该流程没有待处理的异常。")
    workflow = store.restore(instance)
    for task in workflow.get_tasks(state=TaskState.ERROR):  # never STARTED: a running call activity is STARTED
        task._set_state(TaskState.READY)
    for incident in db.session.query(Incident).filter_by(instance_id=instance_id, resolved_dt=None):
        incident.resolved_dt = clock.now()
    instance.status = "running"
    record_event(instance.id, "retry", user)
    persist(instance, workflow, run_guarded(instance, workflow, advance, user))
    return instance


def _take_markings(instance, form, user, row):
    """A form that sets secrecy or urgency changes the instance's markings; a change after the first submission
    (a re-marked item, not a new one being filled in) is in the history and the audit log."""
    changed = markings.take_from_form(instance, form, user)
    submitted_before = changed and db.session.query(InstanceEvent.id).filter_by(
        instance_id=instance.id, action="complete").first() is not None
    if submitted_before:
        record_event(instance.id, "marking", user, row=row,
                     data={name: {"from": old, "to": new} for name, (old, new) in changed.items()})


def _loggable(form):
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in form.items()}


def terminate(instance_id, user, action, row=None, opinion=None):
    """End a running instance where it stands (a draft discarded, 作废): its open steps are cancelled, its armed
    timers too, and the history says who and why. Under the instance lock; returns the instance."""
    instance = store.lock_instance(instance_id)
    if instance.status != "running":
        raise TaskConflict("该流程已结束，不能再作废。")
    now = clock.now()
    for open_row in db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open"):
        open_row.state, open_row.completed_dt = "cancelled", now
    for timer in db.session.query(Timer).filter(Timer.instance_id == instance.id,
                                                Timer.state.in_(("armed", "held"))):
        timer.state = "cancelled"
    instance.status, instance.ended_dt = "terminated", now
    record_event(instance.id, action, user, row=row, opinion=opinion)
    db.session.flush()
    return instance
