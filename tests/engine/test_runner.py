"""Engine edge cases: timers racing submits, incidents, runaway loops, versions, restarts."""
from datetime import timedelta

import pytest

import handlers
from tests.helpers import open_task
from webapp.core import clock
from webapp.core.errors import NotFound, TaskConflict
from webapp.engine import definitions, runner, timers
from webapp.engine.models import HumanTask, Incident, InstanceEvent, ProcessInstance, Timer
from webapp.extensions import db

from .conftest import BPMN_DIR


def _start(org, key, user="verifier_a"):
    instance = runner.start(key, org.users[user], {"unit_id": org.users[user].unit_id, "title": key})
    db.session.commit()
    return instance


def test_an_armed_timer_is_a_row_with_its_due_time(org, deploy):
    deploy("timed_approval")
    instance = _start(org, "timed_approval")
    timer = db.session.query(Timer).filter_by(instance_id=instance.id).one()
    assert (timer.state, timer.step_key, timer.due_dt) == ("armed", "timeout", clock.now() + timedelta(hours=1))


def test_a_timer_that_came_due_wins_over_a_late_submit(org, deploy):
    deploy("timed_approval")
    instance = _start(org, "timed_approval")
    row = open_task(instance.id)
    clock.advance(timedelta(hours=1, seconds=1))
    with pytest.raises(TaskConflict) as caught:
        runner.complete(row.id, org.users["verifier_a"], {"decision": "ok"})
    assert caught.value.keep_changes  # the timer's firing is kept even though the submit is refused
    db.session.commit()
    assert db.session.get(HumanTask, row.id).state == "cancelled"
    assert db.session.query(Timer).filter_by(instance_id=instance.id).one().state == "fired"
    assert db.session.query(InstanceEvent).filter_by(instance_id=instance.id, action="timer").count() == 1
    assert db.session.get(ProcessInstance, instance.id).status == "completed"


def test_a_submit_before_the_deadline_cancels_the_timer(org, deploy):
    deploy("timed_approval")
    instance = _start(org, "timed_approval")
    clock.advance(timedelta(minutes=59))
    runner.complete(open_task(instance.id).id, org.users["verifier_a"], {"decision": "ok"})
    db.session.commit()
    assert db.session.query(Timer).filter_by(instance_id=instance.id).one().state == "cancelled"
    clock.advance(timedelta(hours=2))
    assert timers.fire_due() == 0


def test_timers_due_while_everything_was_stopped_fire_on_the_next_sweep(org, deploy):
    deploy("timed_approval")
    instances = [_start(org, "timed_approval") for _ in range(3)]
    clock.advance(timedelta(days=3))  # "the server was down for three days"
    assert timers.fire_due() == 3
    for instance in instances:
        db.session.expire_all()
        assert db.session.get(ProcessInstance, instance.id).status == "completed"
        assert db.session.query(InstanceEvent).filter_by(instance_id=instance.id, action="timer").count() == 1
    assert timers.fire_due() == 0  # fired once, never twice


def test_a_failing_handler_becomes_an_incident_and_retry_resumes(org, deploy, monkeypatch):
    deploy("flaky_service")
    calls = []

    def flaky(ctx, n):
        calls.append(n)
        if len(calls) == 1:
            raise RuntimeError("上游系统无响应")
        return {"answer": n + 1}

    monkeypatch.setitem(handlers.REGISTRY, "test.flaky", flaky)
    instance = _start(org, "flaky_service")
    result = runner.complete(open_task(instance.id).id, org.users["verifier_a"], {"decision": "ok"})
    db.session.commit()
    assert result.status == "incident" and "上游系统无响应" in result.last_incident
    incident = db.session.query(Incident).filter_by(instance_id=instance.id).one()
    assert incident.step_key == "call" and "NameError" not in incident.message

    resumed = runner.retry(instance.id, org.users["admin"])
    db.session.commit()
    assert resumed.status == "completed" and calls == [41, 41]
    assert db.session.get(Incident, incident.id).resolved_dt is not None


def test_an_unknown_handler_is_an_incident_not_a_crash(org, deploy):
    deploy("flaky_service")
    instance = _start(org, "flaky_service")
    result = runner.complete(open_task(instance.id).id, org.users["verifier_a"], {"decision": "ok"})
    assert result.status == "incident" and "test.flaky" in result.last_incident


def test_a_runaway_loop_is_stopped_and_recorded(org, deploy):
    deploy("endless_loop")
    instance = _start(org, "endless_loop")
    assert instance.status == "incident"
    assert "死循环" in db.session.query(Incident).filter_by(instance_id=instance.id).one().message


def test_running_instances_keep_their_version(org, deploy):
    old = deploy("timed_approval")
    instance = _start(org, "timed_approval")
    xml = old.bpmn_xml.replace("'PT1H'", "'PT2H'")
    new, created = definitions.deploy("timed_approval", xml, comment="延长时限")
    db.session.commit()
    assert created and new.version == old.version + 1
    assert definitions.deploy("timed_approval", xml)[1] is False  # same text: no new version
    newer = _start(org, "timed_approval")
    assert db.session.get(ProcessInstance, instance.id).definition_id == old.id
    assert newer.definition_id == new.id
    due = {t.instance_id: t.due_dt for t in db.session.query(Timer)}
    assert due[newer.id] - due[instance.id] == timedelta(hours=1)


@pytest.mark.parametrize("xml, message", [
    ("<bpmn:definitions", "XML 格式错误"),
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "DOCTYPE"),
    ('<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p" isExecutable="true">'
     '<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="missing"/></process></definitions>', "BPMN"),
])
def test_malformed_bpmn_is_refused_with_a_reason(xml, message):
    with pytest.raises(definitions.DefinitionError) as caught:
        definitions.deploy("p", xml)
    assert message in str(caught.value)


def test_starting_an_undeployed_process_is_not_found(org):
    with pytest.raises(NotFound):
        runner.start("no_such_process", org.users["writer_a"], {})


def test_every_service_task_operator_in_processes_has_a_handler():
    import re
    from pathlib import Path

    operators = set()
    for path in Path("processes").glob("*.bpmn"):
        operators |= set(re.findall(r'serviceTaskOperator id="([^"]+)"', path.read_text()))
    assert operators, "expected service tasks in processes/"
    assert operators <= set(handlers.REGISTRY), operators - set(handlers.REGISTRY)


def test_a_stuck_instance_does_not_stall_the_sweep(org, deploy, monkeypatch):
    deploy("timed_approval")
    stuck = _start(org, "timed_approval")
    clock.advance(timedelta(minutes=1))
    healthy = _start(org, "timed_approval")
    db.session.get(ProcessInstance, stuck.id).status = "incident"  # its timer is the oldest due one
    db.session.commit()
    clock.advance(timedelta(hours=2))
    assert timers.fire_due() == 1
    db.session.expire_all()
    assert db.session.get(ProcessInstance, healthy.id).status == "completed"
    assert db.session.query(Timer).filter_by(instance_id=stuck.id).one().state == "armed"


def test_a_call_activity_calling_its_own_process_is_stopped_as_an_incident(org, deploy):
    """Validation refuses this diagram; deployed past it, the step limit still stops the endless descent."""
    from webapp.designer.validation import validate

    xml = (BPMN_DIR / "recursive_call.bpmn").read_text()
    assert ("again", "recursion") in {(p.element_id, p.rule) for p in validate(xml).errors}
    deploy("recursive_call")
    instance = _start(org, "recursive_call")
    assert instance.status == "incident"
    assert "单次推进超过" in db.session.query(Incident).filter_by(instance_id=instance.id).one().message
