"""Pages of the supervision desk (督查台): the case list with lights, 催办, and the leader view (领导驾驶舱)."""
from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.cases.models import LEVELS
from webapp.cases.queries import handling_units
from webapp.core import hooks
from webapp.core.access import role_required
from webapp.core.errors import TaskConflict
from webapp.core.forms import load
from webapp.extensions import db
from webapp.inputs.urls import safe_target

from . import operations, queries
from .schemas import DeskFilterSchema, UrgeSchema

bp = Blueprint("supervision", __name__)


@bp.route("/")
@role_required(*queries.DESK_ROLES)
def index():
    scope = queries.scope_of(current_user)
    desk_filter = load(DeskFilterSchema, request.args)
    return render_template("supervision/index.html", office=scope.office, desk=queries.desk(scope, desk_filter),
                           f=desk_filter, units=handling_units(), levels=LEVELS, lights=queries.LIGHTS,
                           statuses=queries.STATUSES, sorts=queries.SORTS, bulk_limit=operations.BULK_LIMIT,
                           may_urge=current_user.has_role("supervisor"))


def _back():
    """Where to return after a 催办: the desk page it came from (never another site)."""
    return safe_target(request.form.get("next"), url_for(".index"), prefix="/supervision/")


@bp.route("/cases/<int:case_id>/urge", methods=["POST"])
@role_required("supervisor")
def urge(case_id):
    scope = queries.scope_of(current_user)
    note = load(UrgeSchema, request.form)["note"].strip()
    try:
        sent = operations.urge_case(scope, case_id, current_user, note)
    except TaskConflict as exc:
        flash(exc.message, "error")
        return redirect(_back())
    db.session.commit()
    flash(f"已催办：{sent.task.step_label}（{sent.task.unit.name}）。")
    return redirect(_back())


@bp.route("/urge", methods=["POST"])
@role_required("supervisor")
def bulk_urge():
    scope = queries.scope_of(current_user)
    desk_filter = load(DeskFilterSchema, request.form)
    note = load(UrgeSchema, request.form)["note"].strip()
    result = operations.urge_matching(scope, desk_filter, current_user, note)
    db.session.commit()
    message = f"已催办 {len(result.urged)} 件"
    if result.recent:
        message += f"；{len(result.recent)} 件近期已催办，已跳过"
    if result.no_task:
        message += f"；{len(result.no_task)} 件当前没有待办环节，已跳过"
    if result.capped:
        message += f"；一次最多催办 {operations.BULK_LIMIT} 件，其余请缩小筛选范围后再催办"
    flash(message + "。", "info" if result.urged else "error")
    return redirect(url_for(".index", **desk_filter.args(page=None)))


@bp.route("/cockpit")
@role_required(*queries.DESK_ROLES)
def cockpit():
    scope = queries.scope_of(current_user)
    return render_template("supervision/cockpit.html", office=scope.office, data=queries.cockpit(scope),
                           **hooks.extras("supervision.cockpit", obj=scope.office, user=current_user))


@bp.route("/cockpit.json")
@role_required(*queries.DESK_ROLES)
def cockpit_data():
    return jsonify(queries.cockpit(queries.scope_of(current_user)))
