"""Reads for the designer: processes, their versions with what changed, definitions to open."""
from sqlalchemy import func

from webapp.core.errors import NotFound
from webapp.engine import diagram_state, migration, versions
from webapp.engine.models import ProcessDefinition, ProcessInstance
from webapp.extensions import db


def processes():
    """The latest version of every process, with how many of its instances are still running."""
    running = dict(
        db.session.query(ProcessDefinition.process_key, func.count(ProcessInstance.id))
        .join(ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
        .filter(ProcessInstance.status.in_(("running", "incident")))
        .group_by(ProcessDefinition.process_key)
    )
    latest = (
        db.session.query(ProcessDefinition)
        .filter_by(is_latest=True)
        .order_by(ProcessDefinition.process_key)
        .all()
    )
    return [(d, running.get(d.process_key, 0)) for d in latest]


def definition(process_key, version=None):
    """One version (the latest when `version` is None)."""
    query = db.session.query(ProcessDefinition).filter_by(process_key=process_key)
    query = query.filter_by(version=version) if version else query.filter_by(is_latest=True)
    found = query.one_or_none()
    if found is None:
        raise NotFound(f"流程 {process_key}{f' v{version}' if version else ''} 不存在")
    return found


def definition_by_id(definition_id):
    found = db.session.get(ProcessDefinition, definition_id)
    if found is None:
        raise NotFound("流程版本不存在")
    return found


def history(process_key):
    """Every version, newest first, each with its running instances and the diff against the one before."""
    rows = (
        db.session.query(ProcessDefinition)
        .filter_by(process_key=process_key)
        .order_by(ProcessDefinition.version)
        .all()
    )
    if not rows:
        raise NotFound(f"流程 {process_key} 不存在")
    running = dict(
        db.session.query(ProcessInstance.definition_id, func.count(ProcessInstance.id))
        .filter(ProcessInstance.definition_id.in_([d.id for d in rows]))
        .filter(ProcessInstance.status.in_(("running", "incident")))
        .group_by(ProcessInstance.definition_id)
    )
    result, previous = [], None
    for d in rows:
        diff = versions.diff_summary(previous.bpmn_xml, d.bpmn_xml) if previous is not None else None
        result.append({"definition": d, "running": running.get(d.id, 0), "diff": diff,
                       "summary": versions.summary_text(diff) if diff is not None else "初始版本"})
        previous = d
    return list(reversed(result))


def instance_diagram(instance):
    """What the instance diagram on a detail page shows (designer/_viewer.html): the path taken, the current steps,
    the armed timers. It restores the workflow once, in the view, never while the page renders."""
    return diagram_state(instance)


def migration_plans(target):
    """For each running instance of older versions: whether and how it would move to `target`."""
    return migration.plan(target)
