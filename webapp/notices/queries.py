"""Reads of notices addressed to a user directly or through their unit and roles, and of their deliveries."""
from sqlalchemy import and_, exists, or_
from sqlalchemy.orm import joinedload

from webapp.auth.models import User, UserRole
from webapp.core.links import instance_page
from webapp.engine.models import HumanTask, ProcessInstance
from webapp.extensions import db

from .models import Notice, NoticeDelivery, NoticeRead


def for_user(user, unread_only=False):
    """The user's notices, newest first; never those of an item above the user's clearance, whether it was when
    the notice was sent (the notice's own secrecy) or is now (an item marked 秘密 later hides its earlier notices)."""
    to_role = and_(Notice.role.in_(sorted(user.roles)), or_(Notice.unit_id == user.unit_id, Notice.unit_id.is_(None)))
    raised = exists().where(ProcessInstance.id == Notice.instance_id, ProcessInstance.secrecy > user.clearance)
    query = db.session.query(Notice).filter(or_(Notice.user_id == user.id, to_role),
                                            Notice.secrecy <= user.clearance, ~raised)
    if unread_only:
        read = db.session.query(NoticeRead.notice_id).filter(NoticeRead.user_id == user.id)
        query = query.filter(Notice.id.notin_(read))
    return query.order_by(*ORDER)


ORDER = (Notice.created_dt.desc(), Notice.id.desc())  # newest first


def unread_count(user):
    return for_user(user, unread_only=True).count()


def read_ids(user, notice_ids):
    rows = db.session.query(NoticeRead.notice_id).filter(NoticeRead.user_id == user.id,
                                                         NoticeRead.notice_id.in_(notice_ids))
    return {notice_id for (notice_id,) in rows}


def visible(user, notice_id):
    """One of the user's notices, or None."""
    return for_user(user).filter(Notice.id == notice_id).one_or_none()


def link_of(notice):
    """Where a notice leads: its own link, else (a service task sent none) the page of its instance."""
    if notice.link:
        return notice.link
    if not notice.instance_id:
        return None
    instance = db.session.get(ProcessInstance, notice.instance_id)
    return instance_page(instance.definition.process_key, instance.id) if instance is not None else None


def links_of(notices):
    """{notice id: where it leads} for a page of notices: the instances of those without a link of their own are
    read in one query (with their definitions), not one each."""
    ids = {n.instance_id for n in notices if not n.link and n.instance_id}
    if ids:
        (db.session.query(ProcessInstance).options(joinedload(ProcessInstance.definition))
         .filter(ProcessInstance.id.in_(ids)).all())  # into the identity map: link_of's get finds them there
    return {n.id: link_of(n) for n in notices}


def recipients(notice):
    """The active users a notice reaches, cleared for its secrecy: its user, or every user of the role in the
    unit (in every unit when it has none)."""
    query = db.session.query(User).filter(User.is_active_user.is_(True), User.clearance >= notice.secrecy)
    if notice.user_id is not None:
        query = query.filter(User.id == notice.user_id)
    else:
        query = query.join(UserRole, UserRole.user_id == User.id).filter(UserRole.role == notice.role)
        if notice.unit_id is not None:
            query = query.filter(User.unit_id == notice.unit_id)
    return query.order_by(User.id).all()


def last_completed(instance_id):
    """The task of the instance completed last (the one whose decision opened the next tasks), or None."""
    return (db.session.query(HumanTask).filter_by(instance_id=instance_id, state="completed")
            .order_by(HumanTask.completed_dt.desc(), HumanTask.id.desc()).first())


def due_deliveries(before, limit):
    """(id, attempts) of pending deliveries whose next attempt is due at `before`, oldest first."""
    rows = (db.session.query(NoticeDelivery.id, NoticeDelivery.attempts)
            .filter(NoticeDelivery.state == "pending", NoticeDelivery.next_attempt_dt <= before)
            .order_by(NoticeDelivery.next_attempt_dt, NoticeDelivery.id).limit(limit))
    return [(delivery_id, attempts) for delivery_id, attempts in rows]
