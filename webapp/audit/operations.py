"""Recording the audit trail: entries are queued in the transaction and appended to the log when it commits.

`record` only queues. At the outermost commit (`before_commit`) the queued entries are inserted in one go, with
an id from the table's sequence and no lock: requests never wait on one another for the log. After the commit the
sealer is asked to hash-link them onto the chain (`sealer.py`, `sealing.py`). A rollback drops the queue: an
action that did not happen leaves no entry.
"""
import json
import logging

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import insert

from webapp.core import clock, request_ids
from webapp.core.hooks import listen_on_session, stop_listening_on_session
from webapp.core.roles import SECRECY_LEVELS
from webapp.engine import host
from webapp.engine.models import InstanceEvent
from webapp.extensions import db

from . import sealer
from .chain import HASHED_FIELDS
from .models import AuditEntry

log = logging.getLogger(__name__)

_QUEUE = "govflow_audit_queue"  # session.info key: the entries recorded in the current transaction
APPENDED = "govflow_audit_appended"  # session.info key: this transaction appended entries (the sealer is asked)
SYSTEM_USERNAME = "system"
SYSTEM_NAME = "系统"
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


# --- appending (no lock: the chain is sealed later, see sealing.py) ------------------------------------------------

def _resolve_actor(session, entry):
    if "_actor_id" not in entry:
        return entry
    actor_id = entry.pop("_actor_id")
    user = host.current.person(actor_id) if actor_id is not None else None  # who the user is: the host's answer
    entry.update(_actor(user, entry.pop("role")))
    return entry


def append(session, entries):
    """Insert `entries` in this transaction (called at commit), unsealed; returns the rows written.

    A plain INSERT: the id comes from the table's sequence, no row is locked, so concurrent transactions append
    side by side. The sealer gives them their place in the chain once they are committed.
    """
    appended_dt = clock.now()
    rows = []
    for entry in (_resolve_actor(session, entry) for entry in entries):
        fields = {name: entry.get(name) for name in HASHED_FIELDS if name != "seq"}
        fields["request_id"] = entry.get("request_id") or request_ids.current()  # at commit: the writer's
        for name, length in _LENGTHS.items():
            if fields[name] is not None:
                fields[name] = str(fields[name])[:length]
        rows.append({**fields, "appended_dt": appended_dt})
    session.execute(insert(AuditEntry), rows)
    session.info[APPENDED] = True
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
    if session.info.pop(APPENDED, None):
        sealer.request()


def _after_transaction_end(session, transaction):
    if transaction.parent is None:  # the outermost transaction ended: a rollback drops what it recorded
        session.info.pop(_QUEUE, None)
        session.info.pop(APPENDED, None)


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
