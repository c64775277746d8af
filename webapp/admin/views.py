"""Admin pages: process versions, instances with incidents (retry), the demo clock."""
from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from webapp import audit
from webapp.core import clock
from webapp.core.access import role_required
from webapp.core.errors import NotFound
from webapp.engine import demo_clock, runner, timers
from webapp.engine.models import Incident, ProcessDefinition, ProcessInstance
from webapp.extensions import db
from webapp.inputs.messages import first_message

from .schemas import ClockSchema

bp = Blueprint("admin", __name__)


@bp.route("/")
@role_required("admin")
def index():
    definitions = db.session.query(ProcessDefinition).order_by(
        ProcessDefinition.process_key, ProcessDefinition.version.desc()).all()
    incidents = (
        db.session.query(Incident, ProcessInstance)
        .join(ProcessInstance, Incident.instance_id == ProcessInstance.id)
        .filter(Incident.resolved_dt.is_(None))
        .order_by(Incident.created_dt.desc())
        .all()
    )
    return render_template("admin/index.html", definitions=definitions, incidents=incidents,
                           demo_clock=current_app.config["DEMO_CLOCK"], now=clock.now())


@bp.route("/instances/<int:instance_id>/retry", methods=["POST"])
@role_required("admin")
def retry(instance_id):
    instance = runner.retry(instance_id, current_user._get_current_object())
    audit.record("admin.retry", summary=f"重试异常实例 #{instance_id}", target_type="instance", target_id=instance_id,
                 detail={"status": instance.status, "incident": instance.last_incident})
    db.session.commit()
    flash("已重试。" if not instance.last_incident else f"重试仍失败：{instance.last_incident}")
    return redirect(url_for("admin.index"))


@bp.route("/clock", methods=["POST"])
@role_required("admin")
def advance_clock():
    if not current_app.config["DEMO_CLOCK"]:
        raise NotFound("演示时钟未启用（生产配置禁止调整时间）。")
    try:
        hours = ClockSchema().load(request.form)["hours"]
    except ValidationError as exc:
        flash(first_message(exc.messages), "error")
        return redirect(url_for("admin.index"))
    # Recorded before the move: reading the clock between the move and the commit would cache the old offset.
    audit.record("admin.clock", summary=f"演示时钟前进 {hours:g} 小时", target_type="clock", detail={"hours": hours})
    demo_clock.advance(timedelta(hours=hours))
    db.session.commit()
    fired = timers.fire_due()  # at once, rather than at the sweeper's next turn
    flash(f"演示时钟已前进 {hours:g} 小时；已触发 {fired} 个到期定时器。")
    return redirect(url_for("admin.index"))

