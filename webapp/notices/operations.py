"""Writes of notices; each flushes, the request or job commits."""
from webapp.core import clock
from webapp.engine.models import ProcessInstance
from webapp.extensions import db

from . import delivery
from .models import Notice, NoticeRead
from .queries import for_user, visible


def send(title, *, unit_id=None, role=None, user_id=None, body="", link=None, level="info", instance_id=None,
         secrecy=0):
    """Address a notice to a user, or to `role` in `unit_id` (every unit when unit_id is None).

    The notice takes its item's secrecy (`instance_id`); a notice of a secret item (secrecy above 0) keeps
    no body. Each recipient with an address on an enabled channel gets a pending delivery, handed to RQ
    (or the in-process deliverer) once the transaction commits.
    """
    if user_id is None and role is None:
        raise ValueError("a notice needs a user or a role")
    instance = db.session.get(ProcessInstance, instance_id) if instance_id else None
    secrecy = max(int(secrecy or 0), int(instance.secrecy or 0) if instance is not None else 0)
    notice = Notice(unit_id=unit_id, role=role, user_id=user_id, title=title[:256],
                    body="" if secrecy > 0 else (body or ""), link=link, level=level, instance_id=instance_id,
                    secrecy=secrecy, created_dt=clock.now())
    db.session.add(notice)
    db.session.flush()
    delivery.create_for(notice)
    return notice


def mark_read(user, notice_id):
    """Mark one of the user's notices read; returns it, or None when it is not theirs."""
    notice = visible(user, notice_id)
    if notice is None:
        return None
    if db.session.get(NoticeRead, (notice.id, user.id)) is None:
        db.session.add(NoticeRead(notice_id=notice.id, user_id=user.id, read_dt=clock.now()))
        db.session.flush()
    return notice


def mark_all_read(user):
    unread = for_user(user, unread_only=True).all()
    for notice in unread:
        db.session.add(NoticeRead(notice_id=notice.id, user_id=user.id, read_dt=clock.now()))
    db.session.flush()
    return len(unread)


class NoticeSender:
    """`ctx.send(title, unit_id=, role=, user_id=, body=, link=, level=)`: tied to the instance, whose
    secrecy the notice takes (a secret item's notice keeps no body and leaves the system as a generic text)."""

    def __init__(self, instance_id):
        self.instance_id = instance_id

    def send(self, title, **kwargs):
        send(title, instance_id=self.instance_id or None, **kwargs)


def sender_for(instance_id):
    """`ctx.notices` for handlers."""
    return NoticeSender(instance_id)
