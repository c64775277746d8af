"""Writes of notices; each flushes, the request or job commits."""
from webapp.engine import clock
from webapp.extensions import db

from .models import Notice, NoticeRead
from .queries import for_user


def send(title, *, unit_id=None, role=None, user_id=None, body="", link=None, level="info", instance_id=None):
    """Address a notice to a user, or to `role` in `unit_id` (every unit when unit_id is None)."""
    if user_id is None and role is None:
        raise ValueError("a notice needs a user or a role")
    notice = Notice(unit_id=unit_id, role=role, user_id=user_id, title=title[:256], body=body, link=link,
                    level=level, instance_id=instance_id, created_dt=clock.now())
    db.session.add(notice)
    db.session.flush()
    return notice


def mark_all_read(user):
    unread = for_user(user, unread_only=True).all()
    for notice in unread:
        db.session.add(NoticeRead(notice_id=notice.id, user_id=user.id, read_dt=clock.now()))
    db.session.flush()
    return len(unread)
