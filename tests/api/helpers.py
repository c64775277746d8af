"""Issuing a token through the 访问令牌 page, as a person would, and calling /api/v1 with it."""
import re

from tests.web_helpers import login, once


def _issue(app, username, scopes=("read",), days="90", name="大屏"):
    client = app.test_client()
    csrf = login(client, username)
    page = client.post("/settings/tokens", data={"csrf_token": csrf, "name": name, "days": days,
                                                 "scopes": list(scopes), **once()})
    assert page.status_code == 201, page.get_data(as_text=True)
    secret = re.search(r'id="token-secret">(gf_[A-Za-z0-9_-]+)<', page.get_data(as_text=True)).group(1)
    return client, csrf, secret


def _bearer(secret):
    return {"Authorization": f"Bearer {secret}"}
