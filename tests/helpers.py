"""Shared test steps: walk an information item through its process as each role."""
from webapp.engine import runner
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.reports.operations import create_item

COMPOSE = {"title": "某县春耕进展", "body": "全县已完成春播面积十二万亩，同比增长百分之五。", "category": "经济运行",
           "urgency": "normal", "importance": "general", "secrecy": "0", "source_unit": "县农业农村局"}


def open_task(instance_id):
    return db.session.query(HumanTask).filter_by(instance_id=instance_id, state="open").one()


def completed_row(instance_id, step_key):
    """The latest completed, still valid run of a step (a return target)."""
    return (db.session.query(HumanTask)
            .filter_by(instance_id=instance_id, step_key=step_key, state="completed", superseded=False)
            .order_by(HumanTask.id.desc()).first())


def act(org, username, instance_id, form):
    row = open_task(instance_id)
    instance = runner.complete(row.id, org.users[username], form)
    db.session.commit()
    return instance


def new_item(org, writer="writer_a", **fields):
    item, _task = create_item(org.users[writer])
    db.session.commit()
    act(org, writer, item.instance_id, {**COMPOSE, **fields})
    return item
