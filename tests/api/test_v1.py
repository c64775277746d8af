"""/api/v1: tokens (issued once, hashed, scoped, revocable, expiring), problem details, ETag/If-Match, the OpenAPI
document generated from the schemas, and the same rules as the pages (unit, clearance, idempotency)."""
import hashlib
import re
from datetime import timedelta

from tests.api.helpers import _bearer, _issue
from tests.cases.helpers import REGISTER
from tests.emergencies.helpers import REPORT, local
from tests.helpers import COMPOSE
from tests.web_helpers import csrf as web_csrf
from tests.web_helpers import login, once
from webapp.api.models import ApiToken
from webapp.audit.models import AuditEntry
from webapp.core import clock
from webapp.extensions import db


def test_a_token_is_shown_once_stored_hashed_and_acts_as_its_owner(app, org):
    session_client, csrf, secret = _issue(app, "writer_a", scopes=("read", "act"))
    row = db.session.query(ApiToken).one()
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in row.prefix + row.name
    listing = session_client.get("/settings/tokens").get_data(as_text=True)
    assert secret not in listing and row.prefix in listing  # never shown again

    api = app.test_client()
    me = api.get("/api/v1/me", headers=_bearer(secret))
    assert me.status_code == 200 and me.get_json()["username"] == "writer_a"
    assert me.get_json()["token_scopes"] == ["act", "read"]
    assert "Set-Cookie" not in me.headers  # a token starts no session

    created = api.post("/api/v1/items", headers={**_bearer(secret), "Idempotency-Key": "key-0001"})  # no CSRF needed
    assert created.status_code == 201, created.get_data(as_text=True)
    again = api.post("/api/v1/items", headers={**_bearer(secret), "Idempotency-Key": "key-0001"})
    assert again.get_json()["item"]["id"] == created.get_json()["item"]["id"]
    item_id = created.get_json()["item"]["id"]
    assert api.get(f"/api/v1/items/{item_id}", headers=_bearer(secret)).status_code == 200
    entries = db.session.query(AuditEntry).filter(AuditEntry.action.like("api.%")).all()
    assert [e.action for e in entries] == ["api.token_issued"] and entries[0].username == "writer_a"
    started = db.session.query(AuditEntry).filter_by(action="task.start").one()
    assert started.username == "writer_a"  # what a token does is recorded in its owner's name


def test_scopes_revocation_expiry_and_bad_tokens_answer_problem_details(app, org):
    _client, csrf, secret = _issue(app, "writer_a", scopes=("read",))
    api = app.test_client()
    refused = api.post("/api/v1/items", headers=_bearer(secret))
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    body = refused.get_json()
    assert body["code"] == "insufficient_scope" and body["required_scope"] == "act"
    assert body["title"] == "您无权访问此页面。" and "权限范围" in body["detail"] and body["status"] == 403

    for header in ({}, _bearer("gf_nonsense"), _bearer("x" * 5000), {"Authorization": "Basic abc"}):
        answer = api.get("/api/v1/me", headers=header)
        assert answer.status_code == 401 and answer.mimetype == "application/problem+json", header
        assert answer.get_json()["code"] == "unauthorized"

    row = db.session.query(ApiToken).one()
    _client.post(f"/settings/tokens/{row.id}/revoke", data={"csrf_token": csrf})
    assert api.get("/api/v1/me", headers=_bearer(secret)).status_code == 401
    assert db.session.query(AuditEntry).filter_by(action="api.token_revoked").count() == 1

    _c, _csrf, short = _issue(app, "writer_a", days="1", name="一天")
    assert api.get("/api/v1/me", headers=_bearer(short)).status_code == 200
    clock.set_fixed(clock.now() + timedelta(days=1, minutes=1))
    assert api.get("/api/v1/me", headers=_bearer(short)).status_code == 401


