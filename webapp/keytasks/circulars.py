"""督查通报 of a checkpoint, walked through `key_task_circular`: the 督查室 drafts it (the figures per area and per
lead unit drafted from the data, its own text around them), its 负责人 reviews, the leader in charge signs it off.
The figures and the period's 派人督办 are frozen into the draft at each submission (a returned draft is drafted
again from fresh data); on sign-off the circular gets its 期号, is frozen for good and sent to the lead units."""
from collections import defaultdict
from datetime import date

from sqlalchemy import func

from webapp import audit, engine
from webapp.auth.models import Unit
from webapp.core import clock, hooks
from webapp.core.errors import FormInvalid, NotAllowed, NotFound
from webapp.core.links import path_for
from webapp.engine.models import HumanTask, InstanceEvent
from webapp.extensions import db
from webapp.notices.operations import send
from webapp.workbooks import Report

from . import checkpoints, operations, queries
from .circular_forms import area_names, parse_area_remarks
from .models import KeyTask, KeyTaskCircular, KeyTaskLedger, KeyTaskSiteVisit

PROCESS_KEY = "key_task_circular"
COLUMNS = ["任务数", "按时报送", "逾期报送", "逾期未报", "尚未报送", "曾被退回", "正常推进", "滞后", "已完成"]
STEP_STAGES = {"draft": "drafting", "review": "reviewing", "sign": "signing"}


def _counts(task, colour, report, now):
    """One task's contribution to each column at this checkpoint."""
    reported = report is not None and report.reported_dt is not None
    late_sent = reported and report.reported_dt > report.due_dt
    missing = report is not None and not reported and now >= report.due_dt
    return [1, int(reported and not late_sent), int(late_sent), int(missing),
            int(report is not None and not reported and now < report.due_dt), int(bool(report and report.return_count)),
            int(colour in ("green", "yellow")), int(colour == "red"), int(colour == "done")]


def _all_tasks(ledger):
    """The circular is the office's: it counts every task of the ledger, whoever looks."""
    return (db.session.query(KeyTask).filter_by(ledger_id=ledger.id).order_by(KeyTask.position, KeyTask.id).all())


def draft(ledger, checkpoint):
    """Two tables computed now: by area and by lead unit (the page, the print, the PDF and the Excel render them)."""
    groups, _counts_by_light = queries.ledger_view(None, ledger, tasks=_all_tasks(ledger))
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


def period_visits(ledger, checkpoint):
    """The 派人督办 of the period: visits after the ledger's previous checkpoint (or the year's start) up to this
    checkpoint."""
    dates = checkpoints.checkpoint_dates(ledger)
    earlier = [d for d in dates if d < checkpoint]
    since = earlier[-1] if earlier else date(ledger.year - 1, 12, 31)
    rows = (db.session.query(KeyTaskSiteVisit, KeyTask).join(KeyTask, KeyTask.id == KeyTaskSiteVisit.task_id)
            .filter(KeyTask.ledger_id == ledger.id, KeyTaskSiteVisit.visit_date > since,
                    KeyTaskSiteVisit.visit_date <= checkpoint)
            .order_by(KeyTaskSiteVisit.visit_date, KeyTaskSiteVisit.id).all())
    return [{"number": task.number, "title": task.title, "lead_unit": task.lead_unit.name,
             "visit_date": visit.visit_date.isoformat(), "inspectors": visit.inspectors, "findings": visit.findings,
             "agreed": visit.agreed} for visit, task in rows]


def _reports(tables):
    return [Report(t["title"], t["columns"], t["rows"], total=t["total"]) for t in tables]


def of_checkpoint(ledger, checkpoint):
    return db.session.query(KeyTaskCircular).filter_by(ledger_id=ledger.id, checkpoint=checkpoint).one_or_none()


def shown(ledger, checkpoint):
    """(the circular's tables, its visits, the row or None): frozen once submitted, drafted from the data while
    there is no row or the draft is (back) at the office."""
    circular = of_checkpoint(ledger, checkpoint)
    if circular is not None and circular.tables is not None and circular.stage != "drafting":
        return _reports(circular.tables), circular.visits or [], circular
    return draft(ledger, checkpoint), period_visits(ledger, checkpoint), circular


def _title(ledger, checkpoint):
    return f"{ledger.year}年 {ledger.title} {checkpoint.isoformat()} 督查通报"


def start(user, ledger, checkpoint):
    """起草督查通报: one per ledger and checkpoint (the ledger's lock, then its unique index); the draft opens in the
    drafter's 待办. The leader who signs is the office's parent unit's 分管领导."""
    if not queries.may_edit(user, ledger):
        raise NotAllowed("只有本台账的督查室可以起草督查通报。")
    if checkpoint not in checkpoints.checkpoint_dates(ledger):
        raise FormInvalid({"checkpoint": ["不是本台账的报送节点"]})
    if ledger.unit.parent_id is None:
        raise FormInvalid({"checkpoint": ["督查室没有上级单位，无人签发通报"]})
    operations.lock_ledger(ledger)
    existing = of_checkpoint(ledger, checkpoint)
    if existing is not None:
        words = "已签发" if existing.is_published else "已在起草或审签中"
        raise FormInvalid({"checkpoint": [f"本节点的督查通报{words}"]})
    data = {"unit_id": ledger.unit_id, "leader_unit_id": ledger.unit.parent_id, "ledger_id": ledger.id,
            "checkpoint": checkpoint.isoformat(), "drafter_id": user.id, "title": _title(ledger, checkpoint),
            "secrecy": 0, "urgency": "normal"}
    instance = engine.start(PROCESS_KEY, user, data, business_key=f"KTC{ledger.id}-{checkpoint.isoformat()}")
    task = db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open").one()
    return for_instance(instance.id), task


