"""Moving running instances to another version of their process: a dry run, then the chosen ones.

An instance can move when every task it has run or holds (in the top process and in every sub-process it
started) has a step of the same id in the new version: SpiffWorkflow restores a task only with its spec.
Predicted tasks do not count (they are predicted again from the new version), nor cancelled ones that
left nothing behind (they are dropped).

Moving keeps each task, so its id, hence its inbox row with claim and assignee, and its data (drafts); and
keeps each armed timer's due time unless the timer's own definition changed. A boundary event the new
version adds to a step the instance is at is armed on the spot, also on a step that had none before: that is
how an admin adds a reminder to cases already under way (a duration counts from the migration).

SpiffWorkflow's own `migrate_workflow` keeps the ids of the READY and WAITING tasks it resets, but the reset
clears their internal data and data: a duration timer restarts from the migration time, a saved draft is
lost, and a boundary event added to a step already under way is never created. It also leaves the predicted
children of the other tasks as they were, so a step inserted after the current one would be skipped. Hence
the narrower update here.
"""
from copy import deepcopy
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.util.diff import SpecDiff
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from webapp.extensions import db

from . import definitions, runner, serializer, store
from .models import HumanTask, ProcessInstance, Timer

LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
PREDICTED = TaskState.FUTURE | TaskState.PREDICTED_MASK
_SPEC_FIELDS = {"bpmn_name": "名称", "extensions": "属性", "lane": "泳道", "outputs": "后续路径",
                "event_definition": "定义", "cond_task_specs": "条件", "default_task_spec": "默认路径",
                "operation_name": "处理程序", "operation_params": "参数", "script": "脚本", "prescript": "脚本",
                "postscript": "脚本", "documentation": "说明", "spec": "被调用流程", "cancel_activity": "中断方式"}
_QUIET_FIELDS = {"inputs", "lookahead", "description", "manual"}


@dataclass
class InstancePlan:
    instance_id: int
    business_key: str | None
    from_version: int
    movable: bool
    reasons: list = field(default_factory=list)
    changes: list = field(default_factory=list)


def _label(spec):
    return getattr(spec, "bpmn_name", None) or spec.name


def _step_label(flow, spec):
    """A name people know for a spec; Spiff's helpers (`x.BoundaryEventSplit`) borrow their activity's."""
    if getattr(spec, "bpmn_id", None):
        return _label(spec)
    owner = flow.spec.task_specs.get(spec.name.split(".", 1)[0])
    return _label(owner) if owner is not None else spec.name


def _diffs(workflow, spec, subprocess_specs):
    """[(workflow or sub-workflow, its SpecDiff, the new spec)]; diff None: a sub-process the new version lacks."""
    registry = serializer.registry()
    found = [(workflow, SpecDiff(registry, workflow.spec, spec), spec)]
    for sub in workflow.subprocesses.values():
        new = subprocess_specs.get(sub.spec.name)
        found.append((sub, SpecDiff(registry, sub.spec, new) if new is not None else None, new))
    return found


def _repredicted(flow):
    """Ids of the predicted tasks below the live ones: dropped and predicted again from the new version."""
    ids = set()
    for task in flow.get_tasks(state=LIVE, skip_subprocesses=True):
        stack = [c for c in task.children if c.state & PREDICTED]
        while stack:
            child = stack.pop()
            ids.add(child.id)
            stack.extend(c for c in child.children if c.state & PREDICTED)
    return ids


def _droppable(flow, task):
    """A cancelled task whose subtree never ran and started no sub-process: nothing is lost by dropping it."""
    if task.state != TaskState.CANCELLED:
        return False
    return all(not t.state & TaskState.COMPLETED and t.id not in flow.top_workflow.subprocesses for t in task)


def _boundary_split(new_spec):
    """The new version's boundary-event split in front of `new_spec` (its activity), if it has one."""
    for spec in new_spec.inputs:
        if isinstance(spec, BoundaryEventSplit) and new_spec in spec.outputs \
                and not isinstance(new_spec, spec.event_type):
            return spec
    return None


def _added_events(task, new_spec):
    """Boundary events of the new version on the live activity `task` that the instance does not have yet."""
    split = _boundary_split(new_spec)
    if split is None:
        return None, []
    parent = task.parent
    have = {c.task_spec.name for c in parent.children} if parent.task_spec.name == split.name else set()
    return split, [o for o in split.outputs if o is not new_spec and o.name not in have]


def _timing_changed(old, new):
    """Whether a waiting event must be armed anew: its event definition changed beyond its name."""
    registry = serializer.registry()
    before, after = (registry.convert(s.event_definition) for s in (old, new))
    return {k: v for k, v in before.items() if k != "name"} != {k: v for k, v in after.items() if k != "name"}


