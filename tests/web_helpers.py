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
