"""The instruction-case process walked through its paths: routing, sign-off by the right leader, review."""
import json

import pytest

from tests.cases.helpers import CLOSE, PROGRESS, REGISTER, local, new_case, reload, step
from tests.helpers import act, open_task
from webapp.cases.models import InstructionCase
from webapp.cases.operations import register_case
from webapp.core import clock
from webapp.core.errors import FormInvalid, NotAllowed
from webapp.engine import runner, serializer, store
from webapp.engine.models import HumanTask, ProcessInstance
from webapp.extensions import db
from webapp.notices.models import Notice


def test_provincial_case_returned_once_then_accepted_and_archived(org):
    case = new_case(org)
    row = open_task(case.instance_id)
    assert (row.step_key, row.role, row.unit_id) == ("handle", "handler", org.units["county-a"].id)
    assert case.stage == "handling" and case.deadline_known and case.alert == "green"

    act(org, "handler_a", case.instance_id, PROGRESS)
    act(org, "handler_a", case.instance_id, CLOSE)
    row = open_task(case.instance_id)
    assert (row.step_key, row.role) == ("principal_sign", "principal")  # provincial: the principal leader signs
    act(org, "principal_a", case.instance_id, {"decision": "sign", "opinion": "同意报结"})
    assert step(case) == "review" and reload(case).stage == "reviewing"

    act(org, "dc", case.instance_id, {"decision": "return", "return_reasons": ["no_remedy", "facts_unclear"],
                                      "opinion": "整改措施不具体，请补充长效机制。"})
    assert step(case) == "handle"
    act(org, "handler_a", case.instance_id, {**CLOSE, "report": CLOSE["report"] + "已建立长效监测机制，每月通报水质。"})
    act(org, "principal_a", case.instance_id, {"decision": "sign"})
    act(org, "dc", case.instance_id, {"decision": "accept", "opinion": "同意办结。"})

    case = reload(case)
    assert db.session.get(ProcessInstance, case.instance_id).status == "completed"
    assert (case.stage, case.alert, case.progress_count, case.return_count) == ("archived", "closed", 1, 1)
    assert case.closed_on_time and case.overdue_dt is None
    assert db.session.query(HumanTask).filter_by(instance_id=case.instance_id, state="open").count() == 0
    assert db.session.query(Notice).filter(Notice.title.contains("办结归档")).count() == 1


def test_city_case_is_signed_by_the_leader_in_charge(org):
    case = new_case(org, level="city", source_leader="市委书记 李某")
    act(org, "handler_a", case.instance_id, {**CLOSE, "doc_no": ""})  # no formal document needed below province
    row = open_task(case.instance_id)
    assert (row.step_key, row.role) == ("leader_sign", "leader")
    with pytest.raises(NotAllowed):
        runner.complete(row.id, org.users["principal_a"], {"decision": "sign"})
    db.session.rollback()
    act(org, "leader_a", case.instance_id, {"decision": "return", "opinion": "请补充整改时限。"})
    assert step(case) == "handle"


def test_provincial_closing_report_needs_a_formal_document_number(org):
    case = new_case(org)
    with pytest.raises(FormInvalid) as exc:
        act(org, "handler_a", case.instance_id, {**CLOSE, "doc_no": ""})
    assert "正式文件" in exc.value.fields["doc_no"][0]
    db.session.rollback()
    assert step(case) == "handle"


def test_only_the_lead_unit_handles_and_the_leader_cannot_sign_a_provincial_case(org):
    case = new_case(org)
    row = open_task(case.instance_id)
    for user in ("handler_b", "leader_a", "dc"):
        with pytest.raises(NotAllowed):
            runner.complete(row.id, org.users[user], PROGRESS)
        db.session.rollback()
    act(org, "handler_a", case.instance_id, CLOSE)
    row = open_task(case.instance_id)
    with pytest.raises(NotAllowed):
        runner.complete(row.id, org.users["leader_a"], {"decision": "sign"})


@pytest.mark.parametrize("form, field", [
    ({"decision": "return", "opinion": "不清楚"}, "return_reasons"),
    ({"decision": "return", "return_reasons": ["no_remedy"]}, "opinion"),
    ({"decision": "return", "return_reasons": ["made_up"], "opinion": "x"}, "return_reasons"),
    ({"decision": "maybe"}, "decision"),
])
def test_review_returns_need_reasons_and_an_opinion(org, form, field):
    case = new_case(org, level="city")
    act(org, "handler_a", case.instance_id, CLOSE)
    act(org, "leader_a", case.instance_id, {"decision": "sign"})
    with pytest.raises(FormInvalid) as exc:
        act(org, "dc", case.instance_id, form)
    assert field in exc.value.fields


def test_registration_is_validated_and_can_be_sent_back(org):
    case, _ = register_case(org.users["dc"])
    db.session.commit()
    with pytest.raises(FormInvalid) as exc:
        act(org, "dc", case.instance_id, {**REGISTER, "level": "", "lead_unit_id": "99999",
                                          "instruction_date": "2026-13-01"})
    assert {"level", "lead_unit_id", "instruction_date"} <= set(exc.value.fields)
    db.session.rollback()
    lead = str(org.units["county-a"].id)
    with pytest.raises(FormInvalid) as exc:
        act(org, "dc", case.instance_id, {**REGISTER, "lead_unit_id": lead, "assist_unit_ids": [lead]})
    assert "多头办理" in exc.value.fields["assist_unit_ids"][0]
    db.session.rollback()

    act(org, "dc", case.instance_id, {**REGISTER, "lead_unit_id": lead,
                                      "assist_unit_ids": [str(org.units["county-b"].id)]})
    act(org, "dc", case.instance_id, {"decision": "return", "opinion": "批示日期有误"})
    assert step(case) == "register"
    assert reload(case).deadline_known is None  # nothing counted before 交办


def test_only_the_supervision_office_registers(org):
    with pytest.raises(NotAllowed):
        register_case(org.users["handler_a"])


def test_state_round_trips_and_holds_no_definition(org):
    case = new_case(org, urgency="urgent")
    act(org, "handler_a", case.instance_id, PROGRESS)
    instance = db.session.get(ProcessInstance, case.instance_id)
    workflow = store.restore(instance)
    again = serializer.dumps(serializer.loads(serializer.dumps(workflow), workflow.spec, workflow.subprocess_specs))
    assert json.loads(again) == json.loads(serializer.dumps(workflow))
    state = json.loads(instance.state_json)
    assert "spec" not in state and "subprocess_specs" not in state
    assert '"task_specs"' not in instance.state_json  # neither the case's nor the handling sub-process's


def test_the_case_row_follows_every_step(org):
    case = new_case(org, assist_unit_ids=[str(org.units["county-b"].id)])
    assert (case.case_no, case.level, case.lead_unit_id, case.assist_unit_ids) == (
        "DB2026-0001", "provincial", org.units["county-a"].id, [org.units["county-b"].id])
    assert case.requirements == "请按期报结。" and case.source_leader == REGISTER["source_leader"]
    second = new_case(org)
    assert second.case_no == "DB2026-0002"
    assert db.session.query(InstructionCase).count() == 2


def test_case_numbers_count_per_year_and_restart_in_a_new_year(org):
    first, _ = register_case(org.users["dc"])
    second, _ = register_case(org.users["dc"])
    clock.set_fixed(local("2027-01-04 09:00:00"))
    third, _ = register_case(org.users["dc"])
    assert [first.case_no, second.case_no, third.case_no] == ["DB2026-0001", "DB2026-0002", "DB2027-0001"]
