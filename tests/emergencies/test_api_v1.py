"""/api/v1 for 紧急信息 beyond reporting: 电话接报, 续报, 漏报 — the emergencies' operations through tokens."""
from tests.api.helpers import _bearer, _issue
from tests.emergencies.helpers import REPORT, local
from webapp.core import clock


def test_phone_reports_followups_requests_and_faults_through_tokens(app, org):
    clock.set_fixed(local("2026-03-09 10:30:00"))
    _c, _csrf, duty = _issue(app, "duty_city", scopes=("read", "act"))
    _c, _csrf, writer = _issue(app, "writer_a", scopes=("read", "act"))
    _c, _csrf, editor = _issue(app, "editor", scopes=("read", "act"))
    api = app.test_client()
    phoned = api.post("/api/v1/emergencies/phone", headers=_bearer(duty), json={
        "unit_id": org.units["county-b"].id, "caller": "张三", "event_time": "2026-03-09T10:10",
        "title": "b县道路塌陷", "summary": "县城主干道塌陷，一车辆坠入。"})
    assert phoned.status_code == 201, phoned.get_data(as_text=True)
    assert phoned.get_json()["emergency"]["mode"] == "phone"

    reported = api.post("/api/v1/emergencies", json={**REPORT, "event_time": "2026-03-09T10:00"},
                        headers=_bearer(writer)).get_json()["emergency"]
    followup = api.post(f"/api/v1/emergencies/{reported['id']}/followups", headers=_bearer(writer),
                        json={"followup_kind": "followup", "body": "第1次续报：救援进展。", "sign_mode": "leader"})
    assert followup.status_code == 201, followup.get_data(as_text=True)
    assert followup.get_json()["followup"]["kind"] == "followup"
    refused = api.post(f"/api/v1/emergencies/{reported['id']}/followups", headers=_bearer(editor),
                       json={"body": "不是报告单位"})
    assert refused.status_code in (403, 404) and refused.mimetype == "application/problem+json"
    empty = api.post(f"/api/v1/emergencies/{reported['id']}/followups", headers=_bearer(writer), json={})
    assert empty.status_code == 422 and "body" in empty.get_json()["fields"]

    fault = api.post("/api/v1/faults", headers=_bearer(editor), json={
        "unit_id": org.units["county-b"].id, "kind": "missed", "event_time": "2026-03-08T22:00",
        "title": "b县漏报火情", "description": "经查，该县未报告。"})
    assert fault.status_code == 201, fault.get_data(as_text=True)
    assert fault.get_json()["fault"]["kind_label"]
    assert api.post("/api/v1/faults", headers=_bearer(writer), json={}).status_code == 403


def test_followups_and_requests_run_once_per_idempotency_key(app, org):
    from webapp.emergencies.models import EmergencyFollowUp
    from webapp.extensions import db

    clock.set_fixed(local("2026-03-09 10:30:00"))
    _c, _csrf, writer = _issue(app, "writer_a", scopes=("read", "act"))
    _c, _csrf, editor = _issue(app, "editor", scopes=("read", "act"))
    api = app.test_client()
    reported = api.post("/api/v1/emergencies", headers=_bearer(writer), json={
        **REPORT, "event_time": "2026-03-09T10:00", "sign_mode": "skip", "skip_reason": "抢时间"}).get_json()
    reported = reported["emergency"]  # straight to the city's information office
    for secret, path, body in (
            (writer, "followups", {"body": "第1次续报：救援进展。", "sign_mode": "leader"}),
            (editor, "requests", {"due_time": "2026-03-09T14:00", "note": "请续报伤亡情况"})):
        headers = {**_bearer(secret), "Idempotency-Key": f"{path}-key-0001"}
        url = f"/api/v1/emergencies/{reported['id']}/{path}"
        before = db.session.query(EmergencyFollowUp).count()
        first, again = api.post(url, json=body, headers=headers), api.post(url, json=body, headers=headers)
        assert first.status_code == again.status_code == 201, first.get_data(as_text=True)
        assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
        db.session.expire_all()
        assert db.session.query(EmergencyFollowUp).count() == before + 1, path