def for_instance(instance_id):
    return db.session.query(KeyTaskCircular).filter_by(instance_id=instance_id).one_or_none()


def _freeze(circular, ledger):
    circular.tables = [{"title": r.title, "columns": r.columns, "rows": r.rows, "total": r.total}
                       for r in draft(ledger, circular.checkpoint)]
    circular.visits = period_visits(ledger, circular.checkpoint)
    circular.frozen_dt = clock.now()


def _distribution(ledger):
    """报/送/发: the office's parent unit's leaders, the cooperating units, the lead units (names, frozen)."""
    tasks = _all_tasks(ledger)
    leads = sorted({t.lead_unit_id for t in tasks})
    cooperating = sorted({uid for t in tasks for uid in (t.cooperating_unit_ids or [])} - set(leads))
    units = queries.units_by_id([*leads, *cooperating])
    parent = db.session.get(Unit, ledger.unit.parent_id)
    return {"bao": f"{parent.name}主要领导、分管领导" if parent else "—",
            "song": "、".join(units[u].name for u in cooperating if u in units) or "—",
            "fa": "、".join(units[u].name for u in leads if u in units) or "—", "lead_unit_ids": leads}


def _publish(circular, ledger, instance):
    """Signed off: the next 期号 of the ledger (under its lock), frozen; each lead unit's 承办人 and leaders told."""
    operations.lock_ledger(ledger)
    signed = (db.session.query(HumanTask).filter_by(instance_id=instance.id, step_key="sign", state="completed")
              .order_by(HumanTask.completed_dt.desc(), HumanTask.id.desc()).first())
    last = db.session.query(func.max(KeyTaskCircular.issue_no)).filter_by(ledger_id=ledger.id).scalar()
    circular.issue_no = (last or 0) + 1
    circular.published_dt = clock.now()
    circular.published_by_id = signed.completed_by_id if signed else None
    circular.distribution = _distribution(ledger)
    db.session.flush()
    title = f"{_title(ledger, circular.checkpoint)}（第{circular.issue_no}期）已印发"
    link = path_for("keytasks.circular_print", circular_id=circular.id)
    for unit_id in circular.distribution["lead_unit_ids"]:
        for role in ("handler", "leader"):
            send(title, unit_id=unit_id, role=role, body=circular.summary, link=link)
    hooks.announce("circular.published", kind="keytask_circular", object_id=circular.id, title=title,
                   unit_id=ledger.unit_id, secrecy=instance.secrecy, instance_id=instance.id, link=link)
    audit.record("keytasks.circular.publish", summary=title, target_type="keytask_ledger", target_id=ledger.id,
                 user=signed.completed_by if signed else None, detail={"checkpoint": circular.checkpoint.isoformat(),
                                                                      "issue_no": circular.issue_no})


def project_circular(instance, data):
    """Keep the keytask_circulars row in step with its instance (same transaction): the texts as typed, the figures
    frozen when the draft leaves the office, the sign-off."""
    circular = for_instance(instance.id)
    ledger = db.session.get(KeyTaskLedger, data["ledger_id"])
    if circular is None:
        circular = KeyTaskCircular(ledger_id=ledger.id, checkpoint=date.fromisoformat(data["checkpoint"]),
                                   instance_id=instance.id, drafted_by_id=data["drafter_id"], stage="drafting")
        db.session.add(circular)
    if "summary" in data:
        circular.summary = data["summary"]
        circular.requirements = data.get("requirements", "")
        circular.area_remarks, _problems = parse_area_remarks(data.get("area_remarks", ""), area_names(ledger.id))
    db.session.flush()
    before = circular.stage
    open_task = (db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open")
                 .order_by(HumanTask.id).first())
    if instance.status == "completed":
        circular.stage = "published"
        if circular.published_dt is None:
            _publish(circular, ledger, instance)
    elif open_task is not None:
        circular.stage = STEP_STAGES.get(open_task.step_key, open_task.step_key)
    if before == "drafting" and circular.stage == "reviewing":
        _freeze(circular, ledger)


def form_values(circular):
    """The draft form filled from the row (a returned draft is not retyped)."""
    if circular is None or not (circular.summary or circular.requirements):
        return {}
    remarks = "\n".join(f"{name}：{text}" for name, text in circular.area_remarks or [])
    return {"summary": circular.summary, "area_remarks": remarks, "requirements": circular.requirements}


def history(circular):
    if circular.instance_id is None:
        return []
    return (db.session.query(InstanceEvent).filter_by(instance_id=circular.instance_id)
            .order_by(InstanceEvent.event_dt, InstanceEvent.id).all())


def get_visible(user, circular_id):
    """A circular for the desk (the 督查室 and its leaders); a signed one also for the units of its ledger."""
    circular = db.session.get(KeyTaskCircular, circular_id)
    if circular is not None:
        try:
            ledger = queries.get_ledger(user, circular.ledger_id)
        except NotFound:
            ledger = None
        if ledger is not None and (queries.sees_whole(user, ledger) or circular.is_published):
            return circular
    raise NotFound("督查通报不存在或您无权查看。")


def visible_instance(user, instance_id):
    circular = for_instance(instance_id)
    return circular is not None and queries.sees_whole(user, circular.ledger)


def link_for_instance(instance_id):
    return path_for("keytasks.circular_by_instance", instance_id=instance_id)

