"""统一身份认证登录: OpenID Connect against a real provider on localhost; the test client follows the redirects to it
and back, and GovFlow fetches the provider's keys and tokens over HTTP itself."""
import http.client
import time
import urllib.parse

import pytest
from joserfc.jwk import RSAKey

from tests.audit.helpers import entries
from tests.auth.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from tests.web_helpers import csrf, login
from webapp.auth.models import User
from webapp.extensions import db


@pytest.fixture(scope="module")
def running_provider():
    provider = Provider().start()
    yield provider
    provider.stop()


@pytest.fixture
def provider(app, running_provider, monkeypatch):
    running_provider.signing_key, running_provider.overrides = running_provider.key, {}
    running_provider.sign_in_as("writer_a")
    for key, value in {"OIDC_ISSUER": running_provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID,
                       "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_USERNAME_CLAIM": "preferred_username"}.items():
        monkeypatch.setitem(app.config, key, value)
    return running_provider


def at_provider(url):
    """The browser's visit to the provider: where it is sent back to (the provider's 302), not followed."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", f"{parts.path}?{parts.query}")
    response = connection.getresponse()
    location = response.getheader("Location")
    connection.close()
    assert response.status == 302, response.status
    return location


def to_provider(client):
    response = client.get("/login/sso")
    assert response.status_code == 302
    return response.headers["Location"]


def back_at_govflow(client, location):
    assert location.startswith("http://localhost/login/sso/callback?")
    parts = urllib.parse.urlsplit(location)
    return client.get(f"{parts.path}?{parts.query}")


def sign_on(client):
    return back_at_govflow(client, at_provider(to_provider(client)))


def who(client):
    page = client.get("/")
    if page.status_code != 200:
        return None
    html = page.get_data(as_text=True)
    start = html.find('<div class="me">')
    return html[start:start + 300] if start >= 0 else None


def test_the_login_page_offers_single_sign_on_only_when_configured(app, org, provider, monkeypatch):
    client = app.test_client()
    assert "统一身份认证登录" in client.get("/login").get_data(as_text=True)
    monkeypatch.setitem(app.config, "OIDC_ISSUER", None)
    assert "统一身份认证登录" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/sso").status_code == 404
    assert client.get("/login/sso/callback?code=x&state=y").status_code == 404


def test_a_known_user_signs_on_at_the_provider_and_lands_in_govflow(app, org, provider):
    client = app.test_client()
    location = to_provider(client)
    assert location.startswith(provider.issuer + "/authorize?")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    response = back_at_govflow(client, at_provider(location))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "用户writer_a" in who(client)
    login_entry = entries(action="auth.login")[-1]
    assert login_entry.username == "writer_a" and login_entry.detail["method"] == "sso"


def test_the_page_asked_for_before_signing_on_is_where_the_user_lands(app, org, provider):
    client = app.test_client()
    response = client.get("/login/sso?next=/done")
    response = back_at_govflow(client, at_provider(response.headers["Location"]))
    assert response.headers["Location"] == "/done"


def test_a_single_sign_on_session_ends_with_the_users_logout_elsewhere(app, org, provider):
    sso, office = app.test_client(), app.test_client()
    sign_on(sso)
    token = login(office, "writer_a")
    office.post("/logout", data={"csrf_token": token})
    assert who(sso) is None  # the same session_version as a password login


def test_someone_the_provider_knows_but_govflow_does_not_is_refused_and_not_created(app, org, provider):
    provider.sign_in_as("stranger")
    client = app.test_client()
    response = sign_on(client)
    assert response.status_code == 401 and "该账号未在本系统开通" in response.get_data(as_text=True)
    assert who(client) is None
    assert db.session.query(User).filter_by(username="stranger").count() == 0
    assert entries(action="auth.sso_refused")[-1].detail["username"] == "stranger"


def test_a_deactivated_user_is_refused(app, org, provider):
    org.users["writer_a"].is_active_user = False
    db.session.commit()
    client = app.test_client()
    response = sign_on(client)
    assert response.status_code == 401 and "该账号未在本系统开通" in response.get_data(as_text=True)
    assert who(client) is None


def test_the_username_claim_is_configurable(app, org, provider, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_USERNAME_CLAIM", "employee_id")
    provider.sign_in_as("writer_a", employee_id="writer_b")
    client = app.test_client()
    sign_on(client)
    assert "用户writer_b" in who(client)


def test_a_callback_started_in_another_browser_signs_nobody_in(app, org, provider):
    """Login CSRF: an attacker signs on as himself and sends the victim his callback link."""
    provider.sign_in_as("writer_b")
    attacker, victim = app.test_client(), app.test_client()
    link = at_provider(to_provider(attacker))
    csrf(victim)
    response = back_at_govflow(victim, link)
    assert response.status_code == 401 and "统一身份认证登录失败" in response.get_data(as_text=True)
    assert who(victim) is None
    assert "state" in entries(action="auth.sso_refused")[-1].detail["reason"]


def test_a_callback_cannot_be_replayed(app, org, provider):
    client = app.test_client()
    link = at_provider(to_provider(client))
    assert back_at_govflow(client, link).status_code == 302
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    assert back_at_govflow(client, link).status_code == 401
    assert who(client) is None


@pytest.mark.parametrize("change", [
    {"aud": "another-client"},
    {"iss": "http://127.0.0.1:1"},
    {"nonce": "a-nonce-of-another-sign-on"},
    {"exp": int(time.time()) - 3600},
    "unpublished key",
], ids=["audience", "issuer", "nonce", "expired", "key"])
def test_an_id_token_that_does_not_prove_the_user_is_refused(app, org, provider, change):
    if change == "unpublished key":
        provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "provider-key"}, private=True)
    else:
        provider.overrides = change
    client = app.test_client()
    response = sign_on(client)
    assert response.status_code == 401 and "统一身份认证登录失败" in response.get_data(as_text=True)
    assert who(client) is None
    assert "id_token refused" in entries(action="auth.sso_refused")[-1].detail["reason"]


def test_an_unreachable_provider_is_said_so(app, org, provider, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "http://127.0.0.1:9")
    client = app.test_client()
    response = client.get("/login/sso")
    assert response.status_code == 401 and "统一身份认证服务暂时无法访问" in response.get_data(as_text=True)


def test_a_sign_on_is_not_held_on_the_password_page(app, org, provider):
    """The provider checked the person; the local password's reset or age is for password logins."""
    org.users["writer_a"].must_change_password = True
    db.session.commit()
    client = app.test_client()
    assert sign_on(client).headers["Location"] == "/"
    assert client.get("/").status_code == 200
