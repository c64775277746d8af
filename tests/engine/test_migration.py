"""Running instances on two versions: a dry run says who can move and what changes; moving keeps tasks and timers."""
from datetime import timedelta
from pathlib import Path

from tests.cases.helpers import armed, new_case, reload, step
from tests.designer.test_pages import with_reminder
from tests.helpers import act, open_task
from webapp.core import clock
from webapp.engine import definitions, migration
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


def _task_data(instance_id, row_id):
    from uuid import UUID

    from webapp.engine import store

    workflow = store.restore(db.session.get(ProcessInstance, instance_id))
    return workflow.get_task_from_id(UUID(db.session.get(HumanTask, row_id).task_uuid)).data


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
    definitions._parsed.cache_clear()  # as after a restart: parsed again from the stored version

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


def _variant(*edits):
    """Version 1 of the test diagram with (old, new) text edits: a version the test describes beside it."""
    xml = (BPMN_DIR / "migration_v1.bpmn").read_text()
    for old, new in edits:
        assert old in xml
        xml = xml.replace(old, new, 1)
    definition, _ = definitions.deploy("migration", xml)
    db.session.commit()
    return definition


REVIEW_REMINDER = (  # a reminder on 复审, which had no boundary event in version 1
    '<bpmn:boundaryEvent id="nudge2" name="复审提醒" attachedToRef="second" cancelActivity="false">'
    '<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="kind" value="reminder" />'
    "</spiffworkflow:properties></bpmn:extensionElements>"
    "<bpmn:timerEventDefinition><bpmn:timeDuration>'PT30M'</bpmn:timeDuration></bpmn:timerEventDefinition>"
    "</bpmn:boundaryEvent>"
)
CHECK_STEP = (  # 核对 between 复审 and the end
    '<bpmn:userTask id="check" name="核对"><bpmn:extensionElements><spiffworkflow:properties>'
    '<spiffworkflow:property name="form" value="test.decide" /></spiffworkflow:properties></bpmn:extensionElements>'
    "<bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f6</bpmn:outgoing></bpmn:userTask>"
    '<bpmn:sequenceFlow id="f6" sourceRef="check" targetRef="done" />'
)


def test_a_reminder_added_to_a_step_that_had_no_boundary_event_is_armed(org):
    _deploy(1)
    finishing, waiting = _start(org), _start(org)
    for instance in (finishing, waiting):
        act(org, "verifier_a", instance.id, {"decision": "ok"})
    rows = {i.id: open_task(i.id).id for i in (finishing, waiting)}
    v2 = _variant(('<bpmn:userTask id="second"', REVIEW_REMINDER + '<bpmn:userTask id="second"'))

    assert all(p.movable and "当前环节“复审”新增“复审提醒”，迁移后生效" in p.changes for p in migration.plan(v2))
    migration.migrate([finishing.id, waiting.id], v2, org.users["admin"])
    db.session.commit()

    definitions._parsed.cache_clear()  # restored from the stored state alone
    for instance in (finishing, waiting):
        assert _task_data(instance.id, rows[instance.id])["title"] == "迁移测试"  # the step keeps its data
        nudge = _timers(instance.id)["nudge2"]
        assert (nudge.due_dt, nudge.kind) == (clock.now() + timedelta(minutes=30), "reminder")
        assert open_task(instance.id).id == rows[instance.id]
    act(org, "verifier_a", finishing.id, {"decision": "ok"})  # done before the reminder: it is cancelled
    assert db.session.get(ProcessInstance, finishing.id).status == "completed"
    assert db.session.query(Timer).filter_by(instance_id=finishing.id, step_key="nudge2").one().state == "cancelled"

    from tests.cases.helpers import travel

    travel(minutes=31)
    assert db.session.query(Timer).filter_by(instance_id=waiting.id, step_key="nudge2").one().state == "fired"
    assert open_task(waiting.id).id == rows[waiting.id]  # a reminder does not take the task away
    act(org, "verifier_a", waiting.id, {"decision": "ok"})
    assert db.session.get(ProcessInstance, waiting.id).status == "completed"


