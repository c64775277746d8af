"""Shared key-task steps: more handling units, a ledger with tasks, a checkpoint round walked as each role."""
from datetime import date

from tests.cases.helpers import local, travel_to
from tests.helpers import open_task
from webapp.core import clock
from webapp.engine import runner
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.keytasks import operations, queries
from webapp.keytasks.models import KeyTaskReport
from webapp.keytasks.process import CONTRIBUTE_STEP

JULY = date(2026, 7, 10)
PROGRESS = {"progress": "园区规划修编已完成，新签约入园企业 8 家，完成年度目标的四成。",
            "cooperation": "配合单位已完成土地报批。", "next_steps": "加快标准厂房建设。"}

CONTRIBUTION = {"contribution_progress": "b县已完成园区用地报批，正在办理规划许可。",
                "contribution_problems": "征迁进度偏慢。", "contribution_next": "月底前完成征迁。"}

__all__ = ["CONTRIBUTION", "JULY", "PROGRESS", "contribute", "ledger_with_tasks", "local", "more_units", "report_of",
           "start_july", "travel_to"]


def more_units(org):
    """Counties c and d with a 承办人 and a leader each, and a city leader who watches the 督查室's ledgers."""
    for n in ("c", "d"):
        org.unit(f"county-{n}", f"{n}县委办公室", "county", "city")
        org.user(f"handler_{n}", f"county-{n}", ["handler"])
        org.user(f"leader_{n}", f"county-{n}", ["leader"])
    org.user("city_leader", "city", ["leader"])
    db.session.commit()
    return org


def ledger_with_tasks(org, leads=("a", "b", "c", "d")):
    """A half-yearly ledger of the city 督查室 with one task led by each county (county-b cooperating on 1)."""
    ledger = operations.create_ledger(org.users["dc"], {"year": 2026, "title": "市委重点工作任务", "checkpoint_mode":
                                                         "half_year"})
    tasks = []
    for number, lead in enumerate(leads, start=1):
        cooperating = [org.units["county-b"].id] if lead == "a" else []
        tasks.append(operations.add_task(ledger, {
            "area": "经济发展" if number <= 2 else "民生保障", "number": str(number), "title": f"重点任务{number}",
            "leader_name": "副市长 张某", "lead_unit_id": org.units[f"county-{lead}"].id,
            "cooperating_unit_ids": cooperating, "targets": "年度目标",
            "milestones": "2026-06-30 完成规划；2026-12-31 建成投用"}, org.users["dc"]))
    db.session.commit()
    return ledger, tasks


def start_july(org, ledger):
    count = operations.start_round(ledger, JULY, org.users["dc"], queries.tasks_of(org.users["dc"], ledger))
    db.session.commit()
    return count


def report_of(task, checkpoint=JULY):
    db.session.expire_all()
    return db.session.query(KeyTaskReport).filter_by(task_id=task.id, checkpoint=checkpoint).one()


def step(report):
    return open_task(report.instance_id).step_key


def now():
    return clock.now()


def contribution_rows(report, state="open"):
    return (db.session.query(HumanTask).filter_by(instance_id=report.instance_id, step_key=CONTRIBUTE_STEP,
                                                  state=state).order_by(HumanTask.id).all())


def contribute(org, report, username, **fields):
    """The cooperating unit of `username` sends its part of the report (its own step of the multi-instance)."""
    user = org.users[username]
    row = next(r for r in contribution_rows(report) if r.unit_id == user.unit_id)
    runner.complete(row.id, user, {**CONTRIBUTION, **fields})
    db.session.commit()
