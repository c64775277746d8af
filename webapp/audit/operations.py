"""Recording the audit trail: entries are queued in the transaction and chained onto the log when it commits.

`record` only queues. At the outermost commit (`before_commit`) the queued entries are appended in one go: the
head row is locked (`SELECT … FOR UPDATE` on PostgreSQL; on SQLite an UPDATE of it takes the database write
lock), each entry gets the next `seq` and `hash = sha256(prev_hash + canonical JSON of its fields)`, and the head
moves on. The head lock is the last lock a transaction takes, held only until its COMMIT, so it never waits
behind a transaction that is itself waiting for a lock this one holds (no deadlock with the instance locks). A
rollback drops the queue: an action that did not happen leaves no entry.
"""
import json
import logging

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import insert, select, update

from webapp.core import clock, request_ids
from webapp.core.hooks import listen_on_session, stop_listening_on_session
from webapp.core.roles import SECRECY_LEVELS
from webapp.engine import host
from webapp.engine.models import InstanceEvent
from webapp.extensions import db

from .chain import HASHED_FIELDS, chain_hash
from .models import GENESIS_HASH, AuditEntry, AuditHead

log = logging.getLogger(__name__)

_QUEUE = "govflow_audit_queue"  # session.info key: the entries recorded in the current transaction
SYSTEM_USERNAME = "system"
SYSTEM_NAME = "系统"
HEAD_ID = 1
_LENGTHS = {"username": 64, "user_name": 64, "role": 128, "unit_name": 128, "ip": 45, "action": 64,
            "target_type": 32, "target_id": 64, "request_id": 64}
_VIEW_TARGETS = {"info_items": "info_item", "instruction_cases": "case", "process_instances": "instance",
                 "human_tasks": "task"}


# --- recording ---------------------------------------------------------------------------------------------------

def record(action, *, summary="", target_type=None, target_id=None, detail=None, user=None, role=None,
           username=None):
    """Queue one entry for the current transaction; it is written when the transaction commits.

    `user` defaults to the logged-in user of the request, else the entry is the system's. `username` names an
    account that is not a user (the name tried at a failed login).
    """
    entry = {"event_dt": clock.now(), "ip": request.remote_addr if has_request_context() else None,
             "action": action, "target_type": target_type,
             "target_id": None if target_id is None else str(target_id), "summary": summary or "",
             "detail": _plain(detail), **_actor(_default_user(user), role, username)}
    db.session.info.setdefault(_QUEUE, []).append(entry)
    return entry


def record_view(subject, user=None):
    """Record that `user` opened a page showing a secret `subject` (an item, case, instance or task).

    Does nothing for a public subject. Returns whether an entry was queued: the caller commits.
    """
    secrecy = int(getattr(subject, "secrecy", 0) or 0)
    if secrecy <= 0:
        return False
    table = type(subject).__tablename__
    title = getattr(subject, "title", "") or f"#{subject.id}"
    detail = {"secrecy": secrecy, "title": title}
    instance_id = getattr(subject, "instance_id", None)
    if instance_id is not None:
        detail["instance_id"] = instance_id
    record("item.view_secret", summary=f"查看{SECRECY_LEVELS.get(secrecy, secrecy)}事项：{title}",
           target_type=_VIEW_TARGETS.get(table, table), target_id=subject.id, detail=detail, user=user)
    return True


def _default_user(user):
    if user is None and has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return user


def _actor(user, role=None, username=None):
    if user is None:
        return {"user_id": None, "username": username or SYSTEM_USERNAME,
                "user_name": "" if username else SYSTEM_NAME, "role": role or "", "unit_id": None,
                "unit_name": ""}
    return {"user_id": user.id, "username": user.username, "user_name": user.name,
            "role": role or ",".join(sorted(user.roles)), "unit_id": user.unit_id,
            "unit_name": user.unit.name if user.unit else ""}


def _plain(detail):
    """`detail` as it reads back from the JSON column (so the hash of a stored entry can be recomputed)."""
    if detail is None:
        return None
    return json.loads(json.dumps(detail, ensure_ascii=False, default=str))


