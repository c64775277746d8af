"""/api/v1: process definitions (系统管理员, scope admin) — list, validate, deploy, versions, roll back; the
designer's operations, so a diagram from another tool passes the same validation and sandbox checks."""
from flask_login import current_user

from webapp.designer import operations as designer_operations
from webapp.designer import queries as designer_queries
from webapp.designer import validation
from webapp.designer.schemas import DeploySchema, ValidateSchema
from webapp.extensions import db

from . import bearer, cursors
from . import v1_schemas as s
from .cursors import PageArgs
from .v1 import blp, documented


@blp.route("/definitions")
@bearer.requires("admin", role="admin")
@blp.arguments(PageArgs, location="query", as_kwargs=False)
@blp.response(200, s.ProcessList)
@documented(400, 401, 403, 422)
def definitions(args):
    """每个流程的当前版本（按流程标识排序），以及办理中的实例数。以 cursor 翻页。"""
    rows, following = cursors.walk_list(designer_queries.processes(), args["limit"],
                                        cursors.decode(args.get("cursor")), lambda row: row[0].process_key)
    return {"processes": [{"definition": d, "running": n} for d, n in rows], "next_cursor": cursors.encode(following)}


@blp.route("/definitions/<string:process_key>/versions")
@bearer.requires("admin", role="admin")
@blp.arguments(PageArgs, location="query", as_kwargs=False)
@blp.response(200, s.VersionList)
@documented(400, 401, 403, 404, 422)
def versions(args, process_key):
    """一个流程的全部版本（新的在前），各自办理中的实例数和与上一版本相比的变化。以 cursor 翻页。"""
    rows, following = cursors.walk_list(designer_queries.history(process_key), args["limit"],
                                        cursors.decode(args.get("cursor")), lambda row: row["definition"].version,
                                        descending=True)
    return {"versions": rows, "next_cursor": cursors.encode(following)}


@blp.route("/definitions/validate", methods=["POST"])
@bearer.requires("admin", role="admin")
@blp.arguments(ValidateSchema)
@blp.response(200, s.Validation)
@documented(401, 403, 422)
def validate(form):
    """校验 BPMN 流程图（不部署）：错误和警告指向具体元素。"""
    report = validation.validate(form["xml"], form["process_key"])
    return {"ok": report.ok, **report.as_json()}


@blp.route("/definitions", methods=["POST"])
@bearer.requires("admin", role="admin")
@blp.arguments(DeploySchema)
@blp.response(201, s.Deployed)
@documented(401, 403, 409, 422)
def deploy(form):
    """部署：校验通过后存为新的不可变版本（与当前版本相同则不新建）。"""
    definition, created, warnings = designer_operations.deploy(current_user, form["xml"], form["comment"],
                                                               form["process_key"])
    db.session.commit()
    return {"process_key": definition.process_key, "version": definition.version, "created": created,
            "warnings": warnings}


@blp.route("/definitions/<string:process_key>/versions/<int:version>/rollback", methods=["POST"])
@bearer.requires("admin", role="admin")
@blp.response(200, s.DefinitionOut)
@documented(401, 403, 404, 409)
def rollback(process_key, version):
    """回退：新发起的流程改用该版本；办理中的流程保持原版本。"""
    definition = designer_queries.definition(process_key, version)
    designer_operations.rollback(current_user, definition)
    db.session.commit()
    return definition
