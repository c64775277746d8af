"""Pages of the supervision desk (督查台): the case list with lights, 催办, and the leader view (领导驾驶舱)."""
from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.auth.access import role_required
from webapp.cases.models import LEVELS
from webapp.extensions import db

from . import (
    models,  # noqa: F401  (no tables of its own; kept for the package's shape)
    operations,
    queries,
)

bp = Blueprint("supervision", __name__)


@bp.route("/")
@role_required(*queries.DESK_ROLES)
def index():
    office = queries.office_of(current_user)
    desk_filter = queries.DeskFilter.from_args(request.args)
    return render_template("supervision/index.html", office=office, desk=queries.desk(office, desk_filter),
                           f=desk_filter, units=queries.handling_units(office), levels=LEVELS,
                           lights=queries.LIGHTS, statuses=queries.STATUSES, sorts=queries.SORTS,
                           bulk_limit=operations.BULK_LIMIT)


@bp.route("/cases/<int:case_id>/urge", methods=["POST"])
@role_required("supervisor")
def urge(case_id):
    office = queries.office_of(current_user)
    sent = operations.urge_case(office, case_id, current_user, request.form.get("note", "").strip())
    db.session.commit()
    flash(f"已催办：{sent.task.step_label}（{sent.task.unit.name}）。")
    return redirect(request.form.get("next") or url_for("supervision.index"))


@bp.route("/urge", methods=["POST"])
@role_required("supervisor")
def bulk_urge():
    office = queries.office_of(current_user)
    desk_filter = queries.DeskFilter.from_args(request.form)
    result = operations.urge_matching(office, desk_filter, current_user, request.form.get("note", "").strip())
    db.session.commit()
    message = f"已催办 {len(result.urged)} 件"
    if result.skipped:
        shown = "；".join(f"{c.case_no}：{reason}" for c, reason in result.skipped[:5])
        more = "等" if len(result.skipped) > 5 else ""
        message += f"；{len(result.skipped)} 件已跳过（{shown}{more}）"
    if result.capped:
        message += f"；一次最多催办 {operations.BULK_LIMIT} 件，其余请缩小筛选范围后再催办"
    flash(message + "。", "info" if result.urged else "error")
    return redirect(url_for("supervision.index", **desk_filter.args(page=None)))


@bp.route("/cockpit")
@role_required(*queries.DESK_ROLES)
def cockpit():
    office = queries.office_of(current_user)
    return render_template("supervision/cockpit.html", office=office, data=queries.cockpit(office))


@bp.route("/cockpit.json")
@role_required(*queries.DESK_ROLES)
def cockpit_data():
    return jsonify(queries.cockpit(queries.office_of(current_user)))