def _event_entry(ev):
    """The entry of a task action (an instance history event); its actor is looked up at commit."""
    step = f"：{ev.step_label}" if ev.step_label else ""
    detail = {"step_key": ev.step_key, "task_id": ev.task_id, "opinion": ev.opinion, "data": ev.data}
    return {"event_dt": ev.event_dt or clock.now(), "ip": request.remote_addr if has_request_context() else None,
            "action": f"task.{ev.action}", "target_type": "instance", "target_id": str(ev.instance_id),
            "summary": f"{ev.action_label}{step}（实例 #{ev.instance_id}）", "detail": _plain(detail),
            "_actor_id": ev.actor_id, "role": ev.actor_role}


# --- appending to the chain --------------------------------------------------------------------------------

def _resolve_actor(session, entry):
    if "_actor_id" not in entry:
        return entry
    actor_id = entry.pop("_actor_id")
    user = host.current.person(actor_id) if actor_id is not None else None  # who the user is: the host's answer
    entry.update(_actor(user, entry.pop("role")))
    return entry


def _lock_head(session):
    """Lock the head row (creating it on first use) and return (last_seq, last_hash)."""
    if session.connection().dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE: writing the row takes the database write lock, held until COMMIT.
        session.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(last_seq=AuditHead.last_seq))
    query = select(AuditHead.last_seq, AuditHead.last_hash).where(AuditHead.id == HEAD_ID).with_for_update()
    head = session.execute(query).one_or_none()
    if head is None:
        _create_head(session)
        head = session.execute(query).one()
    return head.last_seq, head.last_hash


def _create_head(session):
    last = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    if last is not None:
        log.warning("audit head row missing while entries exist: recreated at seq %s (verify reports it)", last.seq)
    dialect = session.connection().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    values = {"id": HEAD_ID, "last_seq": last.seq if last else 0, "last_hash": last.hash if last else GENESIS_HASH}
    session.execute(dialect_insert(AuditHead).values(**values).on_conflict_do_nothing(index_elements=["id"]))


def append(session, entries):
    """Chain `entries` onto the log in this transaction (called at commit); returns the rows written."""
    entries = [_resolve_actor(session, entry) for entry in entries]
    seq, prev_hash = _lock_head(session)
    rows = []
    for entry in entries:
        seq += 1
        fields = {name: entry.get(name) for name in HASHED_FIELDS}
        fields["request_id"] = entry.get("request_id") or request_ids.current()  # at commit: the writer's
        for name, length in _LENGTHS.items():
            if fields[name] is not None:
                fields[name] = str(fields[name])[:length]
        fields["seq"] = seq
        digest = chain_hash(prev_hash, fields)
        rows.append({**fields, "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    session.execute(insert(AuditEntry), rows)
    session.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(last_seq=seq, last_hash=prev_hash))
    return rows


# --- session listeners --------------------------------------------------------------------------------------------

def _after_flush(session, _flush_context):
    events = sorted((obj for obj in session.new if isinstance(obj, InstanceEvent)), key=lambda ev: ev.id)
    if events:
        session.info.setdefault(_QUEUE, []).extend(_event_entry(ev) for ev in events)


def _before_commit(session):
    if session.in_nested_transaction():
        return  # a savepoint: the outermost commit writes
    session.flush()  # the last changes' history events join the queue
    queued = session.info.pop(_QUEUE, None)
    if queued:
        append(session, queued)


def _after_commit(session):
    late = session.info.pop(_QUEUE, None)
    if late:
        log.error("%d audit entries were queued after the commit had begun and are lost: %s",
                  len(late), [entry["action"] for entry in late])


def _after_transaction_end(session, transaction):
    if transaction.parent is None:  # the outermost transaction ended: a rollback drops what it recorded
        session.info.pop(_QUEUE, None)


_LISTENERS = (
    ("after_flush", _after_flush),
    ("before_commit", _before_commit),
    ("after_commit", _after_commit),
    ("after_transaction_end", _after_transaction_end),
)


def install():
    """Listen on db.session (idempotent)."""
    listen_on_session(_LISTENERS)


def uninstall():
    """Remove the listeners again (tests)."""
    stop_listening_on_session(_LISTENERS)
