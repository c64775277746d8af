"""Running instances on two versions: a dry run says who can move and what changes; moving keeps tasks and timers."""
from datetime import timedelta

from tests.cases.helpers import armed, new_case, reload, step
from tests.designer.test_pages import with_reminder
from tests.helpers import act, open_task
from webapp.engine import clock, definitions, migration
from webapp.engine.models import HumanTask, InstanceEvent, ProcessInstance, Timer
from webapp.extensions import db

from .conftest import BPMN_DIR


def _deploy(version):
    definition, _ = definitions.deploy("migration", (BPMN_DIR / f"migration_v{version}.bpmn").read_text())
    db.session.commit()
    return definition


def _start(org):
    from webapp.engine import runner

    user = org.users["verifier_a"]
    instance = runner.start("migration", user, {"unit_id": user.unit_id, "title": "迁移测试"})
    db.session.commit()
    return instance


def _timers(instance_id):
    return {t.step_key: t for t in db.session.query(Timer).filter_by(instance_id=instance_id, state="armed")}


def _plans(target):
    return {p.instance_id: p for p in migration.plan(target)}


def test_the_dry_run_lists_old_instances_with_who_can_move_and_changes_nothing(org):
    _deploy(1)
    at_first, at_second = _start(org), _start(org)
    act(org, "verifier_a", at_second.id, {"decision": "ok"})
    v2 = _deploy(2)
    on_v2 = _start(org)
    states = {i: db.session.get(ProcessInstance, i).state_json for i in (at_first.id, at_second.id)}

    plans = _plans(v2)

    assert set(plans) == {at_first.id, at_second.id}  # the v2 instance is not offered
    assert on_v2.id not in plans
    assert plans[at_first.id].movable and plans[at_first.id].from_version == 1
    assert any("初审提醒" in change for change in plans[at_first.id].changes)
    assert not plans[at_second.id].movable
    assert plans[at_second.id].reasons == ["当前环节“复审”在新版本中不存在（同一位置为“终审”）"]
    db.session.expire_all()
    assert {i: db.session.get(ProcessInstance, i).state_json for i in states} == states


def test_migrating_keeps_the_task_row_and_the_timer_and_arms_the_new_reminder(org):
    _deploy(1)
    instance = _start(org)
    row = open_task(instance.id)
    limit_due = _timers(instance.id)["limit"].due_dt
    clock.set_fixed(clock.now() + timedelta(minutes=40))  # a restarted 2-hour timer would now be due later
    v2 = _deploy(2)

    results = migration.migrate([instance.id], v2, org.users["admin"])
    db.session.commit()

    assert results == [(instance.id, True, results[0][2])] and "初审提醒" in results[0][2]
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance.id).definition_id == v2.id
    assert open_task(instance.id).id == row.id  # same inbox row: its claim and assignee stay
    armed_now = _timers(instance.id)
    assert armed_now["limit"].due_dt == limit_due
    assert armed_now["nudge"].due_dt == clock.now() + timedelta(minutes=30)
    event = db.session.query(InstanceEvent).filter_by(instance_id=instance.id, action="migrate").one()
    assert (event.data["from_version"], event.data["to_version"], event.actor.username) == (1, 2, "admin")

    act(org, "verifier_a", instance.id, {"decision": "ok"})
    assert open_task(instance.id).step_key == "third"  # the new version's path


def test_an_instance_that_cannot_move_is_refused_and_still_finishes_on_its_version(org):
    _deploy(1)
    instance = _start(org)
    act(org, "verifier_a", instance.id, {"decision": "ok"})
    v2 = _deploy(2)

    results = migration.migrate([instance.id], v2, org.users["admin"])
    db.session.commit()

    assert results == [(instance.id, False, "当前环节“复审”在新版本中不存在（同一位置为“终审”）")]
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance.id).definition.version == 1
    assert db.session.query(InstanceEvent).filter_by(instance_id=instance.id, action="migrate").count() == 0
    act(org, "verifier_a", instance.id, {"decision": "ok"})
    assert db.session.get(ProcessInstance, instance.id).status == "completed"


def test_a_migrated_instance_survives_a_restore_and_its_new_timer_fires(org):
    _deploy(1)
    instance = _start(org)
    v2 = _deploy(2)
    migration.migrate([instance.id], v2, org.users["admin"])
    db.session.commit()
    definitions._SPEC_CACHE.clear()  # as after a restart: parsed again from the stored version

    from tests.cases.helpers import travel

    travel(minutes=31)
    timer = db.session.query(Timer).filter_by(instance_id=instance.id, step_key="nudge").one()
    assert timer.state == "fired"
    assert open_task(instance.id).step_key == "first"  # a reminder does not interrupt


def test_a_case_waiting_at_its_handling_unit_gets_a_reminder_added_later(org):
    case = new_case(org)
    before = armed(case)
    task_row = open_task(case.instance_id)
    v2, _ = definitions.deploy("instruction_case", with_reminder(), comment="增加办理中期提醒")
    db.session.commit()

    plan = _plans(v2)[case.instance_id]
    assert plan.movable, plan.reasons
    results = migration.migrate([case.instance_id], v2, org.users["admin"])
    db.session.commit()

    assert results[0][1], results
    case = reload(case)
    timers = _timers(case.instance_id)
    assert timers["b_mid"].due_dt == clock.now() + timedelta(days=3)
    assert {k: v for k, v in armed(case).items() if k != "reminder"} == \
        {k: v for k, v in before.items() if k != "reminder"}
    assert timers["b_remind"].due_dt == before["reminder"]
    assert step(case) == "handle" and open_task(case.instance_id).id == task_row.id
    assert db.session.query(HumanTask).filter_by(instance_id=case.instance_id, state="open").count() == 1
