"""The information-report process, walked through every path as its roles would."""
import pytest

from tests.helpers import COMPOSE, act, new_item, open_task
from webapp.core.errors import FormInvalid, NotAllowed, TaskConflict
from webapp.engine import runner, serializer, store
from webapp.engine.models import HumanTask, InstanceEvent, ProcessInstance
from webapp.extensions import db
from webapp.reports.models import InfoItem
from webapp.reports.operations import create_item


def _item(item_id):
    return db.session.get(InfoItem, item_id)


def test_full_path_with_a_return_ends_adopted_with_feedback(org):
    item = new_item(org)
    assert open_task(item.instance_id).step_key == "verify"
    act(org, "verifier_a", item.instance_id, {"decision": "return", "opinion": "请核实数据来源"})
    row = open_task(item.instance_id)
    assert (row.step_key, row.assignee_id) == ("compose", org.users["writer_a"].id)
    assert _item(item.id).status == "returned"

    act(org, "writer_a", item.instance_id, {**COMPOSE, "body": COMPOSE["body"] + "数据来源：县统计局。"})
    act(org, "verifier_a", item.instance_id, {"decision": "pass", "opinion": "属实"})
    assert open_task(item.instance_id).step_key == "sign"
    act(org, "leader_a", item.instance_id, {"decision": "pass"})

    row = open_task(item.instance_id)
    assert (row.step_key, row.unit_id) == ("edit", org.units["city-info"].id)  # upward to the parent's info office
    current = _item(item.id)
    assert current.status == "editing" and current.receipt_no.startswith("LG20260302-")  # 来稿回音
    act(org, "editor", item.instance_id, {"decision": "adopt", "publication": "汇要", "opinion": "予以采用"})

    current = _item(item.id)
    assert (current.status, current.outcome, current.publication, current.editor_remark) == (
        "adopted", "adopt", "汇要", "予以采用")
    assert db.session.get(ProcessInstance, item.instance_id).status == "completed"
    steps = [(e.action, e.step_key) for e in db.session.query(InstanceEvent).filter_by(
        instance_id=item.instance_id).order_by(InstanceEvent.id)]
    assert steps == [("start", None), ("complete", "compose"), ("complete", "verify"), ("complete", "compose"),
                     ("complete", "verify"), ("complete", "sign"), ("complete", "edit"), ("end", None)]
    assert db.session.query(HumanTask).filter_by(instance_id=item.instance_id, state="open").count() == 0


def test_important_item_needs_the_principal_leader(org):
    item = new_item(org, importance="important")
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    act(org, "leader_a", item.instance_id, {"decision": "pass"})
    assert open_task(item.instance_id).step_key == "principal_sign"
    with pytest.raises(NotAllowed):
        runner.complete(open_task(item.instance_id).id, org.users["leader_a"], {"decision": "pass"})
    db.session.rollback()
    act(org, "principal_a", item.instance_id, {"decision": "pass"})
    assert open_task(item.instance_id).step_key == "edit"


@pytest.mark.parametrize("decision, status", [("reject", "rejected"), ("return", "returned")])
def test_editor_rejects_or_returns(org, decision, status):
    item = new_item(org)
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    act(org, "leader_a", item.instance_id, {"decision": "pass"})
    act(org, "editor", item.instance_id, {"decision": decision, "opinion": "请补充具体成效"})
    current = _item(item.id)
    assert (current.status, current.outcome, current.editor_remark) == (status, decision, "请补充具体成效")
    if decision == "return":
        assert open_task(item.instance_id).assignee_id == org.users["writer_a"].id


def test_a_task_completed_twice_is_a_conflict(org):
    item = new_item(org)
    row = open_task(item.instance_id)
    runner.complete(row.id, org.users["verifier_a"], {"decision": "pass"})
    db.session.commit()
    with pytest.raises(TaskConflict):
        runner.complete(row.id, org.users["verifier_a"], {"decision": "pass"})


@pytest.mark.parametrize("username", ["verifier_b", "leader_a", "writer_a"])
def test_only_the_right_role_in_the_right_unit_may_act(org, username):
    item = new_item(org)
    with pytest.raises(NotAllowed):
        runner.complete(open_task(item.instance_id).id, org.users[username], {"decision": "pass"})


def test_another_writer_cannot_take_over_a_compose_task(org):
    item, task = create_item(org.users["writer_a"])
    db.session.commit()
    with pytest.raises(NotAllowed):
        runner.complete(task.id, org.users["writer_a2"], COMPOSE)


def test_an_invalid_form_names_its_fields_and_changes_nothing(org):
    item, task = create_item(org.users["writer_a"])
    db.session.commit()
    before = db.session.get(ProcessInstance, item.instance_id).lock_version
    with pytest.raises(FormInvalid) as caught:
        runner.complete(task.id, org.users["writer_a"], {"title": "x", "urgency": "whenever"})
    db.session.rollback()
    assert {"title", "body", "category", "urgency", "importance", "secrecy"} <= set(caught.value.fields)
    assert db.session.get(ProcessInstance, item.instance_id).lock_version == before
    assert open_task(item.instance_id).id == task.id


def test_returning_without_an_opinion_is_refused(org):
    item = new_item(org)
    with pytest.raises(FormInvalid) as caught:
        runner.complete(open_task(item.instance_id).id, org.users["verifier_a"], {"decision": "return"})
    assert "opinion" in caught.value.fields


def test_a_draft_keeps_its_fields_and_stays_with_the_writer(org):
    item, task = create_item(org.users["writer_a"])
    runner.save_draft(task.id, org.users["writer_a"], {"title": "草稿标题"})
    db.session.commit()
    assert (_item(item.id).title, _item(item.id).status) == ("草稿标题", "draft")
    assert open_task(item.instance_id).id == task.id


def test_saved_state_restores_equal_at_every_step(org):
    """SpiffWorkflow's habit: every workflow saved and restored mid-run comes back equal."""
    item = new_item(org, importance="important")
    for username, form in [("verifier_a", {"decision": "pass"}), ("leader_a", {"decision": "pass"}),
                           ("principal_a", {"decision": "pass"}), ("editor", {"decision": "reject"})]:
        instance = db.session.get(ProcessInstance, item.instance_id)
        workflow = store.restore(instance)
        assert serializer.dumps(workflow) == instance.state_json
        assert '"spec"' not in instance.state_json  # the definition is referenced, never embedded
        act(org, username, item.instance_id, form)
    assert store.restore(db.session.get(ProcessInstance, item.instance_id)).is_completed()