def test_a_step_inserted_after_the_current_one_is_not_skipped(org):
    _deploy(1)
    instance = _start(org)
    act(org, "verifier_a", instance.id, {"decision": "ok"})
    v2 = _variant(('<bpmn:sequenceFlow id="f3" sourceRef="second" targetRef="done" />',
                   '<bpmn:sequenceFlow id="f3" sourceRef="second" targetRef="check" />' + CHECK_STEP),
                  ("<bpmn:endEvent id=\"done\"><bpmn:incoming>f3", "<bpmn:endEvent id=\"done\"><bpmn:incoming>f6"),
                  ("<bpmn:flowNodeRef>second</bpmn:flowNodeRef>",
                   "<bpmn:flowNodeRef>second</bpmn:flowNodeRef><bpmn:flowNodeRef>check</bpmn:flowNodeRef>"))

    assert migration.migrate([instance.id], v2, org.users["admin"])[0][1]
    db.session.commit()
    act(org, "verifier_a", instance.id, {"decision": "ok"})

    assert open_task(instance.id).step_key == "check"  # the old prediction led straight to the end
    act(org, "verifier_a", instance.id, {"decision": "ok"})
    assert db.session.get(ProcessInstance, instance.id).status == "completed"


def test_a_renamed_timer_keeps_its_due_time_and_a_retimed_one_counts_anew(org):
    _deploy(1)
    renamed = _start(org)
    due = _timers(renamed.id)["limit"].due_dt
    clock.set_fixed(clock.now() + timedelta(minutes=40))
    v2 = _variant(('name="初审时限"', 'name="初审期限"'))

    assert migration.migrate([renamed.id], v2, org.users["admin"]) == [
        (renamed.id, True, "“初审时限”的名称有变化，到期时间不变")]
    db.session.commit()
    assert (_timers(renamed.id)["limit"].due_dt, _timers(renamed.id)["limit"].step_label) == (due, "初审期限")

    v3 = _variant(('name="初审时限"', 'name="初审期限"'), ("'PT2H'", "'PT3H'"))
    assert migration.migrate([renamed.id], v3, org.users["admin"]) == [
        (renamed.id, True, "“初审期限”的时间设置有变化，按新设置重新计时")]
    db.session.commit()
    assert _timers(renamed.id)["limit"].due_dt == clock.now() + timedelta(hours=3)


def test_a_saved_draft_survives_the_move(org):
    from webapp.engine import runner

    _deploy(1)
    instance = _start(org)
    row = open_task(instance.id)
    runner.save_draft(row.id, org.users["verifier_a"], {"decision": "ok"})
    db.session.commit()
    v2 = _deploy(2)

    migration.migrate([instance.id], v2, org.users["admin"])
    db.session.commit()

    assert _task_data(instance.id, row.id)["decision"] == "ok"


def test_an_instance_stopped_by_an_incident_is_not_offered(org):
    _deploy(1)
    instance = _start(org)
    db.session.get(ProcessInstance, instance.id).status = "incident"
    db.session.commit()
    v2 = _deploy(2)

    assert migration.plan(v2) == []
    assert not migration.migrate([instance.id], v2, org.users["admin"])[0][1]


def test_a_case_handled_in_its_sub_process_gets_a_reminder_there_and_still_closes(org):
    from tests.cases.helpers import CLOSE

    case = new_case(org)
    row = open_task(case.instance_id)
    xml = Path("processes/instruction_case.bpmn").read_text(encoding="utf-8")
    anchor = '<bpmn:userTask id="handle"'
    reminder = ('<bpmn:boundaryEvent id="h_nudge" name="办理提醒" attachedToRef="handle" cancelActivity="false">'
                "<bpmn:timerEventDefinition><bpmn:timeDuration>'P1D'</bpmn:timeDuration></bpmn:timerEventDefinition>"
                "</bpmn:boundaryEvent>")
    v2, _ = definitions.deploy("instruction_case", xml.replace(anchor, reminder + anchor, 1))
    db.session.commit()

    plan = _plans(v2)[case.instance_id]
    assert plan.movable and plan.changes == ["当前环节“办理”新增“办理提醒”，迁移后生效"]
    assert migration.migrate([case.instance_id], v2, org.users["admin"])[0][1]
    db.session.commit()

    assert _timers(case.instance_id)["h_nudge"].due_dt == clock.now() + timedelta(days=1)
    assert open_task(case.instance_id).id == row.id
    act(org, "handler_a", case.instance_id, CLOSE)
    act(org, "principal_a", case.instance_id, {"decision": "sign"})
    act(org, "dc", case.instance_id, {"decision": "accept"})
    assert db.session.get(ProcessInstance, case.instance_id).status == "completed"


def test_a_case_whose_current_step_is_gone_in_the_sub_process_stays(org):
    import re

    case = new_case(org)
    xml = Path("processes/instruction_case.bpmn").read_text(encoding="utf-8")
    v2, _ = definitions.deploy("instruction_case", re.sub(r'(["> ])handle(["<])', r"\1handle_unit\2", xml))
    db.session.commit()

    plan = _plans(v2)[case.instance_id]
    assert not plan.movable and "当前环节“办理”在新版本中不存在" in plan.reasons[0]
