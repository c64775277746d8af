"""The sweep's periodic duties, run by the RQ sweep (`webapp.jobs.sweep`) and by the embedded default's
sweeper thread (`flask govflow serve`) alike, inside an app context; each commits and never raises."""
import logging
from datetime import timedelta

log = logging.getLogger(__name__)

_tables_checked_for = None  # the local month whose month-end tables this process has already seen produced
_tables_retry_dt = None  # after a failure, the next attempt waits until then (the sweep runs every few seconds)
TABLES_RETRY = timedelta(minutes=10)


def produce_month_tables():
    """The sweep's month-end duty: last month's 领导批示件月报表, produced once (idempotent, never raises).

    Checked once per local month and process, so the sweep's frequent runs cost nothing the rest of the month;
    another worker producing the same tables at the same moment loses on the unique key and finds them done.
    """
    global _tables_checked_for, _tables_retry_dt
    from sqlalchemy.exc import IntegrityError

    from webapp.core import clock
    from webapp.extensions import db
    from webapp.statistics import operations

    month = clock.local_today().replace(day=1)
    if _tables_checked_for == month or (_tables_retry_dt is not None and clock.now() < _tables_retry_dt):
        return 0
    try:
        produced = operations.produce_due()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        log.info("monthly case tables: produced by another worker at the same time")
        return 0  # the next sweep finds them produced
    except Exception:
        db.session.rollback()
        _tables_retry_dt = clock.now() + TABLES_RETRY
        log.exception("producing the monthly case tables failed; trying again in %s", TABLES_RETRY)
        return 0
    _tables_checked_for, _tables_retry_dt = month, None
    return produced


def seal_audit():
    """The sweep's safety net behind the per-commit sealing: seal audit entries whose seal job was lost (never
    raises)."""
    from webapp.audit import sealer

    try:
        return sealer.seal_pending()
    except Exception:
        log.exception("sealing the audit log failed; the next sweep tries again")
        return 0


def prune_idempotency_keys():
    """The sweep's hourly duty: forget the one-time keys of creating requests older than IDEMPOTENCY_KEY_DAYS
    (never raises)."""
    from webapp.idempotency import operations

    return operations.prune_due()
