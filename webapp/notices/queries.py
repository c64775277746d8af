"""Reads of notices addressed to a user directly or through their unit and roles."""
from sqlalchemy import and_, or_

from webapp.extensions import db

from .models import Notice, NoticeRead


def for_user(user, unread_only=False):
    to_role = and_(Notice.role.in_(sorted(user.roles)), or_(Notice.unit_id == user.unit_id, Notice.unit_id.is_(None)))
    query = db.session.query(Notice).filter(or_(Notice.user_id == user.id, to_role))
    if unread_only:
        read = db.session.query(NoticeRead.notice_id).filter(NoticeRead.user_id == user.id)
        query = query.filter(Notice.id.notin_(read))
    return query.order_by(Notice.created_dt.desc(), Notice.id.desc())


def unread_count(user):
    return for_user(user, unread_only=True).count()


def read_ids(user, notice_ids):
    rows = db.session.query(NoticeRead.notice_id).filter(NoticeRead.user_id == user.id,
                                                         NoticeRead.notice_id.in_(notice_ids))
    return {notice_id for (notice_id,) in rows}
