"""Secrecy and urgency are the host's: no verb, reset or return target rolls them back; nobody marks above clearance."""
import pytest

from tests.cases.helpers import PROGRESS, new_case, reload
from tests.helpers import act, completed_row, new_item, open_task
from tests.web_helpers import login, once
from webapp.cases.models import InstructionCase
from webapp.core.errors import FormInvalid, NotAllowed
from webapp.engine import store, verbs
from webapp.engine.models import HumanTask, InstanceEvent, ProcessInstance
from webapp.extensions import db
from webapp.inbox.operations import copy_to
from webapp.reports.models import InfoItem

SECRET_TITLE = "内部标题-青山县某矿区安全隐患"


def _markings(instance_id):
    """What every place that decides access reads: the instance, the domain row, every task row, the ready data."""
    db.session.expire_all()
    instance = db.session.get(ProcessInstance, instance_id)
    rows = {(r.secrecy, r.urgency) for r in db.session.query(HumanTask).filter_by(instance_id=instance_id)}
    workflow = store.restore(instance)
    ready = {(t.data.get("secrecy"), t.data.get("urgency")) for t in workflow.get_tasks(state=16)}
    db.session.rollback()
    return (instance.secrecy, instance.urgency), rows, ready


def _item_markings(item):
    db.session.expire_all()
    row = db.session.get(InfoItem, item.id)
    return row.secrecy, row.urgency


def _assert_kept(instance_id, secrecy, urgency):
    on_instance, rows, ready = _markings(instance_id)
    assert on_instance == (secrecy, urgency)
    assert rows == {(secrecy, urgency)}, "every task row, open or finished, carries the current markings"
    assert ready <= {(secrecy, urgency)}, "the data of the next step carries them too"


def _return(org, instance_id, at_step, by, to_step):
    """退回 from the open step `at_step` to `to_step`, then check the step it landed on."""
    row = open_task(instance_id)
    assert row.step_key == at_step
    verbs.return_to(row.id, org.users[by], completed_row(instance_id, to_step).id, "请补充")
    db.session.commit()
    assert open_task(instance_id).step_key == to_step


def _internal_item(org):
    """An 内部, 紧急 item of county a, written by writer_a (cleared for 内部) and passed on to the leader."""
    item = new_item(org, title=SECRET_TITLE, secrecy="1", urgency="urgent")
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    return item


@pytest.mark.parametrize("target_step", ["compose", "verify"])
def test_a_return_to_any_earlier_step_keeps_secrecy_and_urgency(org, target_step):
    item = _internal_item(org)
    _return(org, item.instance_id, "sign", "leader_a", target_step)
    _assert_kept(item.instance_id, 1, "urgent")
    assert _item_markings(item) == (1, "urgent")


def test_a_return_from_the_upper_office_to_the_writer_keeps_them(org):
    item = _internal_item(org)
    act(org, "leader_a", item.instance_id, {"decision": "pass"})
    edit = open_task(item.instance_id)
    verbs.return_to(edit.id, org.users["editor"], completed_row(item.instance_id, "compose").id, "口径不一")
    db.session.commit()
    _assert_kept(item.instance_id, 1, "urgent")
    assert _item_markings(item) == (1, "urgent")


def test_a_withdraw_keeps_them(org):
    item = new_item(org, title=SECRET_TITLE, secrecy="1", urgency="very_urgent")
    compose = completed_row(item.instance_id, "compose")
    verbs.withdraw(compose.id, org.users["writer_a"])
    db.session.commit()
    assert open_task(item.instance_id).step_key == "compose"
    _assert_kept(item.instance_id, 1, "very_urgent")


def test_transfer_claim_and_copy_keep_them(org):
    org.user("verifier_a2", "county-a", ["verifier"])
    item = new_item(org, title=SECRET_TITLE, secrecy="1", urgency="urgent")
    row = open_task(item.instance_id)
    verbs.claim(row.id, org.users["verifier_a"])
    verbs.transfer(row.id, org.users["verifier_a"], org.users["verifier_a2"].id, "出差")
    copy_to(db.session.get(ProcessInstance, item.instance_id), org.users["writer_a"],
            user_ids=[org.users["leader_a"].id])
    db.session.commit()
    _assert_kept(item.instance_id, 1, "urgent")


def test_a_finished_step_of_an_internal_item_does_not_open_for_an_uncleared_colleague(client, org):
    item = new_item(org, title=SECRET_TITLE, secrecy="1")
    compose = completed_row(item.instance_id, "compose")
    login(client, "writer_a2")  # same unit and role, clearance 公开
    response = client.get(f"/tasks/{compose.id}")
    assert response.status_code == 404 and SECRET_TITLE not in response.get_data(as_text=True)


def test_after_a_return_to_the_first_step_an_uncleared_user_still_reads_nothing(client, org):
    item = _internal_item(org)
    sign = open_task(item.instance_id)
    verbs.return_to(sign.id, org.users["leader_a"], completed_row(item.instance_id, "compose").id, "请补充")
    db.session.commit()
    verify = db.session.query(HumanTask).filter_by(instance_id=item.instance_id, step_key="verify").one()
    login(client, "writer_a2")
    for path in (f"/items/{item.instance_id}", f"/tasks/{open_task(item.instance_id).id}", f"/tasks/{verify.id}"):
        response = client.get(path)
        assert response.status_code in (403, 404), path
        assert SECRET_TITLE not in response.get_data(as_text=True), path
    todo = client.get("/").get_data(as_text=True)
    assert SECRET_TITLE not in todo