def _next_steps(spec, seen=None):
    """Ids of the diagram elements that follow `spec`, looking through Spiff's helpers (boundary joins)."""
    seen = set() if seen is None else seen
    found = set()
    for output in spec.outputs:
        if output.name in seen:
            continue
        seen.add(output.name)
        found |= {output.name} if getattr(output, "bpmn_id", None) else _next_steps(output, seen)
    return found


def _fields(keys):
    labels = [_SPEC_FIELDS.get(k, "其他") for k in keys if k not in _QUIET_FIELDS]
    return "、".join(dict.fromkeys(labels))


def _assess(workflow, spec, subprocess_specs):
    """(reasons it cannot move, changes it will see)."""
    reasons, changes = [], []
    for flow, diff, _new in _diffs(workflow, spec, subprocess_specs):
        if diff is None:
            reasons.append(f"子流程“{flow.spec.name}”在新版本中不存在")
            continue
        repredicted = _repredicted(flow)
        for task in flow.get_tasks(skip_subprocesses=True):
            aligned = diff.alignment.get(task.task_spec)
            label = _step_label(flow, task.task_spec)
            if task.id in repredicted or (aligned is None and _droppable(flow, task)):
                continue
            if aligned is None:
                where = "当前环节" if task.state & LIVE else "已办环节"
                suffix = "" if getattr(task.task_spec, "bpmn_id", None) else "的边界事件"
                reasons.append(f"{where}“{label}”{suffix}在新版本中不存在")
            elif task.state & LIVE and aligned.name != task.task_spec.name:
                # Spiff aligns a renamed step by position; an open step must keep its id (inbox rows, history).
                reasons.append(f"当前环节“{label}”在新版本中不存在（同一位置为“{_label(aligned)}”）")
            elif task.state & LIVE and "typename" in diff.changed.get(task.task_spec, ()):
                reasons.append(f"当前环节“{label}”在新版本中类型已改变")
            elif task.state & LIVE and getattr(task.task_spec, "bpmn_id", None):
                changes.extend(_live_changes(task, aligned, diff))
    return sorted(set(reasons)), sorted(set(changes))


def _live_changes(task, aligned, diff):
    label = _label(task.task_spec)
    found = []
    keys = set(diff.changed.get(task.task_spec, ()))
    if "outputs" in keys and _next_steps(task.task_spec) == _next_steps(aligned):
        keys.discard("outputs")  # only a boundary join in between: a boundary event was added or removed
    if keys and task.state == TaskState.WAITING and hasattr(aligned, "event_definition"):
        if _timing_changed(task.task_spec, aligned):
            found.append(f"“{label}”的时间设置有变化，按新设置重新计时")
        elif _fields(keys - {"event_definition"}):  # its name is part of the event definition
            found.append(f"“{label}”的{_fields(keys - {'event_definition'})}有变化，到期时间不变")
    elif keys and _fields(keys):
        found.append(f"当前环节“{label}”的{_fields(keys)}有变化，按新版本执行")
    for event in _added_events(task, aligned)[1]:
        found.append(f"当前环节“{label}”新增“{_label(event)}”，迁移后生效")
    return found


def plan(target):
    """For every running instance of `target`'s process on another version: can it move, and what changes.

    A dry run: instances are restored and compared, never changed. Only instances in status 'running' are
    offered: one stopped by an incident has a step that failed half-way and is resumed from the incident
    page (retry), which re-runs that step of its own version; moving it first would change what a retry runs
    behind the back of whoever is fixing it. Retry it, then move it.
    """
    spec, subprocess_specs = definitions.specs_for(target)
    rows = (
        db.session.query(ProcessInstance)
        .join(ProcessInstance.definition)
        .filter(ProcessInstance.status == "running", ProcessInstance.definition_id != target.id)
        .filter_by(process_key=target.process_key)
        .order_by(ProcessInstance.id)
        .all()
    )
    plans = []
    for instance in rows:
        reasons, changes = _assess(store.restore(instance), spec, subprocess_specs)
        plans.append(InstancePlan(instance.id, instance.business_key, instance.definition.version,
                                  not reasons, reasons, changes))
    return plans


def _arm(split_task, events):
    for event in events:
        # As the split would have added it: predicted, then waiting (a timer computes its due time now).
        event._update(split_task._add_child(event, TaskState.MAYBE))


def _insert_split(flow, task, split):
    """Put a completed boundary-event split between a live activity and its parent, as if it had been there."""
    parent = task.parent
    node = Task(flow, split, parent, state=TaskState.COMPLETED)
    node.thread_id = task.thread_id
    node.data = deepcopy(parent.data)
    parent._children.remove(task.id)
    task.parent = node
    node._children.append(task.id)
    return node


