"""配合单位报送: each cooperating unit of a key task sends its part in its own inbox before the lead unit reports;
the lead unit's form shows every part; a review sent back goes to the lead unit only; parts are kept once."""
import json

import pytest

from tests.helpers import act, open_task
from tests.keytasks.helpers import (
    CONTRIBUTION,
    PROGRESS,
    contribute,
    contribution_rows,
    ledger_with_tasks,
    local,
    more_units,
    report_of,
    start_july,
    travel_to,
)
from tests.web_helpers import page_doc, signed_in, text_of
from webapp.core.errors import FormInvalid, NotAllowed, TaskConflict
from webapp.engine import runner, serializer, store, verbs
from webapp.engine.models import HumanTask, ProcessInstance
from webapp.extensions import db
from webapp.keytasks import operations
from webapp.keytasks.models import KeyTaskContribution
from webapp.keytasks.process import CONTRIBUTE_STEP
from webapp.notices.models import Notice


@pytest.fixture
def two_cooperating(org):
    """Task 1 led by county-a with county-c and county-d cooperating; task 2 led by county-b with nobody."""
    more_units(org)
    ledger = operations.create_ledger(org.users["dc"], {"year": 2026, "title": "市委重点工作任务",
                                                        "checkpoint_mode": "half_year"})
    tasks = [operations.add_task(ledger, {
        "area": "经济发展", "number": str(n), "title": f"重点任务{n}", "leader_name": "副市长 张某",
        "lead_unit_id": org.units[lead].id, "cooperating_unit_ids": [org.units[c].id for c in cooperating],
        "milestones": "2026-12-31 建成投用"}, org.users["dc"])
        for n, lead, cooperating in ((1, "county-a", ("county-c", "county-d")), (2, "county-b", ()))]
    db.session.commit()
    travel_to(local("2026-07-01 09:00:00"))
    assert start_july(org, ledger) == 2
    return org, tasks


def _round_trips(instance_id):
    workflow = store.restore(db.session.get(ProcessInstance, instance_id))
    again = serializer.dumps(serializer.loads(serializer.dumps(workflow), workflow.spec, workflow.subprocess_specs))
    assert json.loads(again) == json.loads(serializer.dumps(workflow))


def test_both_cooperating_units_contribute_and_the_lead_unit_sees_both(app, two_cooperating):
    org, (task, _alone) = two_cooperating
    report = report_of(task)
    rows = contribution_rows(report)
    assert sorted((r.role, r.unit_id) for r in rows) == sorted(
        ("handler", org.units[c].id) for c in ("county-c", "county-d"))
    assert report.stage == "contributing" and report.stage_label == "配合单位报送"
    assert all(r.due_dt == report.due_dt for r in rows)
    # each in its own unit's inbox: the lead unit and the other cooperating unit may not send it
    row_c = next(r for r in rows if r.unit_id == org.units["county-c"].id)
    for other in ("handler_a", "handler_d"):
        with pytest.raises(NotAllowed):
            runner.complete(row_c.id, org.users[other], CONTRIBUTION)
        db.session.rollback()
    with pytest.raises(FormInvalid):
        runner.complete(row_c.id, org.users["handler_c"], {"contribution_progress": "无"})
    db.session.rollback()

    contribute(org, report, "handler_c", contribution_progress="c县已完成配套道路施工招标。")
    _round_trips(report.instance_id)
    assert [r.unit_id for r in contribution_rows(report)] == [org.units["county-d"].id]
    assert not db.session.query(HumanTask).filter_by(instance_id=report.instance_id, step_key="report").first()
    contribute(org, report, "handler_d", contribution_progress="d县已完成供水管网接入方案。")

    row = open_task(report.instance_id)
    assert (row.step_key, row.unit_id) == ("report", org.units["county-a"].id)
    assert report_of(task).stage == "reporting"
    client, _token = signed_in(app, "handler_a")
    doc = page_doc(client.get(f"/tasks/{row.id}"))
    parts = {int(div.get("data-contribution-unit")): text_of(div)
             for div in doc.xpath("//form//div[@data-contribution-unit]")}
    assert set(parts) == {org.units["county-c"].id, org.units["county-d"].id}
    assert "配套道路" in parts[org.units["county-c"].id] and "供水管网" in parts[org.units["county-d"].id]

    # the 督查室 returns the report: it goes back to the lead unit, the cooperating units are not asked again
    act(org, "handler_a", report.instance_id, PROGRESS)
    act(org, "leader_a", report.instance_id, {"decision": "sign"})
    act(org, "dc", report.instance_id, {"decision": "return", "return_reasons": ["no_cooperation"],
                                        "opinion": "请说明配合单位情况。"})
    row = open_task(report.instance_id)
    assert (row.step_key, row.unit_id) == ("report", org.units["county-a"].id)
    assert not contribution_rows(report)
    assert len(contribution_rows(report, "completed")) == 2
    act(org, "handler_a", report.instance_id, PROGRESS)
    act(org, "leader_a", report.instance_id, {"decision": "sign"})
    act(org, "dc", report.instance_id, {"decision": "accept", "opinion": "同意。"})

    report = report_of(task)
    assert (report.stage, report.return_count) == ("accepted", 1)
    kept = db.session.query(KeyTaskContribution).filter_by(report_id=report.id).order_by(KeyTaskContribution.id).all()
    assert [(c.unit_id, c.contributed_by_id) for c in kept] == [
        (org.units["county-c"].id, org.users["handler_c"].id), (org.units["county-d"].id, org.users["handler_d"].id)]
    assert kept[0].problems == CONTRIBUTION["contribution_problems"]
    # the task's page shows each part once, under its checkpoint's report, to the cooperating units too
    for username in ("dc", "handler_c"):
        viewer, _token = signed_in(app, username)
        doc = page_doc(viewer.get(f"/keytasks/tasks/{task.id}"))
        assert len(doc.xpath("//table[@id='reports']//div[@data-contribution-unit]")) == 2


