"""The key_task process walked at a July checkpoint: two units on time, one late, one returned; state round-trips."""
import json

import pytest

from tests.helpers import act, open_task
from tests.keytasks.helpers import (
    CONTRIBUTION,
    JULY,
    PROGRESS,
    contribute,
    ledger_with_tasks,
    local,
    more_units,
    report_of,
    start_july,
    travel_to,
)
from webapp.core.errors import FormInvalid, NotAllowed
from webapp.engine import runner, serializer, store
from webapp.engine.models import ProcessInstance, Timer
from webapp.extensions import db
from webapp.keytasks import operations, queries
from webapp.keytasks.models import KeyTask
from webapp.notices.models import Notice


@pytest.fixture
def july(org):
    more_units(org)
    ledger, tasks = ledger_with_tasks(org)
    travel_to(local("2026-07-01 09:00:00"))
    assert start_july(org, ledger) == 4
    return org, ledger, tasks


def _report_sign_accept(org, n, task, decision="accept"):
    report = report_of(task)
    if n == "a":
        contribute(org, report, "handler_b")  # county-b cooperates on task 1
    act(org, f"handler_{n}", report.instance_id, PROGRESS)
    act(org, f"leader_{n}", report.instance_id, {"decision": "sign"})
    act(org, "dc", report.instance_id, {"decision": decision, "opinion": "同意。"})


def test_july_checkpoint_two_on_time_one_late_one_returned(july):
    org, ledger, (t_a, t_b, t_c, t_d) = july
    row = open_task(report_of(t_b).instance_id)
    assert (row.step_key, row.role, row.unit_id) == ("report", "handler", org.units["county-b"].id)
    assert {t.kind for t in db.session.query(Timer).filter_by(instance_id=row.instance_id, state="armed")} == {
        "reminder", "deadline"}

    _report_sign_accept(org, "a", t_a)
    _report_sign_accept(org, "b", t_b, decision="complete")
    report_d = report_of(t_d)
    act(org, "handler_d", report_d.instance_id, PROGRESS)
    act(org, "leader_d", report_d.instance_id, {"decision": "sign"})
    act(org, "dc", report_d.instance_id, {"decision": "return", "return_reasons": ["no_measures"],
                                          "opinion": "请补充下一步措施。"})
    assert open_task(report_d.instance_id).step_key == "report"

    travel_to(local("2026-07-07 09:00:00"))
    assert report_of(t_c).reminded_dt is None
    travel_to(local("2026-07-08 09:00:00"))  # three working days before Friday 10 July (end of Tuesday 7 July)
    assert report_of(t_c).reminded_dt is not None and report_of(t_a).reminded_dt is None
    # county-c has not reported; county-d must report again after its return: both reminded
    assert db.session.query(Notice).filter(Notice.title.contains("截止报送")).count() == 2

    travel_to(local("2026-07-11 09:00:00"))  # past the checkpoint: county-c never reported
    a, b, c, d = (report_of(t) for t in (t_a, t_b, t_c, t_d))
    assert (a.stage, a.on_time, a.overdue_dt) == ("accepted", True, None)
    assert (b.stage, b.on_time) == ("accepted", True) and db.session.get(KeyTask, t_b.id).done_dt is not None
    assert c.stage == "reporting" and c.reported_dt is None and c.overdue_dt is not None
    assert (d.stage, d.return_count, d.on_time, d.overdue_dt) == ("reporting", 1, True, None)
    assert db.session.query(Notice).filter(Notice.title.contains("尚未报送")).count() == 3  # 督查室, leader, handler

    act(org, "handler_c", c.instance_id, PROGRESS)
    assert report_of(t_c).on_time is False and report_of(t_c).overdue_dt is not None

    groups, counts = queries.ledger_view(org.users["dc"], ledger)
    lights = {task.number: light for _area, rows in groups for task, light, _m, _r in rows}
    # 2026-06-30 passed undone for every task: red, except the task accepted as completed.
    assert lights == {"1": "red", "2": "done", "3": "red", "4": "red"}
    assert counts == {"red": 3, "yellow": 0, "green": 0, "done": 1}


def test_lights_green_yellow_red_from_milestones_and_reports(july):
    org, ledger, (t_a, *_rest) = july
    for milestone in queries.milestones_of([t_a.id])[t_a.id][:1]:
        milestone.done_dt = local("2026-06-29 10:00:00")
    db.session.commit()
    light = lambda: dict((t.number, colour) for _a, rows in queries.ledger_view(org.users["dc"], ledger)[0]  # noqa: E731
                         for t, colour, _m, _r in rows)["1"]
    assert light() == "green"
    travel_to(local("2026-07-08 09:00:00"))  # report reminded, not sent
    assert light() == "yellow"
    travel_to(local("2026-07-11 09:00:00"))
    assert light() == "red"


def test_only_the_right_people_act_and_forms_are_checked(july):
    org, _ledger, (t_a, *_rest) = july
    report = report_of(t_a)
    contribute(org, report, "handler_b")
    row = open_task(report.instance_id)
    with pytest.raises(NotAllowed):
        runner.complete(row.id, org.users["handler_b"], PROGRESS)
    db.session.rollback()
    with pytest.raises(FormInvalid):
        runner.complete(row.id, org.users["handler_a"], {"progress": "太短"})
    db.session.rollback()
    act(org, "handler_a", report.instance_id, PROGRESS)
    act(org, "leader_a", report.instance_id, {"decision": "return", "opinion": "请写明数据来源。"})
    assert open_task(report.instance_id).step_key == "report"
    act(org, "handler_a", report.instance_id, PROGRESS)
    act(org, "leader_a", report.instance_id, {"decision": "sign"})
    row = open_task(report.instance_id)
    with pytest.raises(FormInvalid):
        runner.complete(row.id, org.users["dc"], {"decision": "return", "opinion": "不行"})  # no reasons
    db.session.rollback()


def test_starting_a_round_twice_starts_nothing_new(july):
    org, ledger, tasks = july
    assert start_july(org, ledger) == 0
    instances = db.session.query(ProcessInstance).count()
    assert instances == 4
    with pytest.raises(FormInvalid):
        operations.start_round(ledger, JULY.replace(day=11), org.users["dc"], tasks)
    db.session.rollback()
    with pytest.raises(NotAllowed):
        operations.start_round(ledger, JULY, org.users["handler_a"], tasks)


def test_state_round_trips_at_every_step(july):
    org, _ledger, (t_a, *_rest) = july
    report = report_of(t_a)
    steps = (("handler_b", CONTRIBUTION), ("handler_a", PROGRESS), ("leader_a", {"decision": "sign"}), (None, None))
    for username, form in steps:
        instance = db.session.get(ProcessInstance, report.instance_id)
        assert "spec" not in json.loads(instance.state_json)
        workflow = store.restore(instance)
        again = serializer.dumps(serializer.loads(serializer.dumps(workflow), workflow.spec, workflow.subprocess_specs))
        assert json.loads(again) == json.loads(serializer.dumps(workflow))
        if username:
            act(org, username, report.instance_id, form)
    assert open_task(report.instance_id).step_key == "review"