def _parents_first(flow):
    """Order the task table as the tree: the serializer stores a task's data as a delta on its parent's and
    restores in table order, so a parent inserted after its child would cost the child its data."""
    ordered, stack = {}, [flow.task_tree]
    while stack:
        task = stack.pop()
        ordered[task.id] = task
        stack.extend(reversed(task.children))
    ordered.update((i, t) for i, t in flow.tasks.items() if i not in ordered)  # none expected; never lose one
    flow.tasks = ordered


def _move_flow(flow, diff, new):
    for task_id in _repredicted(flow):
        if task_id in flow.tasks:
            flow._remove_task(task_id)
    for task in list(flow.get_tasks(state=TaskState.CANCELLED, skip_subprocesses=True)):
        if task.id in flow.tasks and diff.alignment.get(task.task_spec) is None:
            flow._remove_task(task.id)
    flow.spec = new
    for task in flow.get_tasks(skip_subprocesses=True):
        old_spec = task.task_spec
        task.task_spec = diff.alignment[old_spec]
        if task.state == TaskState.WAITING and old_spec in diff.changed and hasattr(old_spec, "event_definition") \
                and _timing_changed(old_spec, task.task_spec):
            task.internal_data.pop("event_value", None)  # armed anew from its new expression
            task.task_spec._update(task)
    for task in flow.get_tasks(state=LIVE, skip_subprocesses=True):
        split, events = _added_events(task, task.task_spec)
        if events:
            node = task.parent if task.parent.task_spec is split else _insert_split(flow, task, split)
            _arm(node, events)
    _parents_first(flow)
    for task in flow.get_tasks(state=LIVE, skip_subprocesses=True):
        if not task.children:  # a multi-instance task's instances are its children: leave those alone
            task.task_spec._predict(task, mask=TaskState.NOT_FINISHED_MASK)


def _move(workflow, spec, subprocess_specs):
    """Point every task at its step in the new version; re-arm changed waits; arm added boundary events."""
    for flow, diff, new in _diffs(workflow, spec, subprocess_specs):
        _move_flow(flow, diff, new)
    workflow.subprocess_specs = subprocess_specs  # call activities started from now on use the new version
    if workflow.last_task is not None and workflow.last_task.id not in workflow.tasks:
        workflow.last_task = None


def _properties(spec):
    return getattr(spec, "extensions", {}).get("properties", {})


def _refresh_rows(instance, workflow):
    """Open inbox rows and armed timers keep their ids; their labels and forms follow the new version.

    Role, unit, assignee and due time stay: the person holding the task keeps it.
    """
    tasks = {str(t.id): t for t in workflow.get_tasks(state=LIVE)}
    for row in db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open"):
        task = tasks.get(row.task_uuid)
        if task is not None:
            row.step_label = _label(task.task_spec)
            row.form_key = _properties(task.task_spec).get("form", row.form_key)
    for row in db.session.query(Timer).filter(Timer.instance_id == instance.id, Timer.state.in_(("armed", "held"))):
        task = tasks.get(row.task_uuid)
        if task is not None:
            row.step_label = _label(task.task_spec)
            row.kind = _properties(task.task_spec).get("kind", row.kind)


def migrate(instance_ids, target, user):
    """Move each instance (locked, re-checked) to `target`; [(instance id, moved, message)]. Flushes only."""
    spec, subprocess_specs = definitions.specs_for(target)
    results = []
    store.lock_instances(instance_ids)  # several locks: all first, in id order (docs/architecture.md, Locking)
    for instance_id in instance_ids:
        instance = store.lock_instance(instance_id)
        if instance.definition.process_key != target.process_key:
            results.append((instance_id, False, "不是该流程的实例"))
            continue
        if instance.definition_id == target.id:
            results.append((instance_id, False, f"已在 v{target.version}"))
            continue
        if instance.status != "running":
            results.append((instance_id, False, f"实例状态为“{instance.status_label}”，只迁移办理中的实例"))
            continue
        workflow = store.restore(instance)
        reasons, changes = _assess(workflow, spec, subprocess_specs)
        if reasons:
            results.append((instance_id, False, "；".join(reasons)))
            continue
        from_version = instance.definition.version
        _move(workflow, spec, subprocess_specs)
        instance.definition_id, instance.definition = target.id, target
        runner.record_event(instance.id, "migrate", user, data={
            "from_version": from_version, "to_version": target.version, "changes": changes})
        runner.persist(instance, workflow, runner.run_guarded(instance, workflow, runner.advance, user))
        _refresh_rows(instance, workflow)
        db.session.flush()
        results.append((instance_id, True, "；".join(changes) or "无变化"))
    return results
