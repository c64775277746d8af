"""People moving without losing work: claimed steps go back to the group, named ones to the successor picked."""
from tests.helpers import new_item, open_task
from tests.web_helpers import login
from webapp.audit.models import AuditEntry
from webapp.engine import verbs
from webapp.engine.models import HumanTask, InstanceEvent
from webapp.extensions import db

TITLE = "某县春耕进展-移交测试"


def _claimed_step(org):
    """An item at 审核 claimed by verifier_a; verifier_a2 is the other 办公室主任 of county-a."""
    org.user("verifier_a2", "county-a", ["verifier"])
    db.session.commit()
    item = new_item(org, title=TITLE)
    row = open_task(item.instance_id)
    verbs.claim(row.id, org.users["verifier_a"])
    db.session.commit()
    return row


def _todo(app, username):
    client = app.test_client()
    login(client, username)
    return client.get("/").get_data(as_text=True)


def test_moving_a_user_puts_their_claimed_step_back_in_the_groups_todo(app, org):
    row = _claimed_step(org)
    assert TITLE not in _todo(app, "verifier_a2")  # claimed by verifier_a: not the group's any more
    admin = app.test_client()
    token = login(admin, "admin")
    page = admin.get(f"/admin/users/{org.users['verifier_a'].id}").get_data(as_text=True)
    assert TITLE in page and "退回本单位同岗位人员的组内待办" in page  # listed before anything is confirmed

    response = admin.post(f"/admin/users/{org.users['verifier_a'].id}", data={
        "csrf_token": token, "name": "用户verifier_a", "unit_id": org.units["county-b"].id, "roles": "verifier"})
    assert response.status_code == 302, response.get_data(as_text=True)

    assert TITLE in _todo(app, "verifier_a2")
    assert TITLE not in _todo(app, "verifier_a")
    db.session.expire_all()
    row = db.session.get(HumanTask, row.id)
    assert (row.assignee_id, row.claimed_dt, row.state) == (None, None, "open")
    assert org.users["verifier_a"].unit.code == "county-b"
    event = db.session.query(InstanceEvent).filter_by(instance_id=row.instance_id, action="handover_release").one()
    assert event.actor_id == org.users["admin"].id and event.data["from_id"] == org.users["verifier_a"].id
    assert db.session.query(AuditEntry).filter_by(action="admin.user.handover").one().detail["released"] == [row.id]


def test_a_step_given_by_name_waits_for_a_successor_before_a_user_is_deactivated(app, org):
    row = _claimed_step(org)
    verbs.release(row.id, org.users["verifier_a"])
    verbs.claim(row.id, org.users["verifier_a2"])
    verbs.transfer(row.id, org.users["verifier_a2"], org.users["verifier_a"].id, "请你办")  # by name
    db.session.commit()
    admin = app.test_client()
    token = login(admin, "admin")
    url = f"/admin/users/{org.users['verifier_a'].id}/deactivate"

    refused = admin.post(url, data={"csrf_token": token})
    assert refused.status_code == 422 and "请选择接替人" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert org.users["verifier_a"].is_active_user and db.session.get(HumanTask, row.id).assignee_id == \
        org.users["verifier_a"].id

    wrong = admin.post(url, data={"csrf_token": token, "successor_id": org.users["verifier_b"].id})
    assert wrong.status_code == 422 and "不能接办" in wrong.get_data(as_text=True)

    done = admin.post(url, data={"csrf_token": token, "successor_id": org.users["verifier_a2"].id})
    assert done.status_code == 302
    db.session.expire_all()
    row = db.session.get(HumanTask, row.id)
    assert row.assignee_id == org.users["verifier_a2"].id and row.state == "open"
    assert not org.users["verifier_a"].is_active_user
    assert db.session.query(InstanceEvent).filter_by(instance_id=row.instance_id, action="handover").one() \
        .data["to_id"] == org.users["verifier_a2"].id
    assert TITLE in _todo(app, "verifier_a2")
