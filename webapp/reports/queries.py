"""Reads of information items, scoped by unit and secrecy clearance."""
from datetime import timedelta

from sqlalchemy import and_, or_

from webapp.auth.models import Unit
from webapp.core import clock
from webapp.core.errors import NotFound
from webapp.core.links import path_for
from webapp.engine.models import HumanTask, InstanceEvent
from webapp.extensions import db

from .models import InfoItem, ItemMerge


def visible_to(user):
    """Items a user may see: their unit's, submitted up to their unit, or forwarded (转报) by their office; never
    above their clearance. A chain's first unit sees the upper levels' outcomes on its own item (`chain_of`), not
    the upper items themselves."""
    return db.session.query(InfoItem).filter(
        InfoItem.secrecy <= user.clearance,
        or_(
            InfoItem.unit_id == user.unit_id,
            and_(InfoItem.target_unit_id == user.unit_id, InfoItem.submitted_dt.isnot(None)),
            InfoItem.forwarder_unit_id == user.unit_id,
        ),
    )


def merged_from_unit(user):
    """Combined items (综合) that merged an item of the user's unit: its people may read them (clearance allowing)."""
    return db.session.query(InfoItem).filter(
        InfoItem.secrecy <= user.clearance,
        InfoItem.id.in_(db.session.query(ItemMerge.combined_item_id).filter(ItemMerge.unit_id == user.unit_id)),
    )


def may_see(user, item):
    """Whether the user may open the item's page."""
    return any(query.filter(InfoItem.id == item.id).first() is not None
               for query in (visible_to(user), merged_from_unit(user)))


def get_visible(user, item_id):
    """The item, or NotFound: an item the user may not see is indistinguishable from none."""
    item = (visible_to(user).filter(InfoItem.id == item_id).one_or_none()
            or merged_from_unit(user).filter(InfoItem.id == item_id).one_or_none())
    if item is None:
        raise NotFound("信息不存在或您无权查看。")
    return item


def list_for(user, scope="unit", limit=50):
    query = visible_to(user)
    if scope == "mine":
        query = query.filter(InfoItem.author_id == user.id)
    elif scope == "received":
        query = query.filter(InfoItem.target_unit_id == user.unit_id)
    return query.order_by(InfoItem.updated_dt.desc()).limit(limit).all()


def recent_feedback(user, days=30, limit=10):
    """Feedback (采用/不采用/退回) on the user's unit's items in the last `days` days, newest first."""
    since = clock.now() - timedelta(days=days)
    return (
        visible_to(user)
        .filter(InfoItem.unit_id == user.unit_id, InfoItem.feedback_dt >= since)
        .order_by(InfoItem.feedback_dt.desc())
        .limit(limit)
        .all()
    )


def history(item):
    return (
        db.session.query(InstanceEvent)
        .filter_by(instance_id=item.instance_id)
        .order_by(InstanceEvent.event_dt, InstanceEvent.id)
        .all()
    )


def open_tasks(item):
    return db.session.query(HumanTask).filter_by(instance_id=item.instance_id, state="open").all()


def item_for_instance(instance_id):
    return db.session.query(InfoItem).filter_by(instance_id=instance_id).one_or_none()


def visible_instance(user, instance_id):
    """Whether the user may see the item of this instance (the inbox's read-only view asks)."""
    return visible_to(user).filter(InfoItem.instance_id == instance_id).first() is not None


def link_for_instance(instance_id):
    """The item's page (`hooks.instance_link`)."""
    item_id = db.session.query(InfoItem.id).filter_by(instance_id=instance_id).scalar()
    return path_for("reports.detail", item_id=item_id) if item_id else None


def chain_of(item, user):
    """Every level of the item's 转报 chain the user is cleared for, the first item first, in the order they were
    submitted. The page shows only each level's office, outcome, publication and dates of them."""
    root_id = item.chain_root_id
    return (db.session.query(InfoItem)
            .filter(or_(InfoItem.id == root_id, InfoItem.origin_item_id == root_id),
                    InfoItem.secrecy <= user.clearance)
            .order_by(InfoItem.submitted_dt.is_(None), InfoItem.submitted_dt, InfoItem.id).all())


def reporting_units(office):
    """The units that report their information to `office`: those whose upward information unit it is, then the
    直报点 configured to report to it directly."""
    parent = office.parent if office.kind == "office" else office
    if parent is None:
        return []
    office_ids = [c.id for c in parent.children if c.kind == "office"]
    candidates = (db.session.query(Unit).filter(or_(Unit.parent_id == parent.id, Unit.parent_id.in_(office_ids)),
                                                Unit.kind != "office").order_by(Unit.code).all())
    ranked = [u for u in candidates if (target := u.upward_info_unit()) is not None and target.id == office.id]
    direct = db.session.query(Unit).filter(Unit.direct_report_unit_id == office.id).order_by(Unit.code).all()
    return ranked + [u for u in direct if u not in ranked]  # 直报点 report to it too
