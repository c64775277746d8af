"""System gauges read at scrape time: timers armed and due, RQ queue depth, incidents, notices, the audit chain.

Read from the database (and Redis) by whichever process answers the scrape, so every web node reports the same
values. A failing read sets `govflow_scrape_errors{source}` instead of failing the scrape.
"""
import logging

from flask import current_app
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from webapp.core import clock
from webapp.extensions import db

log = logging.getLogger(__name__)


def _timer_gauges():
    from webapp.engine.models import Timer

    now = clock.now()
    armed = db.session.execute(select(func.count()).where(Timer.state == "armed")).scalar()
    due, oldest = db.session.execute(
        select(func.count(), func.min(Timer.due_dt)).where(Timer.state == "armed", Timer.due_dt <= now)).one()
    if oldest is not None and oldest.tzinfo is None:  # SQLite hands back naive UTC from an aggregate
        oldest = oldest.replace(tzinfo=now.tzinfo)
    yield _gauge("govflow_timers_armed", "Armed timers (waiting for their due time).", armed)
    yield _gauge("govflow_timers_due", "Armed timers whose due time has passed but that have not fired yet.", due)
    yield _gauge("govflow_timers_due_oldest_seconds", "Seconds since the oldest unfired due timer was due "
                 "(0: none).", (now - oldest).total_seconds() if oldest is not None else 0)


def _engine_gauges():
    from webapp.engine.models import Incident

    count = db.session.execute(select(func.count()).where(Incident.resolved_dt.is_(None))).scalar()
    yield _gauge("govflow_incidents_open", "Unresolved incidents (instances stopped by a failing step).", count)


def _notice_gauges():
    from webapp.notices.models import NoticeDelivery

    family = GaugeMetricFamily("govflow_notice_deliveries_failing", "External notice deliveries that failed: "
                               "state failed (gave up) or retrying (pending after a failed attempt).",
                               labels=("state",))
    failed = db.session.execute(select(func.count()).where(NoticeDelivery.state == "failed")).scalar()
    retrying = db.session.execute(select(func.count()).where(
        NoticeDelivery.state == "pending", NoticeDelivery.attempts > 0)).scalar()
    family.add_metric(("failed",), failed)
    family.add_metric(("retrying",), retrying)
    yield family


def _audit_gauges():
    from webapp.audit.models import AuditEntry, AuditHead

    head = db.session.execute(select(AuditHead.last_seq).where(AuditHead.id == 1)).scalar()
    yield _gauge("govflow_audit_chain_sealed_seq", "Sequence number up to which the audit log is hash-chained "
                 "(audit_head.last_seq; `flask audit verify` checks it).", head or 0)
    unsealed = db.session.execute(select(func.count()).where(AuditEntry.seq.is_(None))).scalar()
    yield _gauge("govflow_audit_unsealed_entries", "Audit entries appended and not sealed into the chain yet "
                 "(a few for about a second is normal; growing: the sealer is not running).", unsealed)


def _queue_gauges():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return
    from rq import Queue
    from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

    from webapp.engine import scheduling

    q = Queue(current_app.config["RQ_QUEUE"], connection=scheduling.connection(url))
    family = GaugeMetricFamily("govflow_rq_jobs", "RQ jobs of the GovFlow queue by state.", labels=("queue", "state"))
    family.add_metric((q.name, "queued"), q.count)
    family.add_metric((q.name, "started"), StartedJobRegistry(queue=q).count)
    family.add_metric((q.name, "scheduled"), ScheduledJobRegistry(queue=q).count)
    family.add_metric((q.name, "failed"), FailedJobRegistry(queue=q).count)
    yield family


def _gauge(name, documentation, value):
    return GaugeMetricFamily(name, documentation, value=value)


SOURCES = (("timers", _timer_gauges), ("engine", _engine_gauges), ("notices", _notice_gauges),
           ("audit", _audit_gauges), ("rq", _queue_gauges))


class SystemCollector:
    """A prometheus-client collector; one instance per scrape, used inside the app context."""

    def collect(self):
        errors = GaugeMetricFamily("govflow_scrape_errors", "1 when a source could not be read in this scrape.",
                                   labels=("source",))
        for source, read in SOURCES:
            try:
                families = list(read())
                failed = 0
            except Exception:
                log.warning("metrics: reading %s failed", source, exc_info=True)
                db.session.rollback()
                families, failed = [], 1
            yield from families
            errors.add_metric((source,), failed)
        db.session.rollback()  # a scrape holds no transaction open
        yield errors
