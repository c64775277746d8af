"""Claim, release, transfer, return to any earlier step and withdraw, on both real processes."""
from datetime import timedelta

import pytest

from tests.cases.helpers import CLOSE, PROGRESS, armed, new_case, reload, step, travel
from tests.helpers import act, completed_row, new_item, open_task
from webapp.core import clock
from webapp.core.errors import FormInvalid, NotAllowed, TaskConflict
from webapp.engine import runner, store, verbs
from webapp.engine.models import HumanTask, InstanceEvent
from webapp.extensions import db


def _restored_state(instance_id):
    """The workflow as a fresh process would load it: restore must give back what was saved."""
    db.session.expire_all()
    instance = store.lock_instance(instance_id)
    return store.restore(instance)


# --- claim / release / transfer ------------------------------------------------------------------------------------


def test_a_claimed_group_task_leaves_the_other_users_inbox(org):
    org.user("verifier_a2", "county-a", ["verifier"])
    item = new_item(org)
    row = open_task(item.instance_id)
    from webapp.inbox.queries import todo

    assert row in todo(org.users["verifier_a2"])
    verbs.claim(row.id, org.users["verifier_a"])
    db.session.commit()
    assert row not in todo(org.users["verifier_a2"])
    assert row in todo(org.users["verifier_a"])
    with pytest.raises(TaskConflict, match="已由用户verifier_a签收"):
        verbs.claim(row.id, org.users["verifier_a2"])
    db.session.rollback()
    with pytest.raises(TaskConflict, match="已由用户verifier_a签收"):
        act(org, "verifier_a2", item.instance_id, {"decision": "pass"})
    db.session.rollback()
    with pytest.raises(NotAllowed):
        act(org, "verifier_b", item.instance_id, {"decision": "pass"})
    db.session.rollback()

    verbs.release(row.id, org.users["verifier_a"])
    db.session.commit()
    assert row in todo(org.users["verifier_a2"])
    actions = [e.action for e in db.session.query(InstanceEvent).filter_by(instance_id=item.instance_id)
               .order_by(InstanceEvent.id)]
    assert actions[-2:] == ["claim", "release"]


def test_release_needs_a_claim_and_completing_claims(org):
    item = new_item(org)
    row = open_task(item.instance_id)
    with pytest.raises(TaskConflict, match="只有签收人"):
        verbs.release(row.id, org.users["verifier_a"])
    db.session.rollback()
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    assert db.session.get(HumanTask, row.id).assignee_id == org.users["verifier_a"].id


def test_transfer_goes_to_a_colleague_of_the_same_role_with_the_reason(org):
    org.user("verifier_a2", "county-a", ["verifier"])
    item = new_item(org)
    row = open_task(item.instance_id)
    with pytest.raises(NotAllowed, match="同一岗位"):
        verbs.transfer(row.id, org.users["verifier_a"], org.users["leader_a"].id, "出差")
    db.session.rollback()
    with pytest.raises(NotAllowed):
        verbs.transfer(row.id, org.users["verifier_a"], org.users["verifier_b"].id, "出差")
    db.session.rollback()
    with pytest.raises(FormInvalid) as refused:
        verbs.transfer(row.id, org.users["verifier_a"], org.users["verifier_a2"].id, "  ")
    assert (refused.value.status, refused.value.fields) == (422, {"reason": ["请填写转办理由。"]})
    db.session.rollback()

    verbs.transfer(row.id, org.users["verifier_a"], org.users["verifier_a2"].id, "本人出差，请代为审核")
    db.session.commit()
    row = db.session.get(HumanTask, row.id)
    assert (row.assignee_id, row.arrival, row.arrival_note) == (org.users["verifier_a2"].id, "transferred",
                                                                "本人出差，请代为审核")
    with pytest.raises(NotAllowed, match="已交由用户verifier_a2办理"):
        act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    db.session.rollback()
    act(org, "verifier_a2", item.instance_id, {"decision": "pass"})
    assert step_of(item) == "sign"


def step_of(item):
    return open_task(item.instance_id).step_key


# --- return to any earlier step ------------------------------------------------------------------------------------


