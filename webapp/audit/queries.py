"""Reading the audit log: the admin's search (newest first, paginated) and the rows of an export."""
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import func, or_, select

from webapp.core.clock import LOCAL_TZ
from webapp.engine.models import HumanTask, ProcessInstance
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
    """A page of matching entries, newest (highest id: appended last) first; entries not sealed yet included."""
    query = _filtered(select(AuditEntry), filters).order_by(AuditEntry.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def count(filters):
    return db.session.execute(_filtered(select(func.count(AuditEntry.id)), filters)).scalar()


def export_rows(filters, limit):
    """At most `limit` matching entries, newest first, as plain rows fetched in batches."""
    query = (_filtered(select(*AuditEntry.__table__.columns), filters)
             .order_by(AuditEntry.id.desc()).limit(limit).execution_options(yield_per=EXPORT_BATCH))
    yield from db.session.execute(query)


HIDDEN_SUMMARY = "（涉密事项的记录，超出您的密级，内容不予显示）"


def _instance_ref(entry):
    """("instance" | "task", id) of the process instance an entry is about, or None."""
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    if detail.get("instance_id"):
        return "instance", int(detail["instance_id"])
    if entry.target_type in ("instance", "task") and str(entry.target_id or "").isdigit():
        return entry.target_type, int(entry.target_id)
    return None


def above_clearance(entries, clearance):
    """The ids of `entries` about an instance marked above `clearance` as it stands NOW (an item marked 秘密 after
    the entry was written hides it too): their summary and detail are withheld from that reader."""
    refs = {entry.id: _instance_ref(entry) for entry in entries}
    instance_ids = {ref[1] for ref in refs.values() if ref and ref[0] == "instance"}
    task_ids = {ref[1] for ref in refs.values() if ref and ref[0] == "task"}
    secrecy, of_task = {}, {}
    if task_ids:
        of_task = dict(db.session.execute(select(HumanTask.id, HumanTask.instance_id)
                                          .where(HumanTask.id.in_(task_ids))).all())
        instance_ids |= set(of_task.values())
    if instance_ids:
        secrecy = dict(db.session.execute(select(ProcessInstance.id, ProcessInstance.secrecy)
                                          .where(ProcessInstance.id.in_(instance_ids))).all())
    hidden = set()
    for entry_id, ref in refs.items():
        if ref is None:
            continue
        instance_id = of_task.get(ref[1]) if ref[0] == "task" else ref[1]
        if secrecy.get(instance_id, 0) > clearance:
            hidden.add(entry_id)
    return hidden


def masked_export_rows(filters, limit, clearance):
    """`export_rows` with the summary and detail of entries above `clearance` withheld, batch by batch."""
    batch = []
    for row in export_rows(filters, limit):
        batch.append(row)
        if len(batch) == EXPORT_BATCH:
            yield from _masked(batch, clearance)
            batch = []
    yield from _masked(batch, clearance)


def _masked(rows, clearance):
    hidden = above_clearance(rows, clearance)
    for row in rows:
        if row.id in hidden:
            row = SimpleNamespace(**{**row._asdict(), "summary": HIDDEN_SUMMARY, "detail": None})
        yield row
