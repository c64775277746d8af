"""Designer pages: the process list, the editor, validation and deploy, versions, rollback, migration."""
from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.core.access import role_required
from webapp.core.errors import NotFound
from webapp.core.forms import load
from webapp.extensions import db
from webapp.inbox.access import viewable_instance
from webapp.inputs.bodies import json_object

from . import catalog, operations, queries, validation
from .schemas import DeploySchema, MigrateSchema, ValidateSchema, VersionArgs

bp = Blueprint("designer", __name__)


@bp.route("/")
@role_required("admin")
def index():
    return render_template("designer/index.html", processes=queries.processes())


@bp.route("/new")
@role_required("admin")
def new():
    return render_template("designer/editor.html", definition=None, catalog=catalog.as_json())


@bp.route("/<process_key>/edit")
@role_required("admin")
def edit(process_key):
    definition = queries.definition(process_key, load(VersionArgs, request.args)["version"])
    return render_template("designer/editor.html", definition=definition, catalog=catalog.as_json())


@bp.route("/<process_key>/versions/<int:version>")
@role_required("admin")
def view(process_key, version):
    """A deployed version, read-only."""
    return render_template("designer/view.html", definition=queries.definition(process_key, version))


def _diagram_file(definition, cache):
    """BPMN XML as a download only: a diagram may carry markup (an XHTML script in its extension elements)
    that a browser would run if it showed the file inline. The viewer and the editor read it with fetch()."""
    return Response(definition.bpmn_xml, mimetype="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="{definition.process_key}-v{definition.version}.bpmn"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": cache,
    })


@bp.route("/definitions/<int:definition_id>.bpmn")
@role_required("admin")
def download(definition_id):
    """A deployed version's BPMN, for the editor, the version viewer and downloads (versions never change)."""
    return _diagram_file(queries.definition_by_id(definition_id), "private, max-age=86400")


@bp.route("/instances/<int:instance_id>.bpmn")
@login_required
def instance_diagram(instance_id):
    """The BPMN of an instance's version, for the diagram on its pages: to whoever may see the instance."""
    instance = viewable_instance(current_user, instance_id)
    if instance is None:
        raise NotFound("流程实例不存在或您无权查看。")
    return _diagram_file(instance.definition, "private, no-cache")


@bp.route("/validate", methods=["POST"])
@role_required("admin")
def check():
    data = load(ValidateSchema, json_object())
    return jsonify(validation.validate(data["xml"], data["process_key"]).as_json())


@bp.route("/deploy", methods=["POST"])
@role_required("admin")
def deploy():
    data = load(DeploySchema, json_object())
    definition, created, warnings = operations.deploy(current_user, data["xml"], data["comment"], data["process_key"])
    db.session.commit()
    return jsonify(process_key=definition.process_key, version=definition.version, created=created,
                   warnings=warnings, versions_url=url_for(".versions", process_key=definition.process_key))


@bp.route("/<process_key>/versions")
@role_required("admin")
def versions(process_key):
    return render_template("designer/versions.html", process_key=process_key, history=queries.history(process_key))


@bp.route("/<process_key>/versions/<int:version>/rollback", methods=["POST"])
@role_required("admin")
def rollback(process_key, version):
    definition = queries.definition(process_key, version)
    operations.rollback(current_user, definition)
    db.session.commit()
    flash(f"已回退：新发起的流程将使用 v{version}；办理中的流程保持原版本。")
    return redirect(url_for(".versions", process_key=process_key))


@bp.route("/<process_key>/migrate", methods=["GET", "POST"])
@role_required("admin")
def migrate(process_key):
    target = queries.definition(process_key)
    if request.method == "POST":
        ids = load(MigrateSchema, {"instance_ids": request.form.getlist("instance_id")})["instance_ids"]
        results = operations.migrate(current_user, target, ids)
        db.session.commit()
        moved = sum(1 for _, ok, _ in results if ok)
        flash(f"已迁移 {moved} 个实例到 v{target.version}。")
        for instance_id, ok, message in results:
            if not ok:
                flash(f"实例 #{instance_id} 未迁移：{message}", "error")
        return redirect(url_for(".migrate", process_key=process_key))
    return render_template("designer/migrate.html", target=target, plans=queries.migration_plans(target))
