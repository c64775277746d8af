"""The creating API calls: with an Idempotency-Key a repeat gets the first answer and creates nothing; without
one every call creates, as before."""
import pytest

from tests.idempotency.forms import API_CALLS
from tests.web_helpers import login
from webapp.extensions import db


def _client(app, username):
    client = app.test_client()
    return client, {"X-CSRF-Token": login(client, username)}


def _rows(rows):
    db.session.expire_all()
    return rows()


@pytest.mark.parametrize(("name", "username", "path", "payload", "rows"), API_CALLS, ids=[c[0] for c in API_CALLS])
def test_a_repeat_with_the_same_key_answers_the_first_response_and_creates_nothing(app, org, name, username, path,
                                                                                     payload, rows):
    client, headers = _client(app, username)
    body = payload(org)
    before = _rows(rows)
    first = client.post(path, json=body, headers={**headers, "Idempotency-Key": f"{name}-0001"})
    again = client.post(path, json=body, headers={**headers, "Idempotency-Key": f"{name}-0001"})

    assert first.status_code == again.status_code == 201, first.get_data(as_text=True)
    assert again.get_json() == first.get_json()
    assert "Idempotent-Replayed" not in first.headers and again.headers["Idempotent-Replayed"] == "true"
    assert _rows(rows) == before + 1

    keyed = {**headers, "Idempotency-Key": f"{name}-0001"}
    changed = client.post(path, json={**body, "title": "另一件事"}, headers=keyed)
    assert changed.status_code == 422
    refusal = changed.get_json()  # /api/v1 answers problem details: the message is their `detail`
    assert refusal.get("message", refusal.get("detail")).startswith("Idempotency-Key 已用于另一个内容不同的请求")
    assert _rows(rows) == before + 1


@pytest.mark.parametrize(("name", "username", "path", "payload", "rows"), API_CALLS, ids=[c[0] for c in API_CALLS])
def test_without_the_header_every_call_creates(app, org, name, username, path, payload, rows):
    client, headers = _client(app, username)
    before = _rows(rows)
    body = payload(org)
    assert [client.post(path, json=body, headers=headers).status_code for _ in range(2)] == [201, 201]
    assert _rows(rows) == before + 2


def test_a_key_must_look_like_one(app, org):
    client, headers = _client(app, "writer_a")
    refused = client.post("/api/reports", json={}, headers={**headers, "Idempotency-Key": "short"})
    assert refused.status_code == 400 and "格式无效" in refused.get_json()["message"]


def test_the_same_key_on_another_call_is_refused(app, org):
    client, headers = _client(app, "writer_a")
    keyed = {**headers, "Idempotency-Key": "k-000000001"}
    assert client.post("/api/reports", json={}, headers=keyed).status_code == 201
    refused = client.post("/api/emergencies", json={}, headers=keyed)
    assert refused.status_code == 422 and refused.get_json()["error"] == "idempotency_key_reused"