def test_nobody_marks_above_their_own_clearance(org):
    from tests.helpers import COMPOSE
    from webapp.reports.operations import create_item

    item, _task = create_item(org.users["writer_a2"])  # clearance 公开
    db.session.commit()
    with pytest.raises(FormInvalid) as raised:
        act(org, "writer_a2", item.instance_id, {**COMPOSE, "secrecy": "1"})
    assert "不能标注高于本人密级" in raised.value.fields["secrecy"][0]
    db.session.rollback()
    assert open_task(item.instance_id).step_key == "compose"
    assert db.session.get(ProcessInstance, item.instance_id).secrecy == 0


def test_the_task_form_refuses_a_level_above_clearance_in_chinese(client, org):
    from tests.helpers import COMPOSE
    from webapp.reports.operations import create_item

    item, _task = create_item(org.users["writer_a2"])
    db.session.commit()
    token = login(client, "writer_a2")
    row = open_task(item.instance_id)
    response = client.post(f"/api/tasks/{row.id}/complete", json={**COMPOSE, "secrecy": 1},
                           headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert response.status_code == 422
    assert "不能标注高于本人密级" in response.get_json()["fields"]["secrecy"][0]
    assert open_task(item.instance_id).step_key == "compose"


def test_starting_above_clearance_is_refused(org):
    from webapp.engine import runner

    with pytest.raises(NotAllowed, match="高于本人密级"):
        runner.start("info_report", org.users["writer_a2"], {"unit_id": org.units["county-a"].id,
                                                             "author_id": org.users["writer_a2"].id, "secrecy": 2})


def test_raising_secrecy_reaches_every_row_and_is_in_the_history(org):
    item = new_item(org, title=SECRET_TITLE)  # 公开
    compose = completed_row(item.instance_id, "compose")
    verbs.withdraw(compose.id, org.users["writer_a"])
    db.session.commit()
    from tests.helpers import COMPOSE

    act(org, "writer_a", item.instance_id, {**COMPOSE, "title": SECRET_TITLE, "secrecy": "1"})
    _assert_kept(item.instance_id, 1, "normal")
    event = (db.session.query(InstanceEvent).filter_by(instance_id=item.instance_id, action="marking")
             .order_by(InstanceEvent.id.desc()).first())
    assert event.data == {"secrecy": {"from": 0, "to": 1}}


@pytest.mark.parametrize("target_step", ["register", "assign", "handle"])
def test_a_secret_case_returned_to_any_earlier_step_stays_secret(org, target_step):
    case = new_case(org, secrecy="2", urgency="urgent")
    act(org, "handler_a", case.instance_id, PROGRESS)
    act(org, "handler_a", case.instance_id, {"decision": "close", "report": "已整改完毕，成效明显。" * 5,
                                             "doc_no": "青办字〔2026〕12号"})
    act(org, "principal_a", case.instance_id, {"decision": "sign"})
    _return(org, case.instance_id, "review", "dc", target_step)
    _assert_kept(case.instance_id, 2, "urgent")
    case = reload(case)
    assert (case.secrecy, case.urgency) == (2, "urgent")
    assert db.session.query(InstructionCase).filter(InstructionCase.secrecy == 0).count() == 0


def test_the_compose_form_offers_only_the_levels_the_writer_holds(client, org):
    token = login(client, "writer_a")  # cleared for 内部
    task_url = client.post("/reports/new", data={"csrf_token": token, **once()}).headers["Location"]
    html = client.get(task_url).get_data(as_text=True)
    options = html[html.index('id="secrecy"'):].split("</select>")[0]
    assert "公开" in options and "内部" in options and "秘密" not in options


def test_an_extension_asked_and_approved_keeps_a_secret_case_secret(org):
    case = new_case(org, secrecy="2", urgency="very_urgent")
    act(org, "handler_a", case.instance_id, {"decision": "extension", "extend_until": "2026-03-27",
                                             "extension_reason": "涉及多部门协调，需补充现场核查。"})
    act(org, "dc", case.instance_id, {"decision": "approve", "opinion": "同意"})
    assert open_task(case.instance_id).step_key == "handle"
    _assert_kept(case.instance_id, 2, "very_urgent")
    assert (reload(case).secrecy, reload(case).urgency) == (2, "very_urgent")


def test_migrating_to_a_new_version_keeps_them(org):
    from tests.designer.test_pages import with_reminder
    from webapp.engine import definitions, migration

    case = new_case(org, secrecy="2", urgency="urgent")
    v2, _ = definitions.deploy("instruction_case", with_reminder(), comment="增加办理中期提醒")
    db.session.commit()
    results = migration.migrate([case.instance_id], v2, org.users["admin"])
    db.session.commit()
    assert results[0][1], results
    _assert_kept(case.instance_id, 2, "urgent")
