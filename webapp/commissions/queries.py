"""Reads of 约稿: what an office asked for, what a unit was asked, and how each unit answered."""
from webapp.core import clock
from webapp.core.errors import NotFound
from webapp.extensions import db
from webapp.reports.models import InfoItem
from webapp.reports.queries import visible_to

from .models import Commission, CommissionTarget

STATUS_LABELS = {"answered": "已按期报送", "late": "逾期报送", "open": "待报送", "missed": "逾期未报"}


def status(target, now=None):
    """answered / late / open / missed: a unit answers when its first linked item is submitted upward."""
    due = target.commission.due_dt
    if target.answered_dt is not None:
        return "answered" if target.answered_dt <= due else "late"
    return "missed" if (now or clock.now()) > due else "open"


def issuing_office(user):
    """The office a user may send 约稿 from: an editor's information office."""
    unit = user.unit
    return unit if user.has_role("editor") and unit.function == "info" else None


def issued_by(office, limit=100):
    return (db.session.query(Commission).filter_by(issuing_unit_id=office.id)
            .order_by(Commission.created_dt.desc()).limit(limit).all())


def addressed_to(unit, limit=100):
    """(commission, this unit's target row), newest first."""
    return (db.session.query(Commission, CommissionTarget)
            .join(CommissionTarget, CommissionTarget.commission_id == Commission.id)
            .filter(CommissionTarget.unit_id == unit.id)
            .order_by(Commission.due_dt.desc()).limit(limit).all())


def target_of(commission_id, unit_id):
    return db.session.get(CommissionTarget, (commission_id, unit_id))


def get_visible(user, commission_id):
    """The issuing office sees its commission; a unit it was sent to sees it too."""
    commission = db.session.get(Commission, commission_id)
    if commission is None or not (commission.issuing_unit_id == user.unit_id
                                  or target_of(commission_id, user.unit_id) is not None):
        raise NotFound("约稿不存在或您无权查看。")
    return commission


def answers(commission, user, unit_id=None):
    """Items written for the commission that the reader may open (reports' own rule: their unit's, or submitted
    up to them; never above their clearance), by unit then time."""
    query = visible_to(user).filter(InfoItem.commission_id == commission.id)
    if unit_id is not None:
        query = query.filter(InfoItem.unit_id == unit_id)
    return query.order_by(InfoItem.unit_id, InfoItem.created_dt).all()


def summary(commission, now=None):
    """{status: count} over its targets."""
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for target in commission.targets:
        counts[status(target, now)] += 1
    return counts
