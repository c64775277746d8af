"""The verbs offices use beyond "complete": claim, release, transfer, return to an earlier step, withdraw.

Each runs under the instance lock like `runner.complete`, records history and only flushes.
Return and withdraw move the workflow itself back (SpiffWorkflow's reset to a task): the target step
runs again under the same task id, everything after it is dropped, and timers that hang on a step
which is not reset (a case's deadline on its handling call activity) stay armed as they were.
"""
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import or_

from webapp.core import clock
from webapp.core.errors import FormInvalid, NotAllowed, NotFound, TaskConflict
from webapp.extensions import db

from . import host, markings, store
from .models import HumanTask, InstanceEvent
from .projection import find_task
from .runner import advance, lock_open_row, locked_task, persist, record_event, run_guarded

# Events by people that count as "the next step was acted on": after one, a withdraw is refused.
ACTING_EVENTS = ("complete", "save_draft", "claim", "release", "transfer", "return", "withdraw")


def claim(task_row_id, user):
    """签收: an open group task becomes the user's alone. Of two claims at once, the second sees the first."""
    row, instance = lock_open_row(task_row_id, user)
    if row.assignee_id == user.id:
        return row
    row.assignee_id = user.id
    row.claimed_dt = clock.now()
    record_event(instance.id, "claim", user, row=row)
    db.session.flush()
    return row


def release(task_row_id, user):
    """退回签收: a claimed task goes back to every user of its role in the unit."""
    row, instance = lock_open_row(task_row_id, user)
    if row.assignee_id != user.id or row.claimed_dt is None:
        raise TaskConflict("只有签收人可以退回签收；流程指定或转办给您的任务请使用“转办”。")
    row.assignee_id = None
    row.claimed_dt = None
    record_event(instance.id, "release", user, row=row)
    db.session.flush()
    return row


def transfer_candidates(row):
    """Users who may take the task over: active, same unit and role, cleared for its secrecy."""
    return host.current.colleagues(row.unit_id, row.role, row.secrecy)


def transfer(task_row_id, user, target_user_id, reason):
    """转办: hand the task to another user of the same role in the same unit, with a reason."""
    if not (reason or "").strip():
        raise FormInvalid({"reason": ["请填写转办理由。"]})
    row, instance = lock_open_row(task_row_id, user)
    target = host.current.person(target_user_id)
    if target is None or target.id == user.id or target.id not in {c.id for c in transfer_candidates(row)}:
        raise NotAllowed("只能转办给本单位同一岗位、密级相符的其他人员。")
    row.assignee_id = target.id
    row.claimed_dt = None
    row.arrival, row.arrival_note, row.arrival_by_id = "transferred", reason.strip(), user.id
    record_event(instance.id, "transfer", user, row=row, opinion=reason.strip(),
                 data={"to": target.name, "to_id": target.id})
    db.session.flush()
    return row


def _latest_completions(instance_id, before=None):
    """The latest completed row of each step of an instance (older runs of a looped step are superseded)."""
    query = db.session.query(HumanTask).filter(
        HumanTask.instance_id == instance_id, HumanTask.state == "completed", HumanTask.superseded.is_(False),
        or_(HumanTask.outcome.is_(None), HumanTask.outcome != "returned"),
    )
    if before is not None:
        query = query.filter(HumanTask.completed_dt <= before)
    latest = {}
    for row in query.order_by(HumanTask.completed_dt, HumanTask.id):
        latest[row.step_key] = row
    return latest


# SpiffWorkflow names the steps of a multi-instance task's instances "<id> [child]".
MULTI_INSTANCE_SUFFIX = " [child]"


def return_targets(row):
    """Earlier steps the open task may be returned to: those that ran in this instance, latest run each,
    oldest first, never the step itself. Projected rows only; the lock re-checks against the workflow.
    Not an instance of a multi-instance step: a reset would bring back the returning task's data, which lacks
    the instance's item (its unit), and would reopen one instance of several."""
    latest = _latest_completions(row.instance_id, before=row.created_dt)
    return [r for r in sorted(latest.values(), key=lambda r: r.completed_dt)
            if r.step_key != row.step_key and not r.step_key.endswith(MULTI_INSTANCE_SUFFIX)]


def _ran_before(workflow, target, current):
    """Whether `target` ran on the way to `current`: an ancestor of it, or inside a call activity that is."""
    chain = []
    task = current
    while task is not None:
        chain.append(task)
        if task.parent is None and task.workflow.parent_task_id is not None:
            task = workflow.get_task_from_id(task.workflow.parent_task_id)  # up out of a call activity
        else:
            task = task.parent
    if target in chain:
        return True
    called = {t.id for t in chain if t.id in workflow.subprocesses}
    sub = target.workflow
    while sub.parent_task_id is not None:
        if sub.parent_task_id in called:
            return True
        sub = workflow.get_task_from_id(sub.parent_task_id).workflow
    return False


