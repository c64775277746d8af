"""事件推送 through /api/v1: the page's operations (register with the same SSRF check, change, switch off and on,
delete, deliveries, replay), for the 系统管理员 with an admin-scoped token, of their own unit only."""
from datetime import timedelta

from tests.web_helpers import login
from webapp.api import tokens
from webapp.audit.models import AuditEntry
from webapp.core import clock
from webapp.extensions import db
from webapp.webhooks import dispatch, signing
from webapp.webhooks.models import WebhookDelivery, WebhookEndpoint

PUBLIC = "https://93.184.216.34/govflow"  # a public address: registering sends nothing


def _token(org, username, scopes=("read", "act", "admin")):
    _row, secret = tokens.issue(org.users[username], "推送测试", list(scopes), 1)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _register(client, headers, url=PUBLIC, **extra):
    return client.post("/api/v1/webhooks", headers=headers,
                       json={"name": "市政务OA", "url": url, "events": ["item.adopted"], **extra})


def test_the_administrator_registers_and_gets_the_secret_once(app, org):
    headers = _token(org, "admin")
    client = app.test_client()
    created = _register(client, {**headers, "Idempotency-Key": "hook-00001"})
    assert created.status_code == 201, created.get_data(as_text=True)
    secret = created.headers["X-GovFlow-Webhook-Secret"]
    assert secret.startswith("whsec_") and secret not in created.get_data(as_text=True)
    endpoint = created.get_json()["endpoint"]
    row = db.session.get(WebhookEndpoint, endpoint["id"])
    assert signing.unseal(row.secret_encrypted) == secret and row.secret_shown_dt is not None
    assert (endpoint["unit_id"], endpoint["events"], endpoint["active"]) == (org.units["city"].id, ["item.adopted"],
                                                                             True)
    again = _register(client, {**headers, "Idempotency-Key": "hook-00001"})
    assert again.status_code == 201 and again.get_json() == created.get_json()
    assert "X-GovFlow-Webhook-Secret" not in again.headers  # never shown again, not even to a repeat
    assert db.session.query(WebhookEndpoint).count() == 1
    listed = client.get("/api/v1/webhooks", headers=headers).get_json()
    assert [e["id"] for e in listed["endpoints"]] == [endpoint["id"]] and listed["next_cursor"] is None
    assert secret not in str(listed) and "secret" not in listed["endpoints"][0]
    audit = db.session.query(AuditEntry).filter_by(action="webhooks.endpoint_created").one()
    assert audit.username == "admin"


def test_change_disable_enable_delete_as_on_the_page(app, org):
    headers = _token(org, "admin")
    client = app.test_client()
    endpoint_id = _register(client, headers).get_json()["endpoint"]["id"]
    changed = client.post(f"/api/v1/webhooks/{endpoint_id}", headers=headers,
                          json={"events": ["case.overdue", "emergency.late"]})
    assert changed.status_code == 200 and changed.get_json()["endpoint"]["events"] == ["case.overdue",
                                                                                       "emergency.late"]
    empty = client.post(f"/api/v1/webhooks/{endpoint_id}", headers=headers, json={"events": []})
    assert empty.status_code == 422 and "请至少选择一项推送事件" in str(empty.get_json()["fields"])
    assert client.post(f"/api/v1/webhooks/{endpoint_id}/disable", headers=headers).get_json()["endpoint"]["active"] \
        is False
    assert client.post(f"/api/v1/webhooks/{endpoint_id}/enable", headers=headers).get_json()["endpoint"]["active"]
    assert client.get(f"/api/v1/webhooks/{endpoint_id}", headers=headers).get_json()["endpoint"]["id"] == endpoint_id
    actions = [a for (a,) in db.session.query(AuditEntry.action).filter(AuditEntry.action.like("webhooks.%"))
               .order_by(AuditEntry.id)]
    assert actions == ["webhooks.endpoint_created", "webhooks.endpoint_changed", "webhooks.endpoint_disabled",
                       "webhooks.endpoint_enabled"]
    assert client.post(f"/api/v1/webhooks/{endpoint_id}/delete", headers=headers).get_json() == {"deleted": True}
    assert db.session.query(WebhookEndpoint).count() == 0
    for path in (f"/api/v1/webhooks/{endpoint_id}", "/api/v1/webhooks/2147483648", "/api/v1/webhooks/0"):
        assert client.get(path, headers=headers).status_code == 404, path
        assert client.post(path, headers=headers, json={"events": ["item.adopted"]}).status_code == 404, path


