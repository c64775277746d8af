"""Writes of idempotency keys: claiming one in the creating transaction, recording the answer, pruning old ones."""
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from webapp.core import clock
from webapp.extensions import db

from . import queries
from .errors import KeyReused, Replayed
from .models import IdempotencyKey

log = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(hours=1)  # the sweep runs every few seconds; pruning once an hour is plenty


def claim(user_id, key, endpoint, fingerprint, reused_message):
    """The key's row, inserted in this transaction; or Replayed when the key's request already ran.

    Call it before the request writes anything: a request racing with this one on another worker blocks
    on the unique index (PostgreSQL) or the write lock (SQLite) until this transaction ends, then finds
    the committed row and replays it, or the row rolled back and its own insert goes through. A key seen
    with another endpoint or payload raises KeyReused.
    """
    found = queries.find(user_id, key)
    if found is None:
        row = IdempotencyKey(user_id=user_id, key=key, endpoint=endpoint, fingerprint=fingerprint,
                             created_dt=clock.now())
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:
            # The racing request committed the key while this one waited. This transaction holds nothing
            # else yet (no savepoint: SQLite's driver would commit the key alone on its release).
            db.session.rollback()
            found = queries.find(user_id, key)
            if found is None:
                raise
        else:
            return row
    if found.endpoint != endpoint or found.fingerprint != fingerprint:
        raise KeyReused(reused_message)
    raise Replayed(found.location, found.response_status, found.response_body)


def record(row, location=None, status=None, body=None):
    """What a repeat of the request is answered with; committed with the creation itself."""
    row.location, row.response_status, row.response_body = location, status, body
    db.session.flush()


def prune(before):
    """Delete the keys created before `before`; returns how many."""
    count = (db.session.query(IdempotencyKey).filter(IdempotencyKey.created_dt < before)
             .delete(synchronize_session=False))
    db.session.flush()
    return count


def retention():
    return timedelta(days=float(current_app.config["IDEMPOTENCY_KEY_DAYS"]))


_pruned_at = None  # when this process last pruned (a sweep duty runs every few seconds)


def prune_due():
    """The sweep's duty: once an hour per process, delete keys older than IDEMPOTENCY_KEY_DAYS (never raises)."""
    global _pruned_at
    now = clock.now()
    if _pruned_at is not None and now - _pruned_at < PRUNE_EVERY:
        return 0
    try:
        count = prune(now - retention())
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("pruning idempotency keys failed")
        return 0
    _pruned_at = now
    if count:
        log.info("pruned %s idempotency keys", count)
    return count
