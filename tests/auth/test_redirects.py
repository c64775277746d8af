"""Every redirect to a user-supplied target stays on the site and never fails, whatever the payload."""
from urllib.parse import quote, urlsplit

import pytest

from tests.conftest import PASSWORD
from tests.web_helpers import csrf, login

OFF_SITE = [
    "//evil.com", "///evil.com", "////evil.com", "/\\evil.com", "\\\\evil.com", "/\\/evil.com", "/%09/evil.com",
    "/\t/evil.com", "/\n/evil.com", "/\r/evil.com", "https://evil.com", "http://evil.com/", "HTTPS://evil.com",
    "https:evil.com", "//evil.com/%2f..", "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "/%0d%0aSet-Cookie:x=1", "/\r\nSet-Cookie:x=1", "\r\n",
    "/.//evil.com", "/%2f%2fevil.com", "/%2F/evil.com", "/%5cevil.com", "%2f%2fevil.com", "/／evil.com",
    "／／evil.com", "/＼evil.com", "/\u2215\u2215evil.com", "/\u200b/evil.com", "/\u2028/evil.com", "evil.com",
    "@evil.com", "http://localhost@evil.com", "https://localhost.evil.com/", "", " ", "/" * 3000,
]


def _redirect_after_login(client, target):
    token = csrf(client)
    return client.post(f"/login?next={quote(target, safe='')}",
                       data={"username": "writer_a", "password": PASSWORD, "csrf_token": token})


def _stays_here(location):
    parts = urlsplit(location)
    assert parts.scheme in ("", "http") and parts.netloc in ("", "localhost"), location
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location, location
    assert not any(c in location for c in "\t\r\n"), location


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_never_redirects_off_site(app, org, target):
    response = _redirect_after_login(app.test_client(), target)
    assert response.status_code == 302
    _stays_here(response.headers["Location"])
    if target.strip() and target != "/" * 3000:
        assert response.headers["Location"] == "/"  # refused targets fall back to the inbox


@pytest.mark.parametrize("target", ["/reports/", "/cases/?status=open&page=2", "/supervision/?light=red",
                                    "/notices/?q=%E5%82%AC%E5%8A%9E"])
def test_login_goes_back_to_a_local_page(app, org, target):
    response = _redirect_after_login(app.test_client(), target)
    assert response.status_code == 302 and response.headers["Location"] == target


def test_a_protected_page_sends_the_visitor_back_after_login(app, org):
    client = app.test_client()
    location = client.get("/cases/?status=open").headers["Location"]
    assert location.startswith("/login?next=")
    token = csrf(client)
    response = client.post(location, data={"username": "writer_a", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/cases/?status=open"


@pytest.mark.parametrize("target", ["//evil.com", "/\\evil.com", "https://evil.com/supervision/", "/\r\n/x",
                                    "/reports/", "/supervision/../reports/"])
def test_the_desk_urge_returns_only_to_the_desk(app, org, target):
    client = app.test_client()
    token = login(client, "dc")
    response = client.post("/supervision/cases/999999/urge", data={"csrf_token": token, "next": target})
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/supervision/")


@pytest.mark.parametrize("referrer", ["https://evil.com/", "//evil.com", "http://localhost\\@evil.com/"])
def test_a_refused_verb_never_goes_back_to_a_foreign_referrer(app, org, referrer):
    client = app.test_client()
    token = login(client, "writer_a")
    response = client.post("/phrases", data={"csrf_token": token, "text": ""}, headers={"Referer": referrer})
    assert response.status_code == 302
    _stays_here(response.headers["Location"])
