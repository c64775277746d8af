"""Reading the audit log: the admin's search (newest first, paginated) and the rows of an export."""
from datetime import datetime, time, timedelta

from sqlalchemy import func, or_, select

from webapp.engine.clock import LOCAL_TZ
from webapp.extensions import db

from .models import AuditEntry

PER_PAGE = 50
EXPORT_BATCH = 1000


def _local_midnight(day):
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def _filtered(query, filters):
    """`query` narrowed by the search form's values (see AuditFilterSchema); dates are local (Asia/Shanghai)."""
    if filters.get("date_from"):
        query = query.where(AuditEntry.event_dt >= _local_midnight(filters["date_from"]))
    if filters.get("date_to"):
        query = query.where(AuditEntry.event_dt < _local_midnight(filters["date_to"] + timedelta(days=1)))
    if filters.get("username"):
        who = filters["username"]
        query = query.where(or_(AuditEntry.username.icontains(who, autoescape=True),
                                AuditEntry.user_name.icontains(who, autoescape=True)))
    if filters.get("unit"):
        query = query.where(AuditEntry.unit_name.icontains(filters["unit"], autoescape=True))
    if filters.get("action"):
        query = query.where(AuditEntry.action.startswith(filters["action"], autoescape=True))
    if filters.get("q"):
        query = query.where(AuditEntry.summary.icontains(filters["q"], autoescape=True))
    return query


def search(filters, page=1, per_page=PER_PAGE):
    """A page of matching entries, newest (highest seq) first."""
    query = _filtered(select(AuditEntry), filters).order_by(AuditEntry.seq.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def count(filters):
    return db.session.execute(_filtered(select(func.count(AuditEntry.id)), filters)).scalar()


def export_rows(filters, limit):
    """At most `limit` matching entries, newest first, as plain rows fetched in batches."""
    query = (_filtered(select(*AuditEntry.__table__.columns), filters)
             .order_by(AuditEntry.seq.desc()).limit(limit).execution_options(yield_per=EXPORT_BATCH))
    yield from db.session.execute(query)
