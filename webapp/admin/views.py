"""Admin pages: process versions, instances with incidents (retry), the demo clock."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from webapp.core import clock
from webapp.core.access import role_required
from webapp.core.errors import NotFound
from webapp.extensions import db
from webapp.inputs.messages import first_message

from . import operations, queries
from .schemas import ClockSchema

bp = Blueprint("admin", __name__)


@bp.route("/")
@role_required("admin")
def index():
    return render_template("admin/index.html", definitions=queries.definitions(), incidents=queries.open_incidents(),
                           demo_clock=current_app.config["DEMO_CLOCK"], now=clock.now())


@bp.route("/instances/<int:instance_id>/retry", methods=["POST"])
@role_required("admin")
def retry(instance_id):
    instance = operations.retry_instance(instance_id, current_user._get_current_object())
    db.session.commit()
    flash("已重试。" if not instance.last_incident else f"重试仍失败：{instance.last_incident}")
    return redirect(url_for("admin.index"))


@bp.route("/clock", methods=["POST"])
@role_required("admin")
def advance_clock():
    if not current_app.config["DEMO_CLOCK"]:
        raise NotFound("演示时钟未启用（生产配置禁止调整时间）。")  # before the form: no hint that the form exists
    try:
        hours = ClockSchema().load(request.form)["hours"]
    except ValidationError as exc:
        flash(first_message(exc.messages), "error")
        return redirect(url_for("admin.index"))
    operations.advance_clock(hours, current_user._get_current_object())
    db.session.commit()
    fired = operations.fire_due_timers()
    flash(f"演示时钟已前进 {hours:g} 小时；已触发 {fired} 个到期定时器。")
    return redirect(url_for("admin.index"))