def test_admin_scope_only_for_admins_and_form_errors_in_chinese(app, org):
    client = app.test_client()
    csrf = login(client, "writer_a")
    page = client.post("/settings/tokens", data={"csrf_token": csrf, "name": "", "days": "400",
                                                 "scopes": ["admin"], **once()})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "有效天数" in text and db.session.query(ApiToken).count() == 0
    page = client.post("/settings/tokens", data={"csrf_token": csrf, "name": "x", "days": "1",
                                                 "scopes": ["admin"], **once()})
    assert page.status_code == 422 and "只有系统管理员" in page.get_data(as_text=True)


def test_unit_and_clearance_hold_through_a_token(app, org):
    clock.set_fixed(local("2026-03-09 10:30:00"))
    _c, _csrf, secret_a = _issue(app, "writer_a", scopes=("read", "act"))
    _c, _csrf, secret_b = _issue(app, "writer_b", scopes=("read", "act"))
    api = app.test_client()
    created = api.post("/api/v1/emergencies", json={**REPORT, "event_time": "2026-03-09T10:00"},
                       headers=_bearer(secret_a))
    assert created.status_code == 201, created.get_data(as_text=True)
    emergency_id = created.get_json()["emergency"]["id"]
    assert api.get(f"/api/v1/emergencies/{emergency_id}", headers=_bearer(secret_a)).status_code == 200
    other = api.get(f"/api/v1/emergencies/{emergency_id}", headers=_bearer(secret_b))
    assert other.status_code == 404 and other.mimetype == "application/problem+json"
    missing = api.post("/api/v1/emergencies", json={**REPORT}, headers=_bearer(secret_a))
    assert missing.status_code == 422 and missing.get_json()["fields"]["event_time"] == ["此项为必填项"]


def test_completing_with_a_stale_etag_is_412_and_with_the_current_one_runs(app, org):
    _c, _csrf, secret = _issue(app, "writer_a", scopes=("read", "act"))
    api = app.test_client()
    created = api.post("/api/v1/items", headers=_bearer(secret)).get_json()
    task_id = created["task"]["id"]
    read = api.get(f"/api/v1/tasks/{task_id}", headers=_bearer(secret))
    assert read.status_code == 200
    etag = read.headers["ETag"]
    assert read.get_json()["etag"] == etag and {"name": "title", "type": "Text", "required": True} in \
        read.get_json()["form_fields"]
    form = {**COMPOSE, "title": "接口报送的信息"}
    stale = api.post(f"/api/v1/tasks/{task_id}/complete", json=form,
                     headers={**_bearer(secret), "If-Match": '"t1-v999-open"'})
    assert stale.status_code == 412 and stale.get_json()["code"] == "precondition_failed"
    done = api.post(f"/api/v1/tasks/{task_id}/complete", json=form, headers={**_bearer(secret), "If-Match": etag})
    assert done.status_code == 200, done.get_data(as_text=True)
    replay = api.post(f"/api/v1/tasks/{task_id}/complete", json=form, headers={**_bearer(secret), "If-Match": etag})
    assert replay.status_code == 412  # the task moved on: the ETag names the state it was read in
    inbox = api.get("/api/v1/inbox/done", headers=_bearer(secret)).get_json()
    assert [t["id"] for t in inbox["tasks"]] == [task_id]
    bad = api.get("/api/v1/inbox/todo?urgency=nonsense", headers=_bearer(secret))
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert api.get("/api/v1/inbox/nothing", headers=_bearer(secret)).status_code == 404


def test_the_session_still_needs_its_csrf_token(app, org):
    client = app.test_client()
    csrf = login(client, "writer_a")
    assert client.post("/api/v1/items").status_code == 400
    assert client.post("/api/v1/items", headers={"X-CSRF-Token": csrf}).status_code == 201
    # A bearer header with a bad token is judged by the token, whatever session comes with it.
    assert client.post("/api/v1/items", headers={"Authorization": "Bearer gf_bad"}).status_code == 401