def _reset_to(instance, workflow, target, data):
    """Move the workflow back to `target`; completed rows whose run was undone are marked superseded."""
    workflow.reset_from_task_id(target.id, data=data)
    markings.stamp(instance, workflow, [target])  # the reset brought back the data of then, not the markings
    # SpiffWorkflow 3.2 leaves the dropped tasks' timers and other catching events in the event manager;
    # the next refresh_timers would then touch a task that no longer has a parent.
    live = {workflow, *workflow.subprocesses.values()}
    events = workflow.event_manager.tasks
    for task_id, task in list(events.items()):
        if task.workflow not in live or task_id not in task.workflow.tasks:
            events.pop(task_id)
    for done in db.session.query(HumanTask).filter_by(instance_id=instance.id, state="completed", superseded=False):
        task = find_task(workflow, done.task_uuid)
        if task is None or task.state != TaskState.COMPLETED:
            done.superseded = True


def _performer(row):
    """Who gets a step back: its last performer, while they still may act on it."""
    performer = host.current.person(row.completed_by_id) if row.completed_by_id else None
    if performer is None or not performer.is_active_user or row.role not in performer.roles:
        return None
    if performer.unit_id != row.unit_id or performer.clearance < row.secrecy:
        return None
    return performer


def return_to(task_row_id, user, target_row_id, reason):
    """退回: send the instance back to an earlier step that ran; its performer gets it with the reason."""
    if not (reason or "").strip():
        raise FormInvalid({"reason": ["请填写退回理由。"]})
    target_row = db.session.get(HumanTask, target_row_id)
    row, instance, workflow, task = locked_task(task_row_id, user)
    if target_row is None or target_row.instance_id != row.instance_id or target_row.state != "completed":
        raise TaskConflict("只能退回到本流程中已办理过的环节。")
    target = find_task(workflow, target_row.task_uuid)
    if target is None or target.state != TaskState.COMPLETED or not _ran_before(workflow, target, task):
        raise TaskConflict(f"“{target_row.step_label}”不在当前环节之前的办理路径上，无法退回到该环节。")
    if target_row.step_key.endswith(MULTI_INSTANCE_SUFFIX):
        raise TaskConflict(f"“{target_row.step_label}”由多个单位分别办理，不能退回到该环节。")
    reason = reason.strip()
    data = dict(task.data)  # what was entered since stays, so the returned step's form is filled in
    data["returned"] = {"from": row.step_label, "reason": reason, "by": user.name}
    _reset_to(instance, workflow, target, data)
    row.state, row.completed_dt, row.completed_by_id = "completed", clock.now(), user.id
    row.outcome, row.opinion = "returned", reason
    record_event(instance.id, "return", user, opinion=reason,
            data={"to": target_row.step_label, "to_step": target_row.step_key}, row=row)
    performer = _performer(target_row)
    arrival = {"arrival": "returned", "arrival_note": reason, "arrival_by_id": user.id,
               "assignee_id": performer.id if performer else None}
    persist(instance, workflow, run_guarded(instance, workflow, advance, user), {target_row.task_uuid: arrival})
    return instance


def withdrawable(row, user):
    """Why the user cannot withdraw what they submitted at `row` (None when they can)."""
    if row.state != "completed" or row.completed_by_id != user.id or row.outcome == "returned":
        return "只能撤回本人提交的办理。"
    if row.instance.status != "running":
        return "流程已办结或处于异常状态，无法撤回。"
    submitted = (db.session.query(InstanceEvent.id)
                 .filter_by(instance_id=row.instance_id, task_id=row.id, action="complete")
                 .order_by(InstanceEvent.id.desc()).first())
    if submitted is None:
        return "找不到该次提交的记录，无法撤回。"
    acted = (db.session.query(InstanceEvent)
             .filter(InstanceEvent.instance_id == row.instance_id, InstanceEvent.id > submitted.id,
                     InstanceEvent.actor_id.isnot(None), InstanceEvent.action.in_(ACTING_EVENTS))
             .first())
    if acted is not None:
        who = acted.actor.name if acted.actor else "他人"
        return f"下一环节已由{who}{acted.action_label}，无法撤回。"
    return None


def withdraw(task_row_id, user):
    """撤回: take back a submission while nobody has acted on what came after it."""
    row = db.session.get(HumanTask, task_row_id)
    if row is None:
        raise NotFound("任务不存在")
    instance = store.lock_instance(row.instance_id)
    row = db.session.query(HumanTask).filter_by(id=task_row_id).populate_existing().one()
    problem = withdrawable(row, user)
    if problem:
        raise TaskConflict(problem)
    workflow = store.restore(instance)
    incident = run_guarded(instance, workflow, advance, user)  # a timer due now still fires first
    target = find_task(workflow, row.task_uuid)
    if incident or target is None or target.state != TaskState.COMPLETED:
        persist(instance, workflow, incident)
        raise TaskConflict("流程已继续流转，无法撤回。", keep_changes=True)
    _reset_to(instance, workflow, target, dict(target.data))  # the submitted form comes back as it was sent
    record_event(instance.id, "withdraw", user, row=row)
    arrival = {"arrival": "withdrawn", "arrival_note": "", "arrival_by_id": user.id, "assignee_id": user.id}
    persist(instance, workflow, run_guarded(instance, workflow, advance, user), {row.task_uuid: arrival})
    return instance
