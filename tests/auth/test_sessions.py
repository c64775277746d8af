"""Logout and a password change end every session of the user; 修改密码 enforces the password rule."""
import re

import pytest

from tests.audit.helpers import actions
from tests.conftest import PASSWORD
from tests.web_helpers import csrf, login
from webapp.auth.models import User
from webapp.extensions import db

NEW_PASSWORD = "Neue-Passwort-2026"


def _cookie(client):
    return client.get_cookie("session").value


def _with_cookie(app, value):
    """A browser on another machine holding a copy of the session cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def _logged_in(client):
    response = client.get("/")
    return response.status_code == 200 and '<div class="me">' in response.get_data(as_text=True)


def test_a_cookie_copied_before_logout_no_longer_works(app, org):
    client = app.test_client()
    token = login(client, "writer_a")
    stolen = _cookie(client)
    assert _logged_in(_with_cookie(app, stolen))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    response = _with_cookie(app, stolen).get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_ends_the_sessions_on_other_browsers_too(app, org):
    office, home = app.test_client(), app.test_client()
    token = login(office, "writer_a")
    login(home, "writer_a")
    office.post("/logout", data={"csrf_token": token})
    assert not _logged_in(home)
    other_user = app.test_client()
    login(other_user, "writer_b")
    assert _logged_in(other_user)  # someone else's logout ends nothing of theirs


def test_changing_the_password_ends_every_session(app, org):
    client, elsewhere = app.test_client(), app.test_client()
    token = login(client, "writer_a")
    login(elsewhere, "writer_a")
    stolen = _cookie(client)
    page = client.get("/password")
    assert page.status_code == 200 and "修改密码" in page.get_data(as_text=True)
    response = client.post("/password", data={"csrf_token": token, "old_password": PASSWORD,
                                              "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    for browser in (client, elsewhere, _with_cookie(app, stolen)):
        assert not _logged_in(browser)
    assert "auth.password_changed" in actions()
    fresh = app.test_client()
    refused = fresh.post("/login", data={"username": "writer_a", "password": PASSWORD, "csrf_token": csrf(fresh)})
    assert refused.status_code == 401
    accepted = fresh.post("/login", data={"username": "writer_a", "password": NEW_PASSWORD,
                                          "csrf_token": csrf(fresh)})
    assert accepted.status_code == 302 and _logged_in(fresh)


@pytest.mark.parametrize("old, new, again, field, message", [
    ("wrong-old", NEW_PASSWORD, NEW_PASSWORD, "old_password", "原密码不正确"),
    (PASSWORD, "Short-1", "Short-1", "new_password", "至少 8 位"),
    (PASSWORD, "alllowercaseletters", "alllowercaseletters", "new_password", "至少三种"),
    (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "new_password2", "两次输入的新密码不一致"),
    (PASSWORD, "Writer_a-Pass-2026", "Writer_a-Pass-2026", "new_password", "不能包含用户名"),
    (PASSWORD, "", "", "new_password", "请输入新密码"),
])
def test_a_refused_password_change_says_why_and_changes_nothing(app, org, old, new, again, field, message):
    client = app.test_client()
    token = login(client, "writer_a")
    response = client.post("/password", data={"csrf_token": token, "old_password": old, "new_password": new,
                                              "new_password2": again})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert re.search(rf'id="{field}".*?{message}', html, re.S)
    assert _logged_in(client)
    db.session.expire_all()
    assert db.session.query(User).filter_by(username="writer_a").one().check_password(PASSWORD)


def test_the_user_menu_links_to_the_password_page(app, org):
    client = app.test_client()
    login(client, "leader_a")
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/password" id="change-password">修改密码</a>', html)


def test_cookies_are_httponly_and_samesite(app, org):
    client = app.test_client()
    login(client, "writer_a")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure  # development over plain HTTP; production: see test_config


def test_a_cookie_naming_only_the_user_id_is_refused(app, org):
    """Sessions made before the version was part of the id (or forged without it) name nobody."""
    client = app.test_client()
    login(client, "writer_a")
    with client.session_transaction() as session:
        session["_user_id"] = str(org.users["writer_a"].id)
    assert not _logged_in(client)
