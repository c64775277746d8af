"""Rows attempted until they are sent (notice deliveries, webhook deliveries): the queue both use.

One RQ job per attempt, `<kind>-delivery-<id>-<attempts>`, enqueued after the commit that made the row pending
(at once, or after its retry delay); the timer sweep enqueues again the due rows whose job is gone; without Redis a
thread of the process attempts every due row, one transaction each. What differs per kind is handed in: the job's
dotted name, the read of due rows `due(before, limit) -> [(id, attempts)]` and `attempt(id) -> state`.
"""
import logging
import math
from datetime import timedelta

from webapp.extensions import db

from . import clock

log = logging.getLogger(__name__)

ALIVE = {"queued", "started", "scheduled", "deferred"}  # a job in one of these states still runs its attempt


class AttemptQueue:
    def __init__(self, kind, job, due, attempt, batch=200):
        self.kind, self.job, self.due, self.attempt, self.batch = kind, job, due, attempt, batch

    def job_id(self, row_id, attempts):
        """One job per attempt: a retry has its own job, a re-enqueued attempt replaces a lost one."""
        return f"{self.kind}-delivery-{row_id}-{attempts}"

    def enqueue(self, pending, q):
        """Enqueue the job for each {row id: (attempts, next_attempt_dt)} in one round trip.

        A retry waits on RQ's scheduler, as a delay (RQ runs on the system clock, the app may run on a moved
        demo clock); RQ keeps whole seconds, truncated, so one more second keeps it from running early.
        """
        now = clock.now()
        with q.connection.pipeline() as pipe:
            for row_id, (attempts, next_dt) in sorted(pending.items()):
                options = {"job_id": self.job_id(row_id, attempts), "pipeline": pipe,
                           "description": f"deliver {self.kind} delivery {row_id}, attempt {attempts + 1}"}
                delay = (next_dt - now).total_seconds()
                if delay > 0:
                    q.enqueue_in(timedelta(seconds=math.ceil(delay) + 1), self.job, row_id, **options)
                else:
                    q.enqueue(self.job, row_id, **options)
            pipe.execute()

    def requeue_lost(self, q, cutoff, limit=None):
        """Re-enqueue the rows due at `cutoff` whose job is not queued, scheduled or running (Redis lost it, or
        it failed); returns how many. Reads only: the caller owns the session."""
        from rq.exceptions import NoSuchJobError
        from rq.job import Job

        lost = {}
        for row_id, attempts in self.due(cutoff, limit or self.batch):
            try:
                job = Job.fetch(self.job_id(row_id, attempts), connection=q.connection)
            except NoSuchJobError:
                job = None
            if job is not None:
                if job.get_status() in ALIVE:
                    continue
                job.delete()  # failed or finished early: its attempt is enqueued afresh
            lost[row_id] = (attempts, clock.now())
        if lost:
            self.enqueue(lost, q)
            log.info("re-enqueued %d lost %s deliveries %s", len(lost), self.kind, sorted(lost))
        return len(lost)

    def deliver_due(self, limit=None):
        """Attempt every due row, one transaction each; returns how many were sent."""
        sent = 0
        due = self.due(clock.now(), limit or self.batch)
        db.session.rollback()  # end the read: each attempt locks and commits on its own
        for row_id, _attempts in due:
            try:
                state = self.attempt(row_id)
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("%s delivery %s failed", self.kind, row_id)
                continue
            sent += state == "sent"
        return sent
