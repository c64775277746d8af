"""督查通报 of a checkpoint: its figures per area and per lead unit drafted from the data, then published (frozen)."""
from collections import defaultdict

from webapp import audit
from webapp.core import clock
from webapp.core.errors import FormInvalid, NotAllowed
from webapp.extensions import db
from webapp.notices.operations import send
from webapp.workbooks import Report

from . import checkpoints, operations, queries
from .models import KeyTaskCircular

COLUMNS = ["任务数", "按时报送", "逾期报送", "逾期未报", "尚未报送", "曾被退回", "正常推进", "滞后", "已完成"]


def _counts(task, colour, report, now):
    """One task's contribution to each column at this checkpoint."""
    reported = report is not None and report.reported_dt is not None
    late_sent = reported and report.reported_dt > report.due_dt
    missing = report is not None and not reported and now >= report.due_dt
    return [1, int(reported and not late_sent), int(late_sent), int(missing),
            int(report is not None and not reported and now < report.due_dt), int(bool(report and report.return_count)),
            int(colour in ("green", "yellow")), int(colour == "red"), int(colour == "done")]


def draft(user, ledger, checkpoint):
    """Two tables computed now: by area and by lead unit (the page and the Excel export render them)."""
    groups, _counts_by_light = queries.ledger_view(user, ledger)
    now = clock.now()
    by_area, by_unit, names = {}, defaultdict(lambda: [0] * len(COLUMNS)), {}
    total = [0] * len(COLUMNS)
    for area, tasks in groups:
        row = [0] * len(COLUMNS)
        for task, colour, _milestones, reports in tasks:
            report = next((r for r in reports if r.checkpoint == checkpoint), None)
            counts = _counts(task, colour, report, now)
            names[task.lead_unit_id] = task.lead_unit.name
            for index, value in enumerate(counts):
                row[index] += value
                by_unit[task.lead_unit_id][index] += value
                total[index] += value
        by_area[area.name] = row
    title = f"{ledger.year}年 {ledger.title} {checkpoint.isoformat()} 督查通报"
    return [
        Report(f"{title}（分领域）", ["领域", *COLUMNS], [[name, *row] for name, row in by_area.items()],
               total=["合计", *total]),
        Report(f"{title}（分牵头单位）", ["牵头单位", *COLUMNS],
               [[names[uid], *row] for uid, row in sorted(by_unit.items(), key=lambda item: names[item[0]])],
               total=["合计", *total]),
    ]


def frozen(circular):
    return [Report(t["title"], t["columns"], t["rows"], total=t["total"]) for t in circular.tables]


def published(ledger, checkpoint):
    return db.session.query(KeyTaskCircular).filter_by(ledger_id=ledger.id, checkpoint=checkpoint).one_or_none()


def tables(user, ledger, checkpoint):
    """(the circular's tables, the published row or None): frozen once published, drafted from the data before."""
    circular = published(ledger, checkpoint)
    return (frozen(circular), circular) if circular else (draft(user, ledger, checkpoint), None)


def publish(user, ledger, checkpoint, remark):
    """Freeze the draft as it stands, with the office's remark, and tell the lead units' handlers and leaders."""
    if not queries.may_edit(user, ledger):
        raise NotAllowed("只有本台账的督查室可以发布督查通报。")
    if checkpoint not in checkpoints.checkpoint_dates(ledger):
        raise FormInvalid({"checkpoint": ["不是本台账的报送节点"]})
    operations.lock_ledger(ledger)
    if published(ledger, checkpoint) is not None:
        raise FormInvalid({"checkpoint": ["本节点的督查通报已发布"]})
    reports = draft(user, ledger, checkpoint)
    circular = KeyTaskCircular(ledger_id=ledger.id, checkpoint=checkpoint, remark=remark, published_by_id=user.id,
                               published_dt=clock.now(),
                               tables=[{"title": r.title, "columns": r.columns, "rows": r.rows, "total": r.total}
                                       for r in reports])
    db.session.add(circular)
    db.session.flush()
    title = f"{ledger.year}年 {ledger.title} {checkpoint.isoformat()} 督查通报已发布"
    for unit_id in sorted({t.lead_unit_id for t in queries.tasks_of(user, ledger)}):
        for role in ("handler", "leader"):
            send(title, unit_id=unit_id, role=role, body=remark)
    audit.record("keytasks.circular.publish", summary=title, target_type="keytask_ledger", target_id=ledger.id,
                 user=user, detail={"checkpoint": checkpoint.isoformat()})
    return circular
