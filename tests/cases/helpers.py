"""Shared case steps: register, assign and hand a case to its unit as each role would."""
from datetime import datetime, timedelta

from tests.helpers import act, open_task
from webapp.cases.models import InstructionCase
from webapp.cases.operations import register_case
from webapp.core import clock
from webapp.engine import timers
from webapp.engine.models import Timer
from webapp.extensions import db

REGISTER = {"title": "关于青山县河道整治的批示", "source_leader": "省委书记 王某", "level": "provincial",
            "instruction": "请临江市委督查室督促青山县抓紧整治河道污染问题，限期报告结果。",
            "instruction_date": "2026-03-01", "urgency": "normal", "secrecy": "0"}
CLOSE = {"decision": "close", "report": "经查，河道污染系上游养殖场直排所致。已关停三家养殖场，建成截污管网两公里，"
                                        "建立河长巡查制度。", "doc_no": "青办字〔2026〕12号"}
PROGRESS = {"decision": "progress", "progress": "已成立专班，完成现场排查，正在制定整治方案。"}


def new_case(org, lead="county-a", **fields):
    """A case registered and assigned by the city's 督查室; returns its row."""
    case, _task = register_case(org.users["dc"])
    db.session.commit()
    act(org, "dc", case.instance_id, {**REGISTER, "lead_unit_id": str(org.units[lead].id), **fields})
    act(org, "dc", case.instance_id, {"decision": "assign", "requirements": "请按期报结。"})
    return reload(case)


def reload(case):
    db.session.expire_all()
    return db.session.get(InstructionCase, case.id)


def step(case):
    return open_task(case.instance_id).step_key


def local(text):
    """An aware datetime from a local (Asia/Shanghai) 'YYYY-MM-DD HH:MM:SS'."""
    return datetime.fromisoformat(text).replace(tzinfo=clock.LOCAL_TZ)


def travel_to(moment):
    """Move the clock and let the sweep fire whatever came due, as the running app would."""
    clock.set_fixed(moment)
    fired = timers.fire_due()
    db.session.expire_all()
    return fired


def travel(days=0, **kwargs):
    return travel_to(clock.now() + timedelta(days=days, **kwargs))


def armed(case):
    return {t.kind: t.due_dt for t in db.session.query(Timer).filter_by(instance_id=case.instance_id, state="armed")}
