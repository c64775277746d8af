"""Sealing: the entries appended since the last seal are hash-linked onto the chain, in one transaction.

Requests only INSERT their entries (`seq`, `prev_hash`, `hash` NULL). The sealer locks the head row — the one
lock of the chain, taken by sealers only — then reads every committed unsealed entry in id order, gives each the
next `seq` and `hash = sha256(prev_hash + canonical fields)`, and moves the head. The numbers are given at
sealing, so an id skipped by a rollback is no gap in the chain, and an entry whose transaction commits late (a
lower id after higher ids were sealed) is simply sealed by the next round, after them: nothing waits on a gap and
no sealed entry is ever renumbered.
"""
import logging

from sqlalchemy import bindparam, select, update

from .chain import HASHED_FIELDS, OPTIONAL_HASHED_FIELDS, chain_hash
from .models import GENESIS_HASH, AuditEntry, AuditHead

log = logging.getLogger(__name__)

HEAD_ID = 1
BATCH = 1000  # entries sealed per transaction: the head lock is held for one batch at a time

_entries = AuditEntry.__table__
_head = AuditHead.__table__


def seal(connection, limit=BATCH):
    """Seal up to `limit` unsealed entries in the transaction of `connection`; returns how many were sealed.

    The caller commits. Two sealers at once queue on the head lock; the second then reads the entries left unsealed
    after the first committed (a new statement sees the first's commit).
    """
    seq, prev_hash = _lock_head(connection)
    columns = [_entries.c.id, *(_entries.c[name] for name in HASHED_FIELDS + OPTIONAL_HASHED_FIELDS
                                 if name != "seq")]
    rows = connection.execute(select(*columns).where(_entries.c.seq.is_(None))
                              .order_by(_entries.c.id).limit(limit)).all()
    if not rows:
        return 0
    sealed = []
    for row in rows:
        seq += 1
        fields = {**row._mapping, "seq": seq}
        digest = chain_hash(prev_hash, fields)
        sealed.append({"entry_id": row.id, "new_seq": seq, "new_prev_hash": prev_hash, "new_hash": digest})
        prev_hash = digest
    connection.execute(
        update(_entries).where(_entries.c.id == bindparam("entry_id"), _entries.c.seq.is_(None))
        .values(seq=bindparam("new_seq"), prev_hash=bindparam("new_prev_hash"), hash=bindparam("new_hash")),
        sealed)
    connection.execute(update(_head).where(_head.c.id == HEAD_ID).values(last_seq=seq, last_hash=prev_hash))
    return len(sealed)


def _lock_head(connection):
    """Lock the head row (creating it on first use) and return (last_seq, last_hash)."""
    if connection.dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE: writing the row takes the database write lock, held until COMMIT.
        connection.execute(update(_head).where(_head.c.id == HEAD_ID).values(last_seq=_head.c.last_seq))
    query = select(_head.c.last_seq, _head.c.last_hash).where(_head.c.id == HEAD_ID).with_for_update()
    head = connection.execute(query).one_or_none()
    if head is None:
        _create_head(connection)
        head = connection.execute(query).one()
    return head.last_seq, head.last_hash


def _create_head(connection):
    last = connection.execute(select(_entries.c.seq, _entries.c.hash).where(_entries.c.seq.is_not(None))
                              .order_by(_entries.c.seq.desc()).limit(1)).first()
    if last is not None:
        log.warning("audit head row missing while entries exist: recreated at seq %s (verify reports it)", last.seq)
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    values = {"id": HEAD_ID, "last_seq": last.seq if last else 0, "last_hash": last.hash if last else GENESIS_HASH}
    connection.execute(dialect_insert(_head).values(**values).on_conflict_do_nothing(index_elements=["id"]))
