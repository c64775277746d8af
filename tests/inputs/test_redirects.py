"""A `next` target with a line break, a control character or another site is dropped, never a 500 or a header."""
from urllib.parse import urlsplit

import pytest

from tests.conftest import PASSWORD
from tests.web_helpers import csrf

TARGETS = ["/a\r\nSet-Cookie: x=1", "/\x00", "/\\evil.example", "//evil.example", "https://evil.example/",
           "/" + "x" * 5000, "http://[", "/supervision/\r\nX: 1"]


@pytest.mark.parametrize("target", TARGETS)
def test_login_and_urge_drop_an_unsafe_next(app, org, target):
    client = app.test_client()
    token = csrf(client)
    response = client.post("/login", query_string={"next": target},
                           data={"username": "dc", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    response = client.post("/supervision/urge", data={"csrf_token": token, "next": target})
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/supervision/"


def test_a_safe_next_is_followed(app, org):
    client = app.test_client()
    token = csrf(client)
    response = client.post("/login", query_string={"next": "/cases/?alert=red"},
                           data={"username": "dc", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/cases/?alert=red"
