"""The emergency JSON API: report, phone report, read; errors as JSON with the fields at fault."""
from tests.emergencies.helpers import REPORT, local
from tests.web_helpers import login
from webapp.core import clock


def _client(app, org, username):
    client = app.test_client()
    token = login(client, username)
    return client, {"X-CSRF-Token": token}


def test_report_read_and_errors(app, org):
    clock.set_fixed(local("2026-03-09 10:30:00"))
    client, headers = _client(app, org, "writer_a")
    missing = client.post("/api/emergencies", json={**REPORT}, headers=headers)
    assert missing.status_code == 422
    assert missing.get_json()["fields"]["event_time"] == ["此项为必填项"]

    created = client.post("/api/emergencies", json={**REPORT, "event_time": "2026-03-09T10:00"}, headers=headers)
    assert created.status_code == 201
    body = created.get_json()["emergency"]
    assert body["status"] == "signing" and body["next_level"] == "city" and not body["overdue"]
    assert [lv["level"] for lv in body["levels"]] == ["city", "province", "centre"]
    assert body["levels"][0]["due_dt"].startswith("2026-03-09T04:00")

    read = client.get(f"/api/emergencies/{body['id']}")
    assert read.status_code == 200 and read.get_json()["history"][0]["action"] == "start"
    assert [e["id"] for e in client.get("/api/emergencies?scope=open").get_json()["emergencies"]] == [body["id"]]

    other, _ = _client(app, org, "writer_b")
    assert other.get(f"/api/emergencies/{body['id']}").status_code == 404  # another county's report

    editor, editor_headers = _client(app, org, "editor")
    refused = editor.post("/api/emergencies", json={**REPORT, "event_time": "2026-03-09T10:00"},
                          headers=editor_headers)
    assert refused.status_code == 403 and "信息员或值班员" in refused.get_json()["message"]


def test_phone_report_over_the_api(app, org):
    clock.set_fixed(local("2026-03-09 10:30:00"))
    client, headers = _client(app, org, "duty_city")
    response = client.post("/api/emergencies/phone", headers=headers, json={
        "unit_id": org.units["county-b"].id, "caller": "张三", "event_time": "2026-03-09T10:10",
        "title": "b县道路塌陷", "summary": "县城主干道塌陷，一车辆坠入。"})
    assert response.status_code == 201
    body = response.get_json()["emergency"]
    assert body["mode"] == "phone" and body["status"] == "awaiting_written"
    assert body["levels"][0]["reached_via"] == "phone" and body["levels"][0]["late_minutes"] is None
