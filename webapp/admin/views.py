"""Admin pages: process versions, instances with incidents (retry), the demo clock."""
from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import audit
from webapp.auth.access import role_required
from webapp.engine import clock, demo_clock, runner, timers
from webapp.engine.models import Incident, ProcessDefinition, ProcessInstance
from webapp.extensions import db

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
    if not current_app.config["DEMO_CLOCK"]:  # the page offers no clock then; a hand-made POST gets no 500
        flash("演示时钟未启用（生产配置禁止调整时间）。", "error")
        return redirect(url_for("admin.index"))
    hours = request.form.get("preset_hours", type=float) or request.form.get("hours", type=float)
    if not hours or hours <= 0 or hours > 24 * 400:
        flash("请输入 0 到 9600 之间的小时数。", "error")
        return redirect(url_for("admin.index"))
    # Recorded before the move: reading the clock between the move and the commit would cache the old offset.
    audit.record("admin.clock", summary=f"演示时钟前进 {hours:g} 小时", target_type="clock", detail={"hours": hours})
    demo_clock.advance(timedelta(hours=hours))
    db.session.commit()
    fired = timers.fire_due()  # at once, rather than at the sweeper's next turn
    flash(f"演示时钟已前进 {hours:g} 小时；已触发 {fired} 个到期定时器。")
    return redirect(url_for("admin.index"))

