"""RQ entry points, enqueued by dotted name with ids only: `fire_timer(timer_id)`, `sweep()`, `deliver_notice(id)`,
`deliver_webhook(id)`, `seal_audit()`; the sweep also runs the duties of `webapp.duties` (sealing audit entries a
lost job left, last month's case tables at month end, and once an hour forgetting old idempotency keys).

Nothing is built at import time. The Flask app is created lazily, once per process, by the first job
(`_app()`); each job runs inside its own `app.app_context()`, commits once and removes the session.

Workers: `rq worker --with-scheduler -w webapp.jobs.Worker --maintenance-interval 60 -u $REDIS_URL govflow`
(see docs/timers.md).
The plain `rq worker` works as well, but forks a fresh process per job, which then builds the app,
connects to the database and parses the process definition again for every job.
"""
import logging
import os

from rq.worker import SimpleWorker

from webapp import duties

log = logging.getLogger(__name__)

_app_instance = None
_app_pid = None


def _app():
    """The worker's Flask app, created on first use in this process (never at import time)."""
    global _app_instance, _app_pid
    if _app_instance is None:
        from webapp import create_app

        _app_instance = create_app()
        _app_pid = os.getpid()
    elif _app_pid != os.getpid():
        # A forked child inherited the parent's app: it must not reuse the parent's pooled connections.
        from webapp.extensions import db

        with _app_instance.app_context():
            db.engine.dispose(close=False)
        _app_pid = os.getpid()
    return _app_instance


def fire_timer(timer_id):
    """Fire the instance of timer `timer_id` if that row is still armed and due; returns how many timers fired.

    Not due yet (an extension moved it; the new due time has its own job) or no longer armed (already
    fired, cancelled, or a duplicate delivery of this job): nothing happens.
    """
    from webapp import engine
    from webapp.core import clock
    from webapp.engine.models import Timer
    from webapp.extensions import db

    with _app().app_context():
        try:
            timer = db.session.get(Timer, timer_id)
            fired = 0
            if timer is not None and timer.state == "armed" and timer.due_dt <= clock.now():
                fired = engine.fire_timers(timer.instance_id)  # locks the instance; a second firer finds it fired
            db.session.commit()
            return fired
        finally:
            db.session.remove()  # rolls back whatever an exception left uncommitted


def sweep():
    """Fire every due armed timer (the safety net behind the per-timer jobs), then re-enqueue notice deliveries
    whose job was lost; returns how many timers fired.

    rq schedules the next run itself (`Repeat`, see `webapp.engine.scheduling.ensure_sweep`), and only
    after a run that did not raise, so this job never raises: a failure is logged and the next sweep
    tries again.
    """
    from webapp.engine import scheduling, timers
    from webapp.extensions import db

    with _app().app_context():
        try:
            return timers.fire_due(limit=scheduling.SWEEP_LIMIT)  # commits each instance
        except Exception:
            db.session.rollback()
            log.exception("timer sweep failed")
            return 0
        finally:
            _requeue_lost_deliveries()
            duties.seal_audit()
            duties.produce_month_tables()
            duties.prune_idempotency_keys()
            db.session.remove()


def _requeue_lost_deliveries():
    """The sweep's second duty: notice and webhook deliveries whose RQ job was lost are enqueued again (never
    raises)."""
    from webapp.extensions import db
    from webapp.notices import dispatch
    from webapp.webhooks import dispatch as webhook_dispatch

    for kind, requeue in (("notice", dispatch.requeue_lost), ("webhook", webhook_dispatch.requeue_lost)):
        try:
            requeue()
        except Exception:
            log.exception("%s delivery sweep failed", kind)
        finally:
            db.session.rollback()


def deliver_notice(delivery_id):
    """Attempt notice delivery `delivery_id` if it is still pending and due; returns its state afterwards.

    A failed attempt is recorded on the row, which is tried again after a backoff (its own job, enqueued
    after this commit) or, after NOTICE_MAX_ATTEMPTS, becomes failed. Nothing due (already sent, a
    duplicate job, a retry not due yet): nothing happens and None is returned.
    """
    from webapp.extensions import db
    from webapp.notices import delivery

    with _app().app_context():
        try:
            state = delivery.attempt(delivery_id)
            db.session.commit()
            return state
        finally:
            db.session.remove()


def deliver_webhook(delivery_id):
    """Attempt webhook delivery `delivery_id` if it is still pending and due; returns its state afterwards (a
    failed attempt's retry is enqueued after this commit, see webapp/webhooks/dispatch.py)."""
    from webapp.extensions import db
    from webapp.webhooks import delivery

    with _app().app_context():
        try:
            state = delivery.attempt(delivery_id)
            db.session.commit()
            return state
        finally:
            db.session.remove()


def seal_audit():
    """Seal the audit entries committed so far into the hash chain (enqueued after commits that appended some,
    see `webapp.audit.sealer`); returns how many were sealed."""
    from webapp.audit import sealer
    from webapp.extensions import db

    with _app().app_context():
        try:
            return sealer.run_job()
        finally:
            db.session.remove()


class Worker(SimpleWorker):
    """An rq worker for GovFlow: runs jobs in its own process, so the app, the database pool and the
    parsed process definitions are built once per worker, not once per job; and it keeps the timer sweep
    scheduled: at start, at each maintenance round (`--maintenance-interval`), and from a watchdog thread
    every `scheduling.WATCHDOG_SECONDS`, which brings the sweep back by itself after Redis was lost.
    """

    _watchdog = None  # the watchdog thread's stop event, once started

    @property
    def dequeue_timeout(self):
        # rq waits for a job for worker_ttl - 15 s (405 s by default) and runs maintenance only between two
        # waits: an idle worker would take RQ's scheduler lock over (or clean registries) minutes late.
        return max(1, min(super().dequeue_timeout, int(self.maintenance_interval)))

    def _sweep_queue(self):
        """The queue the timer sweep runs on, if this worker listens on it."""
        from rq import Queue

        from webapp.config import Config

        for q in self.queues:
            if q.name == Config.RQ_QUEUE:
                return Queue(q.name, connection=self.connection)
        return None

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        from webapp.config import Config
        from webapp.engine import scheduling

        q = self._sweep_queue()
        if q is None:
            return
        try:
            outcome = scheduling.ensure_sweep(q, interval=Config.TIMER_SWEEP_SECONDS)
            self.log.info("Worker %s: timer sweep on %s: %s", self.name, q.name, outcome)
        except Exception:
            self.log.warning("Worker %s: could not check the timer sweep", self.name, exc_info=True)
        if self._watchdog is None:  # the first round runs after rq forked its scheduler process
            self._watchdog = scheduling.start_watchdog(q, Config.TIMER_SWEEP_SECONDS)

    def perform_job(self, job, *args, **kwargs):
        """Run the job under the request id it was enqueued with (log lines, audit entries), else a fresh one."""
        from webapp.core import request_ids

        with request_ids.bound(request_ids.of_job(job)):
            return super().perform_job(job, *args, **kwargs)

    def teardown(self):
        if self._watchdog is not None:
            self._watchdog.set()
        super().teardown()
