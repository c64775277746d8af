"""Writes of the admin pages: retry an instance with an incident, move the demo clock; each with its audit entry."""
from datetime import timedelta

from flask import current_app

from webapp import audit, engine
from webapp.core.errors import NotFound
from webapp.engine import demo_clock, timers


def retry_instance(instance_id, user):
    """重试: run an instance with an incident again; returns it (its `last_incident` says whether it failed again)."""
    instance = engine.retry(instance_id, user)
    audit.record("admin.retry", summary=f"重试异常实例 #{instance_id}", target_type="instance", target_id=instance_id,
                 detail={"status": instance.status, "incident": instance.last_incident}, user=user)
    return instance


def advance_clock(hours, user):
    """Move the demo clock forward; refused when the configuration has no demo clock (production)."""
    if not current_app.config["DEMO_CLOCK"]:
        raise NotFound("演示时钟未启用（生产配置禁止调整时间）。")
    # Recorded before the move: reading the clock between the move and the commit would cache the old offset.
    audit.record("admin.clock", summary=f"演示时钟前进 {hours:g} 小时", target_type="clock", detail={"hours": hours},
                 user=user)
    demo_clock.advance(timedelta(hours=hours))


def fire_due_timers():
    """Fire the timers the moved clock made due, at once rather than at the sweeper's next turn.

    A job run inside the request, after its commit: it commits each instance itself. Returns how many fired.
    """
    return timers.fire_due()
