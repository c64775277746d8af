"""Logging in through the real login form with the test client."""
import re
import uuid

from tests.conftest import PASSWORD
from webapp.idempotency import FIELD


def csrf(client, path="/login"):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, username):
    token = csrf(client)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return token


def once():
    """A creating form's one-time key, fresh as each render of the form gives one (webapp.idempotency)."""
    return {FIELD: str(uuid.uuid4())}


def signed_in(app, username):
    """A fresh client logged in as `username`, and its CSRF token."""
    client = app.test_client()
    return client, login(client, username)


def page_doc(response, status=200):
    """The response's HTML parsed, after checking its status (the start of the body shown when it differs)."""
    from lxml import html

    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return html.fromstring(response.get_data(as_text=True))


def text_of(element):
    """An element's text with its whitespace folded, as a reader sees it."""
    return " ".join(element.text_content().split())
