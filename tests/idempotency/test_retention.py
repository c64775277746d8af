"""Keys are kept IDEMPOTENCY_KEY_DAYS: the sweep's duty and `flask govflow prune-idempotency` delete older ones."""
from datetime import timedelta

from tests.web_helpers import login
from webapp import duties
from webapp.core import clock
from webapp.extensions import db
from webapp.idempotency import operations
from webapp.idempotency.models import IdempotencyKey
from webapp.reports.models import InfoItem


def _keys():
    db.session.expire_all()
    return sorted(k.key for k in db.session.query(IdempotencyKey))


def _create(client, headers, key):
    return client.post("/api/reports", json={}, headers={**headers, "Idempotency-Key": key})


def test_the_cli_deletes_keys_past_the_retention_and_a_repeat_after_that_creates_again(app, org, monkeypatch):
    client = app.test_client()
    headers = {"X-CSRF-Token": login(client, "writer_a")}
    _create(client, headers, "old-key-0001")
    clock.set_fixed(clock.now() + timedelta(days=7, minutes=1))
    _create(client, headers, "new-key-0001")

    result = app.test_cli_runner().invoke(args=["govflow", "prune-idempotency"])
    assert result.exit_code == 0 and "deleted 1 idempotency key(s)" in result.output
    assert _keys() == ["new-key-0001"]
    assert _create(client, headers, "new-key-0001").headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in _create(client, headers, "old-key-0001").headers
    assert db.session.query(InfoItem).count() == 3


def test_the_sweep_prunes_once_an_hour(app, org, monkeypatch):
    monkeypatch.setattr(operations, "_pruned_at", None)
    monkeypatch.setitem(app.config, "IDEMPOTENCY_KEY_DAYS", 0.01)  # 14.4 minutes
    client = app.test_client()
    headers = {"X-CSRF-Token": login(client, "writer_a")}
    _create(client, headers, "first-key-01")
    clock.set_fixed(clock.now() + timedelta(minutes=15))
    _create(client, headers, "second-key-1")

    assert duties.prune_idempotency_keys() == 1 and _keys() == ["second-key-1"]
    clock.set_fixed(clock.now() + timedelta(minutes=20))
    assert duties.prune_idempotency_keys() == 0 and _keys() == ["second-key-1"]  # pruned less than an hour ago
    clock.set_fixed(clock.now() + timedelta(minutes=41))
    assert duties.prune_idempotency_keys() == 1 and _keys() == []