def test_a_task_without_cooperating_units_skips_the_step(two_cooperating):
    org, (_task, alone) = two_cooperating
    report = report_of(alone)
    row = open_task(report.instance_id)
    assert (row.step_key, row.unit_id) == ("report", org.units["county-b"].id)
    assert not db.session.query(HumanTask).filter_by(instance_id=report.instance_id, step_key=CONTRIBUTE_STEP).all()


def _notices(words):
    return db.session.query(Notice).filter(Notice.title.contains("重点任务1"), Notice.title.contains(words)).count()


def test_a_missing_contribution_counts_as_unsent_at_the_reminder_and_the_deadline(two_cooperating):
    org, (task, _alone) = two_cooperating
    report = report_of(task)
    contribute(org, report, "handler_c")
    travel_to(local("2026-07-08 09:00:00"))
    assert report_of(task).reminded_dt is not None
    assert _notices("截止报送") == 1
    travel_to(local("2026-07-11 09:00:00"))
    report = report_of(task)
    assert report.overdue_dt is not None and report.reported_dt is None and report.stage == "contributing"
    assert _notices("尚未报送") == 3  # the 督查室, the lead unit's leader and 承办人


def test_a_part_withdrawn_and_sent_again_is_kept_once_and_no_return_reopens_one_unit(two_cooperating):
    org, (task, _alone) = two_cooperating
    report = report_of(task)
    contribute(org, report, "handler_c")
    sent = contribution_rows(report, "completed")[0]
    assert verbs.withdrawable(sent, org.users["handler_c"]) is None  # county-d has not acted since
    verbs.withdraw(sent.id, org.users["handler_c"])
    db.session.commit()
    assert sorted(r.unit_id for r in contribution_rows(report)) == sorted(
        org.units[c].id for c in ("county-c", "county-d"))
    contribute(org, report, "handler_c", contribution_progress="c县更正：配套道路已开工建设。")
    contribute(org, report, "handler_d")
    kept = db.session.query(KeyTaskContribution).filter_by(report_id=report_of(task).id).all()
    assert sorted((c.unit_id, c.progress) for c in kept) == sorted(
        [(org.units["county-c"].id, "c县更正：配套道路已开工建设。"),
         (org.units["county-d"].id, CONTRIBUTION["contribution_progress"])])
    # the lead unit cannot send the report back to one cooperating unit's step (退回 offers none of them)
    row = open_task(report.instance_id)
    assert row.step_key == "report" and not verbs.return_targets(row)
    with pytest.raises(TaskConflict):
        verbs.return_to(row.id, org.users["handler_a"], contribution_rows(report, "completed")[0].id, "请补充。")
    db.session.rollback()


def test_a_cooperating_unit_without_a_handler_is_refused(org):
    from webapp.auth.models import Unit
    from webapp.keytasks import operations

    more_units(org)
    ledger, _tasks = ledger_with_tasks(org)
    empty = Unit(code="nobody", name="无人单位", kind="office", parent=org.units["city"])
    db.session.add(empty)
    db.session.commit()
    with pytest.raises(FormInvalid) as refused:
        operations.add_task(ledger, {"area": "经济发展", "number": "99", "title": "无人配合", "leader_name": "副市长",
                                     "lead_unit_id": org.units["county-a"].id, "cooperating_unit_ids": [empty.id],
                                     "targets": "目标", "milestones": ""}, org.users["dc"])
    assert refused.value.fields["cooperating_unit_ids"] == ["配合单位无人单位没有在岗的承办人，无法报送配合情况"]
