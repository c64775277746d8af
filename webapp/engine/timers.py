"""Firing due timers: pick armed rows whose time has come, one instance per transaction."""
import logging
import threading

from webapp.core import clock
from webapp.extensions import db

from . import runner, store
from .models import Timer

log = logging.getLogger(__name__)


def _next_due_instance(skipped):
    """The instance with the oldest due armed timer, leaving out those this sweep already tried; nothing locked.

    Only `timers` is read (by ix_timers_state_due): a stopped instance's timers are `held`, not `armed`,
    so no join on the instance's status is needed (with stale planner statistics that join scanned every
    running instance per pick; see docs/performance.md). The timer row is not locked: the lock order is
    the instance first, then its rows (docs/architecture.md, Locking), and the caller locks the instance.
    """
    query = db.session.query(Timer.instance_id).filter(Timer.state == "armed", Timer.due_dt <= clock.now())
    if skipped:
        query = query.filter(Timer.instance_id.notin_(skipped))
    return query.order_by(Timer.due_dt).limit(1).scalar()


def fire_due(limit=1000):
    """Fire due timers until none is left or `limit` instances were tried; commits each.

    Each instance is locked before any of its rows, as every request and timer job does. On PostgreSQL
    an instance someone else holds is passed over (`store.try_lock_instance`) instead of waited for: mostly
    a timer job or another sweep firing it, or a request (which fires due timers before it acts); otherwise
    the next sweep takes it. Returns how many timers this call fired; a timer fired by another is not counted.
    """
    fired_total = 0
    tried = 0
    skipped = set()
    while tried < limit:
        instance_id = _next_due_instance(skipped)
        if instance_id is None:
            db.session.rollback()
            break
        if not store.try_lock_instance(instance_id):
            db.session.rollback()
            skipped.add(instance_id)
            continue
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
            # Another worker fired it first, or it is stopped: do not pick it again in this sweep.
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
