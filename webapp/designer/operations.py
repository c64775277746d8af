"""Writes of the designer: deploy a validated diagram, roll back, migrate running instances."""
from sqlalchemy.exc import IntegrityError

from webapp import audit
from webapp.core.errors import AppError, TaskConflict
from webapp.engine import definitions, migration
from webapp.extensions import db

from . import validation


class DeployRejected(AppError):
    """A diagram with errors: nothing was stored; `errors`/`warnings` point at the elements at fault."""

    status = 422
    code = "invalid_bpmn"


def _choose_key(report, process_key):
    startable = report.process_ids
    if process_key:
        if process_key in startable:
            return process_key
        return _reject(report, f"流程图中没有可启动的流程 {process_key}（现有：{'、'.join(startable) or '无'}）")
    if len(startable) == 1:
        return startable[0]
    if not startable:
        return _reject(report, "流程图中没有可执行、可启动的流程")
    return _reject(report, f"流程图中有多个可启动的流程（{'、'.join(startable)}），请指定部署哪一个")


def _reject(report, message=None):
    problems = report.as_json()
    if message:
        problems["errors"].insert(0, {"element_id": None, "message": message, "rule": "process"})
    raise DeployRejected(message or f"流程图有 {len(problems['errors'])} 处错误，未部署。", **problems)


def deploy(user, xml, comment, process_key=None):
    """Validate, then store a new immutable version; returns (definition, created, warnings)."""
    report = validation.validate(xml, process_key)
    if not report.ok:
        _reject(report)
    key = _choose_key(report, process_key)
    try:
        with db.session.begin_nested():
            definition, created = definitions.deploy(key, xml, deployed_by=user, comment=comment)
    except IntegrityError as exc:
        raise TaskConflict("另一位管理员刚刚部署了该流程的新版本，请刷新后重试。") from exc
    except definitions.DefinitionError as exc:  # validation passed but the engine still refuses: say why
        raise DeployRejected(str(exc), errors=[{"element_id": i, "message": m, "rule": "spiff"}
                                                for i, m in exc.problems], warnings=[]) from exc
    if created:
        audit.record("admin.deploy", summary=f"部署流程 {key} v{definition.version}（流程设计器）",
                     target_type="process_definition", target_id=f"{key}:v{definition.version}",
                     detail={"process_key": key, "version": definition.version, "comment": comment}, user=user)
    return definition, created, [p.as_json() for p in report.warnings]


def rollback(user, definition):
    """Make an older version the one new instances start on."""
    if definition.is_latest:
        raise TaskConflict(f"v{definition.version} 已是当前版本。")
    definitions.make_latest(definition)
    audit.record("admin.rollback", summary=f"流程 {definition.process_key} 回退到 v{definition.version}",
                 target_type="process_definition", target_id=f"{definition.process_key}:v{definition.version}",
                 detail={"process_key": definition.process_key, "version": definition.version}, user=user)


def migrate(user, target, instance_ids):
    """Move the chosen running instances to `target`; returns [(instance id, ok, message)]."""
    results = migration.migrate(instance_ids, target, user)
    moved = [i for i, ok, _ in results if ok]
    audit.record("admin.migrate", summary=f"流程 {target.process_key} 迁移 {len(moved)} 个实例到 v{target.version}",
                 target_type="process_definition", target_id=f"{target.process_key}:v{target.version}",
                 detail={"moved": moved, "refused": [i for i, ok, _ in results if not ok]}, user=user)
    return results
