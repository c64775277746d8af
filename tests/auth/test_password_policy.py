"""The password policy the 安全保密管理员 sets: length and kinds of character, history, expiry; a reset or expired
password holds the user on 修改密码."""
import re
from datetime import timedelta

from tests.audit.helpers import entries
from tests.auth.helpers import POLICY, change, set_policy, sign_in
from tests.conftest import PASSWORD, START
from tests.web_helpers import csrf, login
from webapp.auth.models import PasswordHistory, User
from webapp.extensions import db


def message(response):
    return " ".join(re.findall(r'<div class="err">([^<]+)</div>', response.get_data(as_text=True)))


def test_only_the_security_administrator_opens_the_policy_page(app, secadmin):
    for username, status in (("secadmin", 200), ("admin", 403), ("writer_a", 403)):
        client = app.test_client()
        login(client, username)
        assert client.get("/admin/security").status_code == status, username
    client = app.test_client()
    login(client, "admin")
    response = client.post("/admin/security", data={**POLICY, "password_min_length": "9",
                                                     "csrf_token": csrf(client, "/")})
    assert response.status_code == 403


def test_a_longer_rule_with_four_kinds_applies_to_the_next_password_change(app, secadmin):
    response = set_policy(app, password_min_length="12", password_min_kinds="4")
    assert response.status_code == 302
    saved = entries(action="auth.policy_changed")[-1]
    assert saved.username == "secadmin" and saved.detail["changes"]["password_min_length"] == [8, 12]
    client = app.test_client()
    login(client, "writer_a")
    page = client.get("/password").get_data(as_text=True)
    assert "新密码至少 12 位" in page and "至少四种" in page
    refused = change(client, PASSWORD, "Abcdef-1234")  # 11 characters
    assert refused.status_code == 422 and "新密码至少 12 位" in message(refused)
    refused = change(client, PASSWORD, "Abcdefgh12345")  # no character of the fourth kind
    assert refused.status_code == 422 and "至少四种" in message(refused)
    assert change(client, PASSWORD, "Abcdefgh-12345").status_code == 302


def test_a_policy_out_of_bounds_is_refused_and_nothing_changes(app, secadmin):
    response = set_policy(app, password_min_length="4", session_idle_minutes="abc")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "密码最短长度应在 8 到 64 之间" in html and "空闲超时（分钟）应为整数" in html
    assert entries(action="auth.policy_changed") == []
    client = app.test_client()
    login(client, "writer_a")
    assert "新密码至少 8 位" in client.get("/password").get_data(as_text=True)


def test_the_last_passwords_cannot_be_used_again_and_only_their_hashes_are_kept(app, secadmin):
    set_policy(app, password_history="3")
    client = app.test_client()
    passwords = [PASSWORD, "Second-Pass-1", "Third-Pass-2"]
    for old, new in zip(passwords, passwords[1:], strict=False):
        assert sign_in(client, "writer_a", old).status_code == 302
        assert change(client, old, new).status_code == 302
    assert sign_in(client, "writer_a", passwords[-1]).status_code == 302
    refused = change(client, passwords[-1], PASSWORD)
    assert refused.status_code == 422 and "不能与最近使用过的 3 个密码相同" in message(refused)
    user = db.session.query(User).filter_by(username="writer_a").one()
    kept = [row.password_hash for row in db.session.query(PasswordHistory).filter_by(user_id=user.id)]
    assert len(kept) == 2 and not any(p in h for h in kept for p in passwords)
    set_policy(app, password_history="2")  # the current one and the one before: the first is free again
    client = app.test_client()
    assert sign_in(client, "writer_a", passwords[-1]).status_code == 302
    assert change(client, passwords[-1], PASSWORD).status_code == 302


def test_a_reset_password_holds_the_user_on_the_password_page_until_changed(app, org):
    org.users["writer_a"].must_change_password = True
    db.session.commit()
    client = app.test_client()
    response = sign_in(client, "writer_a", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/password"
    page = client.get("/password").get_data(as_text=True)
    assert "管理员已重置您的密码，请先修改密码" in page and "取消" not in page
    for path in ("/", "/reports/", "/cases/", "/notices/"):
        held = client.get(path)
        assert held.status_code == 302 and held.headers["Location"] == "/password", path
    api = client.get("/api/tasks", headers={"Accept": "application/json"})
    assert api.status_code == 403 and api.get_json()["error"] == "password_change_required"
    assert change(client, PASSWORD, "Brand-New-Pass-1").status_code == 302
    assert db.session.query(User).filter_by(username="writer_a").one().must_change_password is False
    assert sign_in(client, "writer_a", "Brand-New-Pass-1").headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_an_expired_password_must_be_changed_at_login(app, secadmin):
    set_policy(app, password_max_age_days="90")
    users = secadmin.users
    users["writer_a"].password_changed_dt = START - timedelta(days=91)
    users["writer_b"].password_changed_dt = START - timedelta(days=10)
    db.session.commit()
    stale, fresh = app.test_client(), app.test_client()
    assert sign_in(stale, "writer_a", PASSWORD).headers["Location"] == "/password"
    assert "您的密码已过期" in stale.get("/password").get_data(as_text=True)
    assert stale.get("/").headers["Location"] == "/password"
    assert sign_in(fresh, "writer_b", PASSWORD).headers["Location"] == "/"
    assert change(stale, PASSWORD, "Renewed-Pass-9").status_code == 302
    assert sign_in(stale, "writer_a", "Renewed-Pass-9").headers["Location"] == "/"


def test_without_an_expiry_no_password_expires(app, org):
    org.users["writer_a"].password_changed_dt = START - timedelta(days=3650)
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, "writer_a", PASSWORD).headers["Location"] == "/"
