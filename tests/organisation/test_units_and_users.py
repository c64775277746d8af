"""The 系统管理员's unit tree and user accounts: history of names, deactivation rules, search, temporary passwords."""
from datetime import timedelta

from tests.conftest import START
from tests.helpers import new_item
from tests.web_helpers import csrf, login, once
from webapp.audit.models import AuditEntry
from webapp.auth.models import Unit, User
from webapp.core import clock
from webapp.extensions import db
from webapp.organisation import queries


def _admin(app):
    client = app.test_client()
    return client, login(client, "admin")


def test_a_renamed_unit_keeps_its_old_name_for_the_past(app, org):
    client, token = _admin(app)
    unit = org.units["county-a"]
    clock.set_fixed(START + timedelta(days=10))
    response = client.post(f"/admin/units/{unit.id}/rename", data={"csrf_token": token, "name": "a区委办公室"})
    assert response.status_code == 302
    db.session.expire_all()
    assert unit.name == "a区委办公室"
    assert queries.name_at(unit.id, START) == "a县委办公室"
    assert queries.name_at(unit.id, START + timedelta(days=11)) == "a区委办公室"
    page = client.get(f"/admin/units/{unit.id}").get_data(as_text=True)
    assert "a县委办公室" in page and "a区委办公室" in page
    assert db.session.query(AuditEntry).filter_by(action="admin.unit.rename").one().detail == {
        "from": "a县委办公室", "to": "a区委办公室"}


def test_units_are_added_moved_and_never_under_themselves(app, org):
    client, token = _admin(app)
    response = client.post("/admin/units/new", data={"csrf_token": token, **once(), "code": "county-c",
                                                     "name": "c县委办公室", "kind": "county",
                                                     "parent_id": org.units["city"].id})
    assert response.status_code == 302
    new = db.session.query(Unit).filter_by(code="county-c").one()
    assert new.parent.code == "city" and queries.name_history(new.id)[0].name == "c县委办公室"
    city = org.units["city"]
    cycle = client.post(f"/admin/units/{city.id}/move", data={"csrf_token": token, "parent_id": new.id})
    assert cycle.status_code == 422 and "下级单位之下" in cycle.get_data(as_text=True)
    assert client.post(f"/admin/units/{new.id}/move", data={"csrf_token": token,
                                                          "parent_id": org.units["prov"].id}).status_code == 302
    db.session.expire_all()
    assert new.parent.code == "prov" and city.parent.code == "prov"


def test_a_unit_with_open_steps_cannot_be_deactivated(app, org):
    new_item(org, title="未办结")  # an open 审核 step in county-a
    client, token = _admin(app)
    response = client.post(f"/admin/units/{org.units['county-a'].id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 422 and "未办结的待办环节" in response.get_data(as_text=True)
    db.session.expire_all()
    assert org.units["county-a"].is_active_unit
    spare = Unit(code="spare", name="空单位", kind="office", parent=org.units["city"])
    db.session.add(spare)
    db.session.commit()
    assert client.post(f"/admin/units/{spare.id}/deactivate", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert not spare.is_active_unit


def test_a_new_user_gets_a_temporary_password_shown_once_and_must_change_it(app, org):
    client, token = _admin(app)
    form = {"csrf_token": token, **once(), "username": "xy_new", "name": "新信息员",
            "unit_id": org.units["county-a"].id, "roles": "writer"}
    response = client.post("/admin/users/new", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    password = html.split('id="temporary-password">', 1)[1].split("<", 1)[0]
    user = db.session.query(User).filter_by(username="xy_new").one()
    assert user.must_change_password and user.clearance == 0 and user.roles == {"writer"}
    assert password not in client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": "xy_new", "password": password,
                                      "csrf_token": csrf(fresh)}).status_code == 302

    # The same post again (a double click): no second account, no new password; to the user's page instead.
    again = client.post("/admin/users/new", data=form)
    assert again.status_code == 302 and again.headers["Location"] == f"/admin/users/{user.id}"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db.session.query(User).filter_by(username="xy_new").count() == 1


def test_reset_password_replaces_the_old_one(app, org):
    client, token = _admin(app)
    response = client.post(f"/admin/users/{org.users['writer_a'].id}/reset-password", data={"csrf_token": token})
    password = response.get_data(as_text=True).split('id="temporary-password">', 1)[1].split("<", 1)[0]
    db.session.expire_all()
    user = org.users["writer_a"]
    assert user.must_change_password and user.check_password(password) and len(password) >= 12
    assert not user.check_password("pw-test-1")

    # The user signs in with it and is held on 修改密码 until a new one is set.
    writer = app.test_client()
    writer_token = csrf(writer)
    signed_in = writer.post("/login", data={"username": "writer_a", "password": password, "csrf_token": writer_token})
    assert signed_in.status_code == 302 and signed_in.headers["Location"].startswith("/password")
    assert writer.get("/").headers["Location"].startswith("/password")
    changed = writer.post("/password", data={"csrf_token": writer_token, "old_password": password,
                                             "new_password": "Qingshan#2026", "new_password2": "Qingshan#2026"})
    assert changed.status_code == 302
    login_again = app.test_client()
    assert login_again.post("/login", data={"username": "writer_a", "password": "Qingshan#2026",
                                            "csrf_token": csrf(login_again)}).headers["Location"] == "/"
    db.session.expire_all()
    assert not org.users["writer_a"].must_change_password


def test_users_are_searched_and_paged(app, org):
    for n in range(120):
        org.user(f"bulk_{n:03}", "county-b", ["writer"], clearance=0)
    db.session.commit()
    client, _token = _admin(app)
    first = client.get("/admin/users?q=bulk_").get_data(as_text=True)
    second = client.get("/admin/users?q=bulk_&page=2").get_data(as_text=True)
    assert "共 120 人" in first and "第 1/3 页" in first
    assert "bulk_000" in first and "bulk_000" not in second and "bulk_050" in second
    assert "writer_a" not in first
    only_a = client.get(f"/admin/users?unit_id={org.units['county-a'].id}").get_data(as_text=True)
    assert "writer_a" in only_a and "bulk_" not in only_a