def test_an_upper_editor_returns_an_item_to_its_writer_past_three_steps(org):
    item = new_item(org)
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    act(org, "leader_a", item.instance_id, {"decision": "pass"})
    edit = open_task(item.instance_id)
    assert edit.step_key == "edit"
    targets = [r.step_key for r in verbs.return_targets(edit)]
    assert targets == ["compose", "verify", "sign"]

    compose = completed_row(item.instance_id, "compose")
    verbs.return_to(edit.id, org.users["editor"], compose.id, "数据口径与统计局不一致，请核实后重报")
    db.session.commit()

    back = open_task(item.instance_id)
    assert back.step_key == "compose"
    assert back.assignee_id == org.users["writer_a"].id  # the step's performer gets it back
    assert (back.arrival, back.arrival_note) == ("returned", "数据口径与统计局不一致，请核实后重报")
    assert db.session.get(HumanTask, edit.id).outcome == "returned"
    item = db.session.get(type(item), item.id)
    assert (item.status, item.target_unit_id) == ("returned", None)  # no longer in the upper office's list
    workflow = _restored_state(item.instance_id)
    assert workflow.get_tasks(state=16)[0].data["title"] == "某县春耕进展"  # what was written stays
    db.session.rollback()

    # The item runs the whole way again; the earlier rows of verify and sign are no return targets any more.
    act(org, "writer_a", item.instance_id, {"title": "某县春耕进展（修订）", "body": "已核实。" * 10,
                                            "category": "经济运行", "urgency": "normal", "importance": "general",
                                            "secrecy": "0", "source_unit": "县农业农村局"})
    verify = open_task(item.instance_id)
    assert [r.step_key for r in verbs.return_targets(verify)] == ["compose"]
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    act(org, "leader_a", item.instance_id, {"decision": "pass"})
    act(org, "editor", item.instance_id, {"decision": "adopt", "publication": "汇要"})
    assert runner.db.session.get(type(item), item.id).instance.status == "completed"


def test_return_needs_a_reason_and_a_step_on_the_way(org):
    item = new_item(org)
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    sign = open_task(item.instance_id)
    compose = completed_row(item.instance_id, "compose")
    with pytest.raises(FormInvalid) as refused:
        verbs.return_to(sign.id, org.users["leader_a"], compose.id, "")
    assert (refused.value.status, refused.value.fields) == (422, {"reason": ["请填写退回理由。"]})
    db.session.rollback()
    other = new_item(org, title="另一条信息")
    with pytest.raises(TaskConflict, match="已办理过的环节"):
        verbs.return_to(sign.id, org.users["leader_a"], completed_row(other.instance_id, "compose").id, "x")
    db.session.rollback()
    with pytest.raises(NotAllowed):
        verbs.return_to(sign.id, org.users["verifier_a"], compose.id, "不是我的任务")
    db.session.rollback()
    assert open_task(item.instance_id).id == sign.id


def test_a_case_returned_from_review_to_handling_keeps_its_deadline_timers(org):
    case = new_case(org)
    before = armed(case)
    assert set(before) == {"reminder", "deadline"}
    act(org, "handler_a", case.instance_id, PROGRESS)
    act(org, "handler_a", case.instance_id, CLOSE)
    act(org, "principal_a", case.instance_id, {"decision": "sign"})
    review = open_task(case.instance_id)
    assert review.step_key == "review"
    assert [r.step_key for r in verbs.return_targets(review)] == ["register", "assign", "handle",
                                                                         "principal_sign"]
    travel(days=2)
    verbs.return_to(review.id, org.users["dc"], completed_row(case.instance_id, "handle").id,
                           "整改成效缺少数据支撑")
    db.session.commit()
    case = reload(case)
    assert step(case) == "handle"
    assert open_task(case.instance_id).assignee_id == org.users["handler_a"].id
    assert armed(case) == before  # same timers, same due times: the call activity was never left

    # The reminder still fires at its time and the case still closes normally.
    db.session.commit()
    act(org, "handler_a", case.instance_id, CLOSE)
    act(org, "principal_a", case.instance_id, {"decision": "sign"})
    act(org, "dc", case.instance_id, {"decision": "accept"})
    assert reload(case).stage == "archived"


