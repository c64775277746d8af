"""Moving running instances to a newer version of their process: a dry run, then the chosen ones.

An instance can move when every task it holds (done, open or waiting, in the top process and in every
running sub-process) has a step of the same id in the new version: SpiffWorkflow restores a task only with its
spec. Moving keeps each task (its id, so its inbox row, claim and assignee; its data, so drafts), and keeps
each armed timer's due time unless the timer itself changed in the new version. A boundary event the new
version adds to a step the instance is at is armed on the spot: that is how an admin adds a reminder to cases
already under way (a duration counts from the migration).

SpiffWorkflow's own `migrate_workflow` resets every READY and WAITING task instead, which re-arms duration
timers from the migration time and drops task data; hence the narrower update here.
"""
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.util.diff import SpecDiff
from SpiffWorkflow.util.task import TaskState

from webapp.extensions import db

from . import definitions, runner, serializer, store
from .models import ProcessInstance

LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


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


def _diffs(workflow, spec, subprocess_specs):
    """[(workflow or sub-workflow, its SpecDiff, the new spec)]; diff None: a sub-process the new version lacks."""
    registry = serializer.registry()
    found = [(workflow, SpecDiff(registry, workflow.spec, spec), spec)]
    for sub in workflow.subprocesses.values():
        new = subprocess_specs.get(sub.spec.name)
        found.append((sub, SpecDiff(registry, sub.spec, new) if new is not None else None, new))
    return found


def _assess(workflow, spec, subprocess_specs):
    """(reasons it cannot move, changes it will see)."""
    reasons, changes = [], []
    for flow, diff, _new in _diffs(workflow, spec, subprocess_specs):
        if diff is None:
            reasons.append(f"子流程“{flow.spec.name}”在新版本中不存在")
            continue
        removed = set(diff.removed)
        for task in flow.get_tasks(skip_subprocesses=True):
            if not getattr(task.task_spec, "bpmn_id", None):
                continue
            aligned = diff.alignment.get(task.task_spec)
            if task.task_spec in removed:
                where = "当前环节" if task.state & LIVE else "已办环节"
                reasons.append(f"{where}“{_label(task.task_spec)}”在新版本中不存在")
            elif task.state & LIVE and aligned.name != task.task_spec.name:
                # Spiff aligns a renamed step by position; an open step must keep its id (inbox rows, history).
                reasons.append(f"当前环节“{_label(task.task_spec)}”在新版本中不存在（同一位置为“{_label(aligned)}”）")
        for task in flow.get_tasks(state=LIVE, skip_subprocesses=True):
            if task.task_spec in diff.changed and getattr(task.task_spec, "bpmn_id", None):
                changes.append(f"当前环节“{_label(task.task_spec)}”的定义有变化，按新版本执行")
        for split in _splits(flow):
            new_split = diff.alignment.get(split.task_spec)
            for output in _added_outputs(split, new_split):
                changes.append(f"新增“{_label(output)}”，迁移后生效")
    return sorted(set(reasons)), sorted(set(changes))


def _splits(flow):
    """Boundary-event splits whose activity is still under way: where a newly added boundary event attaches."""
    for task in flow.get_tasks(state=TaskState.COMPLETED, skip_subprocesses=True):
        if isinstance(task.task_spec, BoundaryEventSplit) and any(c.state & LIVE for c in task.children):
            yield task


def _added_outputs(split, new_split):
    if new_split is None:
        return []
    have = {child.task_spec.name for child in split.children}
    return [output for output in new_split.outputs if output.name not in have]


def plan(target):
    """For every running instance of `target`'s process on another version: can it move, and what changes."""
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


def _move(workflow, spec, subprocess_specs):
    """Point every task at its step in the new version; re-arm changed waiting events; arm added boundary events."""
    for flow, diff, new in _diffs(workflow, spec, subprocess_specs):
        changed = diff.changed
        flow.spec = new
        for task in flow.get_tasks(skip_subprocesses=True):
            old_spec = task.task_spec
            task.task_spec = diff.alignment[old_spec]
            if old_spec in changed and task.state == TaskState.WAITING:
                task.internal_data.pop("event_value", None)  # a changed timer is armed anew from its new expression
                task.task_spec._update(task)
        for split in _splits(flow):
            for output in _added_outputs(split, split.task_spec):
                child = split._add_child(output, TaskState.FUTURE)  # beside the waiting ones, which stay as they are
                output._update(child)
    workflow.subprocess_specs = subprocess_specs  # call activities started from now on use the new version
    if workflow.last_task is not None and workflow.last_task.id not in workflow.tasks:
        workflow.last_task = None


def migrate(instance_ids, target, user):
    """Move each instance (locked, re-checked) to `target`; [(instance id, moved, message)]. Flushes only."""
    spec, subprocess_specs = definitions.specs_for(target)
    results = []
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
        results.append((instance_id, True, "；".join(changes) or "无变化"))
    return results
