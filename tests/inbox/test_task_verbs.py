"""The verbs through the web pages: urge (with its interval), copy (read-only access), withdraw, phrases."""
from datetime import timedelta

import pytest

from tests.helpers import act, new_item, open_task
from tests.web_helpers import login, once
from webapp.core import clock
from webapp.engine.models import HumanTask, InstanceEvent
from webapp.extensions import db
from webapp.inbox.models import InstanceCopy, OpinionPhrase, Urge
from webapp.notices.models import Notice


@pytest.fixture
def client(app):
    return app.test_client()


def _page(client, path):
    response = client.get(path)
    return response.status_code, response.get_data(as_text=True)


def test_the_writer_urges_the_verifier_once_per_interval(app, client, org):
    item = new_item(org)
    row = open_task(item.instance_id)
    token = login(client, "writer_a")
    status, html = _page(client, f"/items/{item.instance_id}")
    assert status == 200 and "核实审核" in html and "催办" in html

    answer = client.post(f"/tasks/{row.id}/urge", data={"csrf_token": token, "note": "省里今天要，请尽快",
                                                        "notify_leader": "1"}, follow_redirects=True)
    assert "已催办“核实审核”" in answer.get_data(as_text=True)
    urge = db.session.query(Urge).one()
    assert (urge.sender_id, urge.target_role, urge.target_unit_id, urge.notify_leader) == (
        org.users["writer_a"].id, "verifier", org.units["county-a"].id, True)
    assert db.session.query(InstanceEvent).filter_by(instance_id=item.instance_id, action="urge").count() == 1
    assert db.session.query(Notice).filter(Notice.title.contains("催办")).count() >= 1

    again = client.post(f"/tasks/{row.id}/urge", data={"csrf_token": token}, follow_redirects=True)
    assert "已于" in again.get_data(as_text=True) and "分钟后再催办" in again.get_data(as_text=True)
    assert db.session.query(Urge).count() == 1

    clock.set_fixed(clock.now() + timedelta(minutes=app.config["URGE_INTERVAL_MINUTES"] + 1))
    client.post(f"/tasks/{row.id}/urge", data={"csrf_token": token})
    assert db.session.query(Urge).count() == 2


def test_a_user_of_another_unit_can_neither_see_nor_urge(client, org):
    item = new_item(org)
    row = open_task(item.instance_id)
    token = login(client, "writer_b")
    assert client.get(f"/items/{item.instance_id}").status_code == 404
    assert client.post(f"/tasks/{row.id}/urge", data={"csrf_token": token},
                       headers={"Accept": "application/json"}).status_code == 404
    assert db.session.query(Urge).count() == 0


def test_a_copied_user_reads_the_item_and_the_copy_turns_read(client, org):
    item = new_item(org)
    token = login(client, "writer_a")
    answer = client.post(f"/items/{item.instance_id}/copy", data={
        "csrf_token": token, **once(), "user_ids": [str(org.users["handler_b"].id)], "note": "供参考"},
        follow_redirects=True)
    assert "已抄送：用户handler_b" in answer.get_data(as_text=True)
    copy = db.session.query(InstanceCopy).one()
    assert copy.read_dt is None

    client.post("/logout", data={"csrf_token": token})
    login(client, "handler_b")
    status, html = _page(client, f"/items/{item.instance_id}")
    assert status == 200 and "某县春耕进展" in html
    db.session.expire_all()
    assert db.session.get(InstanceCopy, copy.id).read_dt is not None
    # Read-only: the copied user has no task to act on.
    assert client.get(f"/tasks/{open_task(item.instance_id).id}").status_code == 404


def test_copying_a_secret_item_to_someone_not_cleared_is_refused(client, org):
    item = new_item(org, secrecy="1")
    token = login(client, "writer_a")
    answer = client.post(f"/items/{item.instance_id}/copy", data={
        "csrf_token": token, **once(), "user_ids": [str(org.users["writer_a2"].id)]}, follow_redirects=True)
    assert "密级权限低于该事项" in answer.get_data(as_text=True)
    assert db.session.query(InstanceCopy).count() == 0


def test_the_writer_withdraws_from_the_item_page_and_gets_the_task_back(client, org):
    item = new_item(org)
    token = login(client, "writer_a")
    status, html = _page(client, f"/items/{item.instance_id}")
    assert 'id="withdraw-form"' in html
    compose = db.session.query(HumanTask).filter_by(instance_id=item.instance_id, step_key="compose").one()
    answer = client.post(f"/tasks/{compose.id}/withdraw", data={"csrf_token": token}, follow_redirects=True)
    html = answer.get_data(as_text=True)
    assert "已撤回" in html and "采编" in html
    assert open_task(item.instance_id).step_key == "compose"


def test_withdraw_is_refused_with_the_reason_once_the_verifier_acted(client, org):
    item = new_item(org)
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    compose = db.session.query(HumanTask).filter_by(instance_id=item.instance_id, step_key="compose").one()
    token = login(client, "writer_a")
    status, html = _page(client, f"/tasks/{compose.id}")
    assert "不能撤回：下一环节已由用户verifier_a办理" in html
    answer = client.post(f"/tasks/{compose.id}/withdraw", data={"csrf_token": token},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 409 and "无法撤回" in answer.get_json()["message"]


def test_the_task_page_offers_return_targets_and_saves_a_phrase(client, org):
    item = new_item(org)
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    sign = open_task(item.instance_id)
    token = login(client, "leader_a")
    status, html = _page(client, f"/tasks/{sign.id}")
    assert status == 200 and 'id="return-box"' in html
    assert "采编（用户writer_a" in html and "核实审核（用户verifier_a" in html
    saved = client.post("/phrases", data={"csrf_token": token, "text": "请补充同比数据。"},
                        headers={"Accept": "application/json"})
    assert saved.get_json()["ok"]
    assert db.session.query(OpinionPhrase).one().text == "请补充同比数据。"
    assert "<option>请补充同比数据。</option>" in _page(client, f"/tasks/{sign.id}")[1]


def test_a_transfer_tells_the_new_holder_why(client, org):
    org.user("verifier_a2", "county-a", ["verifier"])
    db.session.commit()
    item = new_item(org)
    row = open_task(item.instance_id)
    token = login(client, "verifier_a")
    answer = client.post(f"/tasks/{row.id}/transfer", data={
        "csrf_token": token, "target_user_id": str(org.users["verifier_a2"].id), "reason": "本人出差"})
    assert answer.status_code == 302
    [notice] = db.session.query(Notice).filter_by(user_id=org.users["verifier_a2"].id).all()
    assert (notice.title, notice.body, notice.link) == ("转办给您「核实审核」：某县春耕进展", "转办理由：本人出差",
                                                       f"/tasks/{row.id}")
