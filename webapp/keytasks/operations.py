"""Writes of the ledgers: create, add tasks, tick milestones, start a checkpoint's round; each flushes only."""
from sqlalchemy import update

from webapp import audit, engine
from webapp.auth.models import Unit
from webapp.core import clock
from webapp.core.errors import FormInvalid, NotAllowed, TaskConflict
from webapp.extensions import db

from . import checkpoints, queries
from .models import KeyTask, KeyTaskArea, KeyTaskLedger, KeyTaskMilestone, KeyTaskReport, KeyTaskSiteVisit
from .process import PROCESS_KEY
from .schemas import parse_milestones


def create_ledger(user, values):
    """A new ledger of the user's 督查室; the office's unit row is locked first, so two identical ledgers created
    at once end as one and a refusal."""
    if not (user.has_role("supervisor") and user.unit.function == "supervision"):
        raise NotAllowed("只有督查室可以建立督查台账。")
    db.session.execute(update(Unit).where(Unit.id == user.unit_id).values(id=Unit.id))
    exists = db.session.query(KeyTaskLedger.id).filter_by(unit_id=user.unit_id, year=values["year"],
                                                          title=values["title"]).first()
    if exists:
        raise FormInvalid({"title": ["本年度已有同名台账"]})
    ledger = KeyTaskLedger(unit_id=user.unit_id, created_by_id=user.id, created_dt=clock.now(), **values)
    db.session.add(ledger)
    db.session.flush()
    audit.record("keytasks.ledger.create", summary=f"建立督查台账“{ledger.year}年 {ledger.title}”",
                 target_type="keytask_ledger", target_id=ledger.id, user=user)
    return ledger


def lock_ledger(ledger):
    """Take the ledger's row lock (PostgreSQL) or the write lock (SQLite) before checking what its unique indexes
    guard (task numbers, one report per task and checkpoint, one circular per checkpoint): two requests racing
    then check one after the other, and the second is refused in Chinese instead of failing on the index."""
    db.session.execute(update(KeyTaskLedger).where(KeyTaskLedger.id == ledger.id).values(id=KeyTaskLedger.id))


def area_named(ledger, name, areas=None):
    """The ledger's area of this name, added at the end when new; `areas` caches them by name."""
    areas = areas if areas is not None else {}
    if name not in areas:
        area = db.session.query(KeyTaskArea).filter_by(ledger_id=ledger.id, name=name).one_or_none()
        if area is None:
            last = db.session.query(db.func.max(KeyTaskArea.position)).filter_by(ledger_id=ledger.id).scalar()
            area = KeyTaskArea(ledger_id=ledger.id, name=name, position=(last or 0) + 1)
            db.session.add(area)
            db.session.flush()
        areas[name] = area
    return areas[name]


def add_task(ledger, values, user, areas=None, audited=True, staffed=None):
    """One task with its milestones; the number is unique in the ledger, the lead unit has a 承办人."""
    lock_ledger(ledger)
    if db.session.query(KeyTask.id).filter_by(ledger_id=ledger.id, number=values["number"]).first():
        raise FormInvalid({"number": [f"序号“{values['number']}”已在本台账中使用"]})
    units = [values["lead_unit_id"], *(values.get("cooperating_unit_ids") or [])]
    if db.session.query(Unit).filter(Unit.id.in_(units)).count() != len(set(units)):
        raise FormInvalid({"lead_unit_id": ["单位不存在"]})
    staffed = staffed if staffed is not None else queries.staffed_unit_ids()
    if values["lead_unit_id"] not in staffed:
        raise FormInvalid({"lead_unit_id": ["牵头单位没有在岗的承办人，无法报送进展"]})
    unstaffed = [uid for uid in values.get("cooperating_unit_ids") or [] if uid not in staffed]
    if unstaffed:  # each cooperating unit sends its own part (配合单位报送): someone there must be able to
        names = "、".join(name for (name,) in db.session.query(Unit.name).filter(Unit.id.in_(unstaffed)))
        raise FormInvalid({"cooperating_unit_ids": [f"配合单位{names}没有在岗的承办人，无法报送配合情况"]})
    milestones, problems = parse_milestones(values.get("milestones", ""))
    if problems:
        raise FormInvalid({"milestones": problems})
    area = area_named(ledger, values["area"], areas)
    last = db.session.query(db.func.max(KeyTask.position)).filter_by(ledger_id=ledger.id).scalar()
    task = KeyTask(ledger_id=ledger.id, area_id=area.id, position=(last or 0) + 1, number=values["number"],
                   title=values["title"], leader_name=values["leader_name"], lead_unit_id=values["lead_unit_id"],
                   cooperating_unit_ids=list(values.get("cooperating_unit_ids") or []),
                   targets=values.get("targets", ""))
    db.session.add(task)
    db.session.flush()
    for day, text in milestones:
        db.session.add(KeyTaskMilestone(task_id=task.id, due_date=day, text=text))
    db.session.flush()
    if audited:
        audit.record("keytasks.task.add", summary=f"台账“{ledger.title}”新增重点任务 {task.number}：{task.title}",
                     target_type="keytask", target_id=task.id, user=user)
    return task