def test_ssrf_targets_are_refused_through_the_api_as_on_the_page(app, org):
    headers = _token(org, "admin")
    client = app.test_client()
    for url, said in (("http://127.0.0.1:8080/hook", "不允许推送到内网、本机或保留地址"),
                      ("http://169.254.169.254/latest/meta-data", "不允许推送到内网"),
                      ("http://10.0.0.5/hook", "不允许推送到内网"), ("http://[::ffff:127.0.0.1]/x", "不允许推送到内网"),
                      ("ftp://example.org/x", "http:// 或 https://"),
                      ("http://user:pw@93.184.216.34/", "用户名或密码")):
        refused = _register(client, headers, url)
        assert refused.status_code == 422, url
        assert refused.mimetype == "application/problem+json"
        assert said in " ".join(refused.get_json()["fields"]["url"]), (url, refused.get_json())
    assert db.session.query(WebhookEndpoint).count() == 0
    app.config["WEBHOOK_ALLOW_HOSTS"] = "127.0.0.1"
    try:
        assert _register(client, headers, "http://127.0.0.1:8080/hook").status_code == 201  # named by the allowlist
    finally:
        app.config["WEBHOOK_ALLOW_HOSTS"] = ""


def test_roles_scopes_and_units(app, org):
    client = app.test_client()
    for username, scopes, status in (("admin", ("read", "act"), 403), ("writer_a", ("read", "act"), 403),
                                     ("dc", ("read", "act"), 403), ("secadmin", ("read", "act"), 403)):
        headers = _token(org, username, scopes)
        for method, path in (("GET", "/api/v1/webhooks"), ("POST", "/api/v1/webhooks"),
                             ("GET", "/api/v1/webhooks/deliveries")):
            answer = client.open(path, method=method, headers=headers, json={} if method == "POST" else None)
            assert answer.status_code == status, (username, path, answer.get_json())
    problem = client.get("/api/v1/webhooks", headers=_token(org, "dc", ("read",))).get_json()
    assert problem["code"] == "insufficient_scope" and problem["required_scope"] == "admin"
    session = app.test_client()  # a browser session acts with its user's roles: only the 系统管理员
    csrf = login(session, "dc")
    refused = session.post("/api/v1/webhooks", headers={"X-CSRF-Token": csrf}, json={})
    assert refused.status_code == 403 and refused.get_json()["detail"] == "只有系统管理员可以管理事件推送。"
    session = app.test_client()
    login(session, "admin")
    assert session.get("/api/v1/webhooks").status_code == 200
    # another unit's administrator never learns of the city's endpoint or its deliveries
    admin = _token(org, "admin")
    endpoint_id = _register(client, admin).get_json()["endpoint"]["id"]
    delivery = WebhookDelivery(endpoint_id=endpoint_id, event="item.adopted", body="{}", state="failed", attempts=6,
                               created_dt=clock.now(), next_attempt_dt=clock.now())
    db.session.add(delivery)
    org.user("admin_b", "county-b", ["admin"])
    db.session.commit()
    other = _token(org, "admin_b")
    assert client.get("/api/v1/webhooks", headers=other).get_json()["endpoints"] == []
    assert client.get("/api/v1/webhooks/deliveries", headers=other).get_json()["deliveries"] == []
    for path in (f"/api/v1/webhooks/{endpoint_id}/disable", f"/api/v1/webhooks/deliveries/{delivery.id}/replay",
                 f"/api/v1/webhooks/{endpoint_id}/delete"):
        assert client.post(path, headers=other).status_code == 404, path
    assert db.session.get(WebhookEndpoint, endpoint_id).active


def test_deliveries_are_listed_by_cursor_and_replayed(app, org, monkeypatch):
    woken = []
    monkeypatch.setattr(dispatch, "wake", woken.append)  # the deliverer is not started: nothing leaves the test
    headers = _token(org, "admin")
    client = app.test_client()
    endpoint_id = _register(client, headers).get_json()["endpoint"]["id"]
    then = clock.now() - timedelta(hours=3)
    rows = [WebhookDelivery(endpoint_id=endpoint_id, event="item.adopted", body="{}", state=state, attempts=6,
                            created_dt=then, next_attempt_dt=then) for state in ("failed", "sent", "failed", "failed")]
    db.session.add_all(rows)
    db.session.commit()
    ids, cursor = [], None
    while True:
        page = client.get("/api/v1/webhooks/deliveries", headers=headers,
                          query_string={"limit": 1, "state": "failed", **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.get_data(as_text=True)
        ids += [d["id"] for d in page.get_json()["deliveries"]]
        cursor = page.get_json()["next_cursor"]
        if cursor is None:
            break
    assert ids == sorted((r.id for r in rows if r.state == "failed"), reverse=True)
    elsewhere = client.get("/api/v1/webhooks/deliveries", headers=headers, query_string={"cursor": "x.y"})
    assert elsewhere.status_code == 400 and elsewhere.get_json()["code"] == "invalid_cursor"

    replayed = client.post(f"/api/v1/webhooks/deliveries/{rows[0].id}/replay", headers=headers)
    assert replayed.status_code == 200, replayed.get_data(as_text=True)
    assert replayed.get_json()["delivery"]["state"] == "pending"
    db.session.expire_all()
    assert db.session.get(WebhookDelivery, rows[0].id).state == "pending"
    assert db.session.query(AuditEntry).filter_by(action="webhooks.delivery_replayed").count() == 1
    assert woken == [app]  # handed to the deliverer after the commit, as from the page
