"""三员分立: no account holds two of the three administrator roles, nobody grants themself anything, and each of
the three sees only their own pages (the access matrix walks every page; these are the rules behind it)."""
import pytest
from sqlalchemy.exc import IntegrityError

from tests.web_helpers import login
from webapp.audit.models import AuditEntry
from webapp.auth.models import UserRole
from webapp.extensions import db


def test_the_model_refuses_two_administrator_roles(org):
    with pytest.raises(ValueError):
        org.users["admin"].roles = ["admin", "auditor"]


def test_the_database_refuses_a_second_administrator_role(org):
    db.session.add(UserRole(user_id=org.users["admin"].id, role="secadmin"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def _grant(client, token, user, roles, clearance):
    return client.post(f"/admin/security/users/{user.id}",
                       data={"csrf_token": token, "roles": roles, "clearance": str(clearance)})


def test_the_secadmin_raises_a_clearance_and_only_the_auditor_reads_it(app, org):
    secadmin = app.test_client()
    token = login(secadmin, "secadmin")
    assert _grant(secadmin, token, org.users["writer_a2"], ["writer"], 2).status_code == 302
    db.session.expire_all()
    assert org.users["writer_a2"].clearance == 2
    entry = db.session.query(AuditEntry).filter_by(action="admin.user.grant").one()
    assert entry.username == "secadmin" and entry.detail["clearance"] == [0, 2]

    auditor, admin = app.test_client(), app.test_client()
    login(auditor, "auditor")
    login(admin, "admin")
    assert "授权用户 用户writer_a2" in auditor.get("/admin/audit/?action=admin.").get_data(as_text=True)
    assert admin.get("/admin/audit/?action=admin.").status_code == 403


def test_the_secadmin_grants_nothing_to_themself_and_keeps_the_three_apart(app, org):
    client = app.test_client()
    token = login(client, "secadmin")
    assert _grant(client, token, org.users["secadmin"], ["secadmin"], 2).status_code == 403
    both = _grant(client, token, org.users["editor"], ["admin", "auditor"], 2)
    assert both.status_code == 422 and "三者只能担任其一" in both.get_data(as_text=True)
    mixed = _grant(client, token, org.users["editor"], ["auditor", "editor"], 2)
    assert mixed.status_code == 422 and "不能同时担任业务角色" in mixed.get_data(as_text=True)
    db.session.expire_all()
    assert org.users["editor"].roles == {"editor"}
    assert db.session.query(AuditEntry).filter_by(action="admin.user.grant").count() == 0


def test_the_admin_changes_no_administrators_account_nor_a_clearance(app, org):
    client = app.test_client()
    token = login(client, "admin")
    for who in ("secadmin", "auditor", "admin"):
        url = f"/admin/users/{org.users[who].id}"
        assert client.post(url, data={"csrf_token": token, "name": "x", "unit_id": org.units["city"].id,
                                      "roles": "leader"}).status_code == 403
        assert client.post(f"{url}/reset-password", data={"csrf_token": token}).status_code == 403
    # A clearance is not a field of the admin's form: sent anyway, it is ignored.
    response = client.post(f"/admin/users/{org.users['writer_a2'].id}", data={
        "csrf_token": token, "name": "用户writer_a2", "unit_id": org.units["county-a"].id, "roles": "writer",
        "clearance": "2"})
    assert response.status_code == 302
    db.session.expire_all()
    assert org.users["writer_a2"].clearance == 0
    assert org.users["admin"].roles == {"admin"}


def test_the_secadmin_unlocks_a_locked_account(app, org):
    from tests.web_helpers import csrf

    victim = app.test_client()
    for _ in range(app.config["LOGIN_LOCKOUT_FAILURES"]):
        victim.post("/login", data={"username": "writer_a", "password": "wrong", "csrf_token": csrf(victim)})
    client = app.test_client()
    token = login(client, "secadmin")
    assert "writer_a" in client.get("/admin/security/locks").get_data(as_text=True)
    assert client.post("/admin/security/locks/writer_a/unlock", data={"csrf_token": token}).status_code == 302
    login(app.test_client(), "writer_a")  # the lock is gone
    assert db.session.query(AuditEntry).filter_by(action="admin.user.unlock").one().username == "secadmin"
