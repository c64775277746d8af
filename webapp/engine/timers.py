"""Firing due timers: pick armed rows whose time has come, one instance per transaction."""
import logging
import threading

from webapp.extensions import db

from . import clock, runner
from .models import Timer

log = logging.getLogger(__name__)


def _next_due_instance(skipped):
    """The instance with the oldest due armed timer, leaving out those this sweep already tried.

    Only `timers` is read (by ix_timers_state_due): a stopped instance's timers are `held`, not `armed`,
    so no join on the instance's status is needed (with stale planner statistics that join scanned every
    running instance per pick; see docs/performance.md).
    """
    query = db.session.query(Timer).filter(Timer.state == "armed", Timer.due_dt <= clock.now())
    if skipped:
        query = query.filter(Timer.instance_id.notin_(skipped))
    query = query.order_by(Timer.due_dt).limit(1)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Timer, skip_locked=True)  # other workers take other rows
    timer = query.one_or_none()
    return timer.instance_id if timer else None


def fire_due(limit=1000):
    """Fire due timers until none is left or `limit` instances were tried; commits each.

    Returns how many timers this call fired; a timer another worker fired first is not counted.
    """
    fired_total = 0
    tried = 0
    skipped = set()
    while tried < limit:
        instance_id = _next_due_instance(skipped)
        if instance_id is None:
            db.session.rollback()
            break
        tried += 1
        try:
            fired = runner.fire_timers(instance_id)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("firing timers of instance %s failed", instance_id)
            skipped.add(instance_id)
            continue
        if not fired:
            # Another worker fired it first: do not pick it again in this sweep.
            skipped.add(instance_id)
        fired_total += fired
    return fired_total


def start_sweeper(app, interval, duties=()):
    """Embedded default: a daemon thread sweeps due timers every `interval` seconds, no Redis needed; then runs
    each of `duties` (callables that handle their own errors), as the RQ sweep does."""
    stop = threading.Event()

    def loop():
        while not stop.wait(interval):
            with app.app_context():
                try:
                    fire_due()
                except Exception:
                    log.exception("timer sweep failed")
                try:
                    for duty in duties:
                        duty()
                finally:
                    db.session.remove()

    thread = threading.Thread(target=loop, name="govflow-timer-sweeper", daemon=True)
    thread.start()
    return stop
