"""A verb refused for a field it was given (转办/退回 without a reason, 抄送 to nobody) is a 422 marked on its form."""
from tests.helpers import act, completed_row, new_item, open_task
from tests.web_helpers import login, once, page_doc, text_of
from webapp.engine.models import HumanTask, InstanceEvent
from webapp.extensions import db
from webapp.inbox.models import InstanceCopy


def _events(instance_id, action):
    return db.session.query(InstanceEvent).filter_by(instance_id=instance_id, action=action).count()


def test_a_transfer_without_a_reason_is_shown_on_the_transfer_form(app, org):
    org.user("verifier_a2", "county-a", ["verifier"])
    db.session.commit()
    item = new_item(org)
    row = open_task(item.instance_id)
    client = app.test_client()
    token = login(client, "verifier_a")
    answer = client.post(f"/tasks/{row.id}/transfer", data={
        "csrf_token": token, "target_user_id": str(org.users["verifier_a2"].id), "reason": "   "})
    doc = page_doc(answer, 422)
    box = doc.get_element_by_id("transfer-box")
    assert box.get("open") is not None  # the form is open, its field marked
    assert "请填写转办理由。" in text_of(box)
    assert "请填写转办理由。" not in text_of(doc.get_element_by_id("task-form"))
    db.session.expire_all()
    assert db.session.get(HumanTask, row.id).assignee_id is None and _events(item.instance_id, "transfer") == 0

    json = client.post(f"/tasks/{row.id}/transfer", data={
        "csrf_token": token, "target_user_id": str(org.users["verifier_a2"].id), "reason": ""},
        headers={"Accept": "application/json"})
    assert json.status_code == 422
    assert json.get_json()["fields"] == {"reason": ["请填写转办理由。"]}


def test_a_return_without_a_reason_is_shown_on_the_return_form(app, org):
    item = new_item(org)
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    sign = open_task(item.instance_id)
    compose = completed_row(item.instance_id, "compose")
    client = app.test_client()
    token = login(client, "leader_a")
    answer = client.post(f"/tasks/{sign.id}/return", data={
        "csrf_token": token, "target_row_id": str(compose.id), "reason": ""})
    doc = page_doc(answer, 422)
    box = doc.get_element_by_id("return-box")
    assert box.get("open") is not None and "请填写退回理由。" in text_of(box)
    assert doc.get_element_by_id("transfer-box", None) is None or "请填写" not in text_of(
        doc.get_element_by_id("transfer-box"))
    assert open_task(item.instance_id).id == sign.id and _events(item.instance_id, "return") == 0


def test_a_verb_form_of_a_task_the_user_may_not_see_is_not_shown_with_its_errors(app, org):
    item = new_item(org)
    row = open_task(item.instance_id)
    client = app.test_client()
    token = login(client, "verifier_b")  # another county's
    answer = client.post(f"/tasks/{row.id}/transfer", data={"csrf_token": token, "target_user_id": "1",
                                                            "reason": ""})
    assert answer.status_code == 302  # told it does not exist, not shown the task page
    assert "某县春耕进展" not in client.get(answer.location).get_data(as_text=True)


def test_copying_to_nobody_is_shown_on_the_copy_form(app, org):
    item = new_item(org)
    client = app.test_client()
    token = login(client, "writer_a")
    answer = client.post(f"/items/{item.instance_id}/copy", data={"csrf_token": token, **once(), "note": "供参考"})
    doc = page_doc(answer, 422)
    box = doc.get_element_by_id("copy-box")
    assert box.get("open") is not None and "请选择抄送的人员或单位。" in text_of(box)
    assert db.session.query(InstanceCopy).count() == 0 and _events(item.instance_id, "copy") == 0

    json = client.post(f"/items/{item.instance_id}/copy", data={"csrf_token": token, "note": ""},
                       headers={"Accept": "application/json"})
    assert json.status_code == 422 and json.get_json()["fields"] == {"user_ids": ["请选择抄送的人员或单位。"]}