def test_a_case_returned_to_assignment_is_reassigned_with_the_same_deadline(org):
    case = new_case(org)
    before = armed(case)
    travel(days=3)
    handle = open_task(case.instance_id)
    verbs.return_to(handle.id, org.users["handler_a"], completed_row(case.instance_id, "assign").id,
                           "该事项不属我县职责，请改交有关部门")
    db.session.commit()
    case = reload(case)
    assert step(case) == "assign"
    assert armed(case) == {}  # nobody is handling it: no reminders while it waits to be assigned
    act(org, "dc", case.instance_id, {"decision": "assign", "requirements": "请按期报结。"})
    case = reload(case)
    assert step(case) == "handle"
    assert armed(case) == before


def test_a_returned_case_whose_deadline_passed_meanwhile_is_still_overdue(org):
    case = new_case(org)
    act(org, "handler_a", case.instance_id, CLOSE)
    act(org, "principal_a", case.instance_id, {"decision": "sign"})
    travel(days=20)
    review = open_task(case.instance_id)
    verbs.return_to(review.id, org.users["dc"], completed_row(case.instance_id, "handle").id, "请补充")
    db.session.commit()
    assert reload(case).alert == "red"


# --- withdraw ------------------------------------------------------------------------------------------------------


def test_a_writer_withdraws_until_the_verifier_acts(org):
    item = new_item(org)
    compose = completed_row(item.instance_id, "compose")
    assert verbs.withdrawable(compose, org.users["writer_a"]) is None
    verbs.withdraw(compose.id, org.users["writer_a"])
    db.session.commit()
    back = open_task(item.instance_id)
    assert (back.step_key, back.assignee_id, back.arrival) == ("compose", org.users["writer_a"].id, "withdrawn")
    workflow = _restored_state(item.instance_id)
    assert workflow.get_tasks(state=16)[0].data["body"].startswith("全县已完成春播")
    db.session.rollback()

    act(org, "writer_a", item.instance_id, {"title": "某县春耕进展", "body": "全县已完成春播面积十二万亩。" * 2,
                                            "category": "经济运行", "urgency": "normal", "importance": "general",
                                            "secrecy": "0", "source_unit": "县农业农村局"})
    verify = open_task(item.instance_id)
    verbs.claim(verify.id, org.users["verifier_a"])
    db.session.commit()
    compose = completed_row(item.instance_id, "compose")
    assert "已由用户verifier_a签收" in verbs.withdrawable(compose, org.users["writer_a"])
    with pytest.raises(TaskConflict, match="无法撤回"):
        verbs.withdraw(compose.id, org.users["writer_a"])
    db.session.rollback()
    with pytest.raises(TaskConflict, match="本人提交"):
        verbs.withdraw(compose.id, org.users["verifier_a"])
    db.session.rollback()


def test_a_handler_withdraws_a_closing_report_before_the_leader_signs(org):
    case = new_case(org)
    before = armed(case)
    act(org, "handler_a", case.instance_id, CLOSE)
    close = completed_row(case.instance_id, "handle")
    verbs.withdraw(close.id, org.users["handler_a"])
    db.session.commit()
    case = reload(case)
    assert step(case) == "handle"
    assert armed(case) == before
    assert db.session.query(HumanTask).filter_by(instance_id=case.instance_id, step_key="principal_sign",
                                                 state="cancelled").count() == 1


def test_withdraw_is_refused_once_the_process_ended_or_a_timer_moved_it(org):
    item = new_item(org)
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    act(org, "leader_a", item.instance_id, {"decision": "pass"})
    act(org, "editor", item.instance_id, {"decision": "adopt", "publication": "汇要"})
    edit = completed_row(item.instance_id, "edit")
    assert "办结" in verbs.withdrawable(edit, org.users["editor"])


def test_withdraw_after_a_timer_fired_keeps_the_fired_timer(org):
    case = new_case(org, urgency="urgent")
    act(org, "handler_a", case.instance_id, PROGRESS)
    clock.set_fixed(clock.now() + timedelta(days=8))  # past the urgent first-feedback time
    act(org, "handler_a", case.instance_id, CLOSE)
    close = completed_row(case.instance_id, "handle")
    verbs.withdraw(close.id, org.users["handler_a"])
    db.session.commit()
    assert "feedback" not in armed(reload(case))