def mark_milestone_done(task, milestone_id, user):
    if not (user.has_role("supervisor") and user.unit_id == task.ledger.unit_id):
        raise NotAllowed("只有督查室可以确认节点完成。")
    milestone = db.session.get(KeyTaskMilestone, milestone_id)
    if milestone is None or milestone.task_id != task.id:
        raise FormInvalid({"milestone_id": ["节点不存在"]})
    if milestone.done_dt is not None:
        raise TaskConflict("该节点已确认完成。")
    milestone.done_dt = clock.now()
    db.session.flush()
    audit.record("keytasks.milestone.done", summary=f"确认重点任务 {task.number} 节点完成：{milestone.text}",
                 target_type="keytask", target_id=task.id, user=user)
    return milestone


def record_site_visit(task, values, user):
    """派人督办 of a task, recorded by the ledger's 督查室; it shows on the task's page beside its reports."""
    if not (user.has_role("supervisor") and user.unit_id == task.ledger.unit_id):
        raise NotAllowed("只有本台账的督查室可以记录派人督办。")
    visit = KeyTaskSiteVisit(task_id=task.id, recorded_by_id=user.id, recorded_dt=clock.now(), **values)
    db.session.add(visit)
    db.session.flush()
    audit.record("keytasks.site_visit", summary=f"重点任务 {task.number} 派人督办（{values['visit_date'].isoformat()}，"
                                                f"{values['inspectors']}）", target_type="keytask", target_id=task.id,
                 user=user)
    return visit


def start_round(ledger, checkpoint, user, tasks):
    """发起本期进展报送: one key_task instance per open task and checkpoint; a task that already has this
    checkpoint's report keeps it (the unique row makes a second click, or a race, start nothing new)."""
    if not (user.has_role("supervisor") and user.unit_id == ledger.unit_id):
        raise NotAllowed("只有本台账的督查室可以发起进展报送。")
    if checkpoint not in checkpoints.checkpoint_dates(ledger):
        raise FormInvalid({"checkpoint": ["不是本台账的报送节点"]})
    lock_ledger(ledger)
    due, remind = checkpoints.moments(checkpoint)
    started = set(tid for (tid,) in db.session.query(KeyTaskReport.task_id).filter_by(checkpoint=checkpoint)
                  .filter(KeyTaskReport.task_id.in_([t.id for t in tasks] or [0])))
    count = 0
    for task in tasks:
        if task.id in started or task.done_dt is not None:
            continue
        data = {"unit_id": ledger.unit_id, "lead_unit_id": task.lead_unit_id, "task_id": task.id,
                "ledger_id": ledger.id, "checkpoint": checkpoint.isoformat(), "due_at": due.isoformat(),
                "remind_at": remind.isoformat(), "starter_id": user.id,
                "title": f"重点任务 {task.number} {task.title}（{checkpoint.isoformat()} 进展）"[:250],
                "cooperating_unit_ids": list(task.cooperating_unit_ids or []), "secrecy": 0, "urgency": "normal"}
        engine.start(PROCESS_KEY, user, data, business_key=f"KT{task.id}-{checkpoint.isoformat()}")
        count += 1
    db.session.flush()
    audit.record("keytasks.round.start", summary=f"台账“{ledger.title}”发起 {checkpoint.isoformat()} 进展报送"
                                                 f"（{count} 项）", target_type="keytask_ledger", target_id=ledger.id,
                 user=user, detail={"checkpoint": checkpoint.isoformat(), "started": count})
    return count