def test_the_openapi_document_is_generated_from_the_schemas(app, org):
    client = app.test_client()
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    doc = spec.get_json()
    assert doc["openapi"].startswith("3.1") and doc["info"]["title"] == "GovFlow 公共接口"
    paths = doc["paths"]
    for path in ("/api/v1/me", "/api/v1/inbox/{tab}", "/api/v1/tasks/{row_id}", "/api/v1/tasks/{row_id}/complete",
                 "/api/v1/items", "/api/v1/items/{item_id}", "/api/v1/emergencies"):
        assert path in paths, path
    assert "TaskOut" in doc["components"]["schemas"] and "Problem" in doc["components"]["schemas"]
    complete = paths["/api/v1/tasks/{row_id}/complete"]["post"]["responses"]
    assert {"200", "401", "403", "404", "412", "422"} <= set(complete)
    assert "application/problem+json" in complete["403"]["content"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "swagger-ui" in page.get_data(as_text=True)
    assert client.get("/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_a_repeated_issue_post_issues_nothing_more_and_shows_no_secret(app, org):
    client = app.test_client()
    csrf = login(client, "writer_a")
    body = {"csrf_token": csrf, "name": "大屏", "days": "30", "scopes": ["read"], **once()}
    first = client.post("/settings/tokens", data=body)
    second = client.post("/settings/tokens", data=body)
    assert first.status_code == 201 and "gf_" in first.get_data(as_text=True)
    assert second.status_code == 302 and second.headers["Location"].endswith("/settings/tokens")
    assert db.session.query(ApiToken).count() == 1


def test_nobody_revokes_another_persons_token(app, org):
    owner, owner_csrf, secret = _issue(app, "writer_a")
    row = db.session.query(ApiToken).one()
    other = app.test_client()
    other_csrf = login(other, "writer_b")
    assert other.post(f"/settings/tokens/{row.id}/revoke", data={"csrf_token": other_csrf}).status_code == 404
    assert app.test_client().get("/api/v1/me", headers=_bearer(secret)).status_code == 200


def test_each_token_has_its_own_rate_limit(app, org):
    _c, _csrf, first = _issue(app, "writer_a", name="甲")
    _c, _csrf, second = _issue(app, "writer_a", name="乙")
    api = app.test_client()
    kept = app.config["API_RATE_LIMIT"]
    app.config["API_RATE_LIMIT"] = "3/minute"
    try:
        answers = [api.get("/api/v1/me", headers=_bearer(first)).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        limited = api.get("/api/v1/me", headers=_bearer(first))
        assert limited.mimetype == "application/problem+json"
        assert limited.get_json()["title"] == "请求过于频繁，请稍后再试。"
        assert api.get("/api/v1/me", headers=_bearer(second)).status_code == 200  # another token, its own count
    finally:
        app.config["API_RATE_LIMIT"] = kept


def test_the_task_verbs_and_notices_through_a_token(app, org):
    _c, _csrf, writer = _issue(app, "writer_a", scopes=("read", "act"))
    api = app.test_client()
    created = api.post("/api/v1/items", headers=_bearer(writer)).get_json()
    task_id = created["task"]["id"]
    saved = api.post(f"/api/v1/tasks/{task_id}/draft", json={"title": "先存一下"}, headers=_bearer(writer))
    assert saved.status_code == 200 and saved.get_json()["task"]["id"] == task_id
    done = api.post(f"/api/v1/tasks/{task_id}/complete", json={**COMPOSE}, headers=_bearer(writer))
    assert done.status_code == 200, done.get_data(as_text=True)
    _c, _csrf, verifier = _issue(app, "verifier_a", scopes=("read", "act"))
    todo = api.get("/api/v1/inbox/todo", headers=_bearer(verifier)).get_json()["tasks"]
    verify_id = next(t["id"] for t in todo if t["instance_id"] == created["item"]["instance_id"])
    targets = api.get(f"/api/v1/tasks/{verify_id}/return-targets", headers=_bearer(verifier)).get_json()["steps"]
    assert [t["step_key"] for t in targets] == ["compose"]
    empty = api.post(f"/api/v1/tasks/{verify_id}/return", json={"target_row_id": targets[0]["id"]},
                     headers=_bearer(verifier))
    assert empty.status_code == 422 and empty.mimetype == "application/problem+json"
    assert "reason" in empty.get_json()["fields"]
    wrong_type = api.post(f"/api/v1/tasks/{verify_id}/return", json={"target_row_id": "x", "reason": "补充"},
                          headers=_bearer(verifier))
    assert wrong_type.status_code == 422 and wrong_type.get_json()["fields"]["target_row_id"]
    back = api.post(f"/api/v1/tasks/{verify_id}/return",
                    json={"target_row_id": targets[0]["id"], "reason": "请补充数据"}, headers=_bearer(verifier))
    assert back.status_code == 200, back.get_data(as_text=True)
    reopened = back.get_json()["task"]
    assert (reopened["step_key"], reopened["state"], reopened["assignee_id"]) == ("compose", "open",
                                                                                   org.users["writer_a"].id)
    notices = api.get("/api/v1/notices?unread=1", headers=_bearer(writer)).get_json()["notices"]
    returned = [n for n in notices if n["instance_id"] == created["item"]["instance_id"]]
    assert returned and not returned[0]["read"]
    read = api.post(f"/api/v1/notices/{returned[0]['id']}/read", headers=_bearer(writer))
    assert read.status_code == 200
    assert api.post(f"/api/v1/notices/{returned[0]['id']}/read", headers=_bearer(verifier)).status_code == 404
    again = api.post(f"/api/v1/tasks/{verify_id}/claim", headers=_bearer(verifier))
    assert again.status_code in (404, 409) and again.mimetype == "application/problem+json"  # the step moved on


def test_cases_through_a_token_and_a_secret_read_is_audited(app, org):
    _c, _csrf, desk = _issue(app, "dc", scopes=("read", "act"))
    _c, _csrf, writer = _issue(app, "writer_a", scopes=("read", "act"))
    api = app.test_client()
    assert api.post("/api/v1/cases", headers=_bearer(writer)).status_code == 403
    registered = api.post("/api/v1/cases", headers={**_bearer(desk), "Idempotency-Key": "case-key-1"})
    assert registered.status_code == 201, registered.get_data(as_text=True)
    body = registered.get_json()
    assert body["case"]["alert"] == "pending" and body["task"]["step_key"] == "register"
    form = {**REGISTER, "secrecy": "2", "lead_unit_id": str(org.units["county-a"].id)}
    done = api.post(f"/api/v1/tasks/{body['task']['id']}/complete", json=form, headers=_bearer(desk))
    assert done.status_code == 200, done.get_data(as_text=True)
    listed = api.get("/api/v1/cases", headers=_bearer(desk)).get_json()["cases"]
    assert [c["id"] for c in listed] == [body["case"]["id"]] and listed[0]["secrecy"] == 2
    assert api.get("/api/v1/cases?alert=purple", headers=_bearer(desk)).status_code == 422
    before = db.session.query(AuditEntry).filter_by(action="item.view_secret").count()
    detail = api.get(f"/api/v1/cases/{body['case']['id']}", headers=_bearer(desk))
    assert detail.status_code == 200 and detail.get_json()["case"]["case_no"] == body["case"]["case_no"]
    assert db.session.query(AuditEntry).filter_by(action="item.view_secret").count() == before + 1
    assert api.get(f"/api/v1/cases/{body['case']['id']}", headers=_bearer(writer)).status_code == 404


def test_process_definitions_need_an_admin_and_the_admin_scope(app, org):
    from pathlib import Path

    xml = Path("processes/info_report.bpmn").read_text(encoding="utf-8")
    _c, _csrf, admin_read = _issue(app, "admin", scopes=("read",), name="只读")
    _c, _csrf, admin = _issue(app, "admin", scopes=("read", "admin"), name="管理")
    _c, _csrf, writer = _issue(app, "writer_a", scopes=("read",))
    api = app.test_client()
    assert api.get("/api/v1/definitions", headers=_bearer(admin_read)).get_json()["code"] == "insufficient_scope"
    assert api.get("/api/v1/definitions", headers=_bearer(writer)).status_code == 403
    listed = api.get("/api/v1/definitions", headers=_bearer(admin)).get_json()["processes"]
    latest = {p["definition"]["process_key"]: p["definition"]["version"] for p in listed}
    assert "info_report" in latest
    hostile = xml.replace('decision == ', '__import__("os").system("id") or decision == ', 1)
    checked = api.post("/api/v1/definitions/validate", json={"xml": hostile}, headers=_bearer(admin)).get_json()
    assert not checked["ok"] and checked["errors"]
    refused = api.post("/api/v1/definitions", json={"xml": hostile, "comment": "攻击"}, headers=_bearer(admin))
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["errors"]
    no_comment = api.post("/api/v1/definitions", json={"xml": xml}, headers=_bearer(admin))
    assert no_comment.status_code == 422 and no_comment.get_json()["fields"]["comment"] == ["请填写版本说明"]
    changed = xml.replace('name="信息报送"', 'name="信息报送（接口部署）"', 1)
    assert changed != xml
    deployed = api.post("/api/v1/definitions", json={"xml": changed, "comment": "接口部署"}, headers=_bearer(admin))
    assert deployed.status_code == 201, deployed.get_data(as_text=True)
    version = deployed.get_json()["version"]
    assert version == latest["info_report"] + 1 and deployed.get_json()["created"]
    versions = api.get("/api/v1/definitions/info_report/versions", headers=_bearer(admin)).get_json()["versions"]
    assert [v["definition"]["version"] for v in versions][:2] == [version, version - 1]
    back = api.post(f"/api/v1/definitions/info_report/versions/{version - 1}/rollback", headers=_bearer(admin))
    assert back.status_code == 200 and back.get_json()["is_latest"]
    assert db.session.query(AuditEntry).filter_by(action="admin.rollback").count() == 1



def test_statistics_and_the_ranking_are_the_pages_tables(app, org):
    from tests.statistics.conftest import generate

    generate(org)
    _c, _csrf, desk = _issue(app, "dc")
    _c, _csrf, editor = _issue(app, "editor")
    _c, _csrf, writer = _issue(app, "writer_a")
    api = app.test_client()
    page_client = app.test_client()
    login(page_client, "dc")
    for kind in ("overdue", "faults"):
        answer = api.get(f"/api/v1/statistics/{kind}?from=2026-01&to=2026-03", headers=_bearer(desk))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        report = answer.get_json()
        page = page_client.get(f"/statistics/{kind}?from=2026-01&to=2026-03").get_data(as_text=True)
        assert report["title"] in page and report["columns"]
        for row in report["rows"]:
            assert str(row[0]) in page
    assert api.get("/api/v1/statistics/nothing", headers=_bearer(desk)).status_code == 404
    bad = api.get("/api/v1/statistics/overdue?from=2026-13", headers=_bearer(desk))
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert api.get("/api/v1/statistics/monthly?month=2026-02", headers=_bearer(desk)).status_code == 200
    assert api.get("/api/v1/statistics/monthly", headers=_bearer(writer)).status_code == 403

    ranking = api.get("/api/v1/rankings?month=2026-02", headers=_bearer(editor))
    assert ranking.status_code == 200, ranking.get_data(as_text=True)
    body = ranking.get_json()
    assert body["columns"][:2] == ["名次", "单位"] and body["month"] == "2026-02"
    assert api.get("/api/v1/rankings", headers=_bearer(writer)).status_code == 403


def test_attachments_through_a_token(app, org):
    import io

    pdf = b"%PDF-1.4\n% api test\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    _c, _csrf, writer = _issue(app, "writer_a", scopes=("read", "act"))
    _c, _csrf, other = _issue(app, "writer_b", scopes=("read", "act"))
    api = app.test_client()
    created = api.post("/api/v1/items", headers=_bearer(writer)).get_json()
    instance_id = created["item"]["instance_id"]
    uploaded = api.post(f"/api/v1/instances/{instance_id}/attachments", headers=_bearer(writer),
                        data={"file": (io.BytesIO(pdf), "现场照片说明.pdf")}, content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.get_data(as_text=True)
    token = uploaded.get_json()["attachment"]["token"]
    listed = api.get(f"/api/v1/instances/{instance_id}/attachments", headers=_bearer(writer)).get_json()
    assert [a["filename"] for a in listed["attachments"]] == ["现场照片说明.pdf"]
    download = api.get(f"/api/v1/attachments/{token}", headers=_bearer(writer))
    assert download.status_code == 200 and download.get_data() == pdf
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert api.get(f"/api/v1/attachments/{token}", headers=_bearer(other)).status_code == 404
    assert api.get(f"/api/v1/instances/{instance_id}/attachments", headers=_bearer(other)).status_code == 404
    bad = api.post(f"/api/v1/instances/{instance_id}/attachments", headers=_bearer(writer),
                   data={"file": (io.BytesIO(b"MZ\x90\x00"), "run.exe")}, content_type="multipart/form-data")
    assert bad.status_code == 415 and bad.mimetype == "application/problem+json"
    assert api.post(f"/api/v1/attachments/{token}/delete", headers=_bearer(other)).status_code == 404
    assert api.post(f"/api/v1/attachments/{token}/delete", headers=_bearer(writer)).get_json() == {"deleted": True}
    assert api.get(f"/api/v1/attachments/{token}", headers=_bearer(writer)).status_code == 404


def test_a_service_account_never_signs_in_and_acts_through_an_admins_token(app, org):
    from webapp.auth.models import User

    admin = app.test_client()
    csrf = login(admin, "admin")
    created = admin.post("/admin/users/new", data={
        "csrf_token": csrf, "username": "oa_bridge", "name": "OA对接", "unit_id": str(org.units["county-a"].id),
        "roles": ["writer"], "is_service": "1", **once()})
    assert created.status_code == 200 and 'id="service-account"' in created.get_data(as_text=True)
    account = db.session.query(User).filter_by(username="oa_bridge").one()
    assert account.is_service and not account.must_change_password
    assert 'id="temporary-password"' not in created.get_data(as_text=True)

    page = admin.post("/admin/service-tokens", data={"csrf_token": csrf, "account_id": str(account.id),
                                                      "name": "OA", "days": "30", "scopes": ["read", "act"],
                                                      **once()})
    assert page.status_code == 201, page.get_data(as_text=True)
    secret = re.search(r'id="token-secret">(gf_[A-Za-z0-9_-]+)<', page.get_data(as_text=True)).group(1)
    api = app.test_client()
    me = api.get("/api/v1/me", headers=_bearer(secret)).get_json()
    assert me["username"] == "oa_bridge" and me["roles"] == ["writer"]
    made = api.post("/api/v1/items", headers=_bearer(secret))
    assert made.status_code == 201
    issued = db.session.query(AuditEntry).filter_by(action="api.token_issued").one()
    assert issued.username == "admin" and "oa_bridge" in issued.summary
    assert db.session.query(AuditEntry).filter_by(action="task.start").one().username == "oa_bridge"

    refused = admin.post("/admin/service-tokens", data={"csrf_token": csrf, "account_id": str(account.id),
                                                         "name": "x", "days": "1", "scopes": ["admin"], **once()})
    assert refused.status_code == 422
    not_service = admin.post("/admin/service-tokens", data={
        "csrf_token": csrf, "account_id": str(org.users["writer_a"].id), "name": "x", "days": "1",
        "scopes": ["read"], **once()})
    assert not_service.status_code == 422 and "请选择服务账号" in not_service.get_data(as_text=True)

    visitor = app.test_client()
    signed = visitor.post("/login", data={"username": "oa_bridge", "password": "anything-at-all",
                                          "csrf_token": web_csrf(visitor)})
    wrong = visitor.post("/login", data={"username": "writer_a", "password": "not-the-password",
                                         "csrf_token": web_csrf(visitor)})
    assert signed.status_code == wrong.status_code != 302  # refused like a wrong password, whatever it tries
    row = db.session.query(ApiToken).filter_by(user_id=account.id).one()
    assert admin.post(f"/admin/service-tokens/{row.id}/revoke", data={"csrf_token": csrf}).status_code == 302
    assert api.get("/api/v1/me", headers=_bearer(secret)).status_code == 401
    writer = app.test_client()
    writer_csrf = login(writer, "writer_a")
    assert writer.get("/admin/service-tokens").status_code == 403
    assert writer.post(f"/admin/service-tokens/{row.id}/revoke", data={"csrf_token": writer_csrf}).status_code == 403


def test_copy_upload_and_a_service_token_run_once_per_key(app, org):
    import io

    from webapp.attachments.models import Attachment
    from webapp.inbox.models import InstanceCopy

    _c, _csrf, writer = _issue(app, "writer_a", scopes=("read", "act"))
    api = app.test_client()
    instance_id = api.post("/api/v1/items", headers=_bearer(writer)).get_json()["item"]["instance_id"]
    keyed = {**_bearer(writer), "Idempotency-Key": "copy-key-0001"}
    body = {"user_ids": [org.users["writer_a2"].id], "note": "请阅"}
    first = api.post(f"/api/v1/instances/{instance_id}/copy", json=body, headers=keyed)
    again = api.post(f"/api/v1/instances/{instance_id}/copy", json=body, headers=keyed)
    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert db.session.query(InstanceCopy).filter_by(instance_id=instance_id).count() == 1

    keyed = {**_bearer(writer), "Idempotency-Key": "upload-key-0001"}
    pdf = b"%PDF-1.4\n% once\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    answers = [api.post(f"/api/v1/instances/{instance_id}/attachments", headers=keyed,
                        data={"file": (io.BytesIO(pdf), "说明.pdf")}, content_type="multipart/form-data")
               for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201], answers[0].get_data(as_text=True)
    assert answers[1].headers["Idempotent-Replayed"] == "true"
    assert db.session.query(Attachment).filter_by(instance_id=instance_id).count() == 1

    from webapp.auth.models import User

    service = User(username="svc_once", name="对接", unit=org.units["county-a"], clearance=0, is_service=True)
    service.set_password("unused-Pa55word!")
    db.session.add(service)
    db.session.commit()
    admin = app.test_client()
    csrf = login(admin, "admin")
    form = {"csrf_token": csrf, "account_id": str(service.id), "name": "OA", "days": "30", "scopes": ["read"], **once()}
    first, again = admin.post("/admin/service-tokens", data=form), admin.post("/admin/service-tokens", data=form)
    assert first.status_code == 201 and again.status_code == 302 and "gf_" not in again.get_data(as_text=True)
    assert db.session.query(ApiToken).filter_by(user_id=service.id).count() == 1


def test_a_password_reset_revokes_the_users_tokens(app, org):
    """Whoever knew the reset password may have made a token: the reset ends it too, in the administrator's name."""
    _c, _csrf, secret = _issue(app, "writer_a", scopes=("read", "act"))
    _c, _csrf, kept = _issue(app, "writer_b")
    api = app.test_client()
    assert api.get("/api/v1/me", headers=_bearer(secret)).status_code == 200
    admin = app.test_client()
    token = login(admin, "admin")
    reset = admin.post(f"/admin/users/{org.users['writer_a'].id}/reset-password", data={"csrf_token": token})
    assert reset.status_code == 200
    refused = api.get("/api/v1/me", headers=_bearer(secret))
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    assert api.get("/api/v1/me", headers=_bearer(kept)).status_code == 200  # another user's token stays
    row = db.session.query(ApiToken).filter_by(user_id=org.users["writer_a"].id).one()
    assert row.revoked_dt is not None
    entry = db.session.query(AuditEntry).filter_by(action="api.token_revoked", target_id=str(row.id)).one()
    assert entry.user_id == org.users["admin"].id and entry.detail["reason"] == "password_reset"
