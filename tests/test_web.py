"""What a user sees over HTTP: login, access rules, scoping by unit and secrecy, clear errors."""
import pytest

from tests.helpers import act, new_item, open_task
from tests.web_helpers import csrf, login, once
from webapp.extensions import db
from webapp.reports.models import InfoItem

PROTECTED_GET = ["/", "/done", "/reports/", "/reports/1", "/tasks/1", "/admin/", "/admin/calendar/", "/api/tasks",
                 "/api/reports/1", "/cases/", "/cases/?alert=red", "/cases/1", "/cases/instance/1", "/cases/rules",
                 "/notices/"]


@pytest.mark.parametrize("path", PROTECTED_GET)
def test_every_page_needs_a_login(app, path):
    response = app.test_client().get(path)
    if path.startswith("/api/"):
        assert response.status_code == 401 and response.json["error"] == "unauthorized"
    else:
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_wrong_password_is_refused_in_chinese(app, org):
    client = app.test_client()
    response = client.post("/login", data={"username": "writer_a", "password": "nope", "csrf_token": csrf(client)})
    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)


def test_a_post_without_the_csrf_token_is_refused(app, org):
    client = app.test_client()
    login(client, "writer_a")
    response = client.post("/reports/new")
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    assert db.session.query(InfoItem).count() == 0


@pytest.mark.parametrize("path", ["/admin/", "/cases/rules"])
@pytest.mark.parametrize("username, roles_allowed", [("writer_a", False), ("dc", False), ("admin", True)])
def test_admin_pages_need_the_admin_role(app, org, path, username, roles_allowed):
    client = app.test_client()
    login(client, username)
    response = client.get(path)
    assert response.status_code == (200 if roles_allowed else 403)
    if not roles_allowed:
        assert "您没有执行此操作的权限" in response.get_data(as_text=True)


def test_writer_creates_and_submits_an_item_through_the_pages(app, org):
    client = app.test_client()
    token = login(client, "writer_a")
    response = client.post("/reports/new", data={"csrf_token": token, **once()})
    assert response.status_code == 302
    task_url = response.headers["Location"]
    form = {"csrf_token": token, "title": "县城区供水管网改造进展", "body": "已完成改造管网十二公里，惠及居民八千户。",
            "category": "民生保障", "urgency": "urgent", "importance": "general", "secrecy": "1", "action": "submit"}
    bad = client.post(task_url, data={**form, "body": "太短"})
    assert bad.status_code == 422 and "正文长度" in bad.get_data(as_text=True)
    assert client.post(task_url, data=form).status_code == 302
    item = db.session.query(InfoItem).one()
    assert (item.status, item.title, item.secrecy) == ("verifying", "县城区供水管网改造进展", 1)

    verifier = app.test_client()
    login(verifier, "verifier_a")
    inbox = verifier.get("/").get_data(as_text=True)
    assert "县城区供水管网改造进展" in inbox and "核实审核" in inbox


def test_items_outside_the_unit_or_above_clearance_are_invisible(app, org):
    org.users["writer_a"].clearance = 2  # nobody marks above their own clearance
    secret = new_item(org, title="涉密事项报告", secrecy="2")
    ordinary = new_item(org, title="一般事项报告")
    other_county = app.test_client()
    login(other_county, "writer_b")
    assert other_county.get(f"/reports/{ordinary.id}").status_code == 404
    assert other_county.get(f"/api/reports/{ordinary.id}").json["error"] == "not_found"
    assert "一般事项报告" not in other_county.get("/reports/").get_data(as_text=True)

    low = app.test_client()
    login(low, "writer_a2")  # same unit, clearance 公开 only
    listing = low.get("/reports/").get_data(as_text=True)
    assert "一般事项报告" in listing and "涉密事项报告" not in listing
    assert low.get(f"/reports/{secret.id}").status_code == 404

    editor_low = app.test_client()
    login(editor_low, "editor_low")
    assert editor_low.get(f"/reports/{ordinary.id}").status_code == 404  # not yet submitted upward


def test_feedback_reaches_the_writer_and_the_unit_in_their_inbox(app, org):
    item = new_item(org, title="乡村振兴示范点建设情况")
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    act(org, "leader_a", item.instance_id, {"decision": "pass"})
    act(org, "editor", item.instance_id, {"decision": "adopt", "publication": "专报", "opinion": "很有价值"})
    for username in ("writer_a", "leader_a"):
        client = app.test_client()
        login(client, username)
        inbox = client.get("/").get_data(as_text=True)
        assert "来稿反馈" in inbox and "乡村振兴示范点建设情况" in inbox and "《专报》" in inbox and "很有价值" in inbox
    other = app.test_client()
    login(other, "writer_b")
    assert "乡村振兴示范点建设情况" not in other.get("/").get_data(as_text=True)


def test_the_api_answers_json_errors(app, org):
    item = new_item(org)
    row = open_task(item.instance_id)
    client = app.test_client()
    token = login(client, "verifier_a")
    headers = {"X-CSRF-Token": token}
    missing = client.post(f"/api/tasks/{row.id}/complete", json={}, headers=headers)
    assert missing.status_code == 422 and missing.json["fields"]["decision"] == ["此项为必填项"]
    done = client.post(f"/api/tasks/{row.id}/complete", json={"decision": "pass"}, headers=headers)
    assert done.status_code == 200 and done.json["status"] == "running"
    again = client.post(f"/api/tasks/{row.id}/complete", json={"decision": "pass"}, headers=headers)
    assert again.status_code == 409 and again.json["error"] == "conflict" and "已被" in again.json["message"]

    stranger = app.test_client()
    stranger_token = login(stranger, "leader_b")
    sign_row = open_task(item.instance_id)
    forbidden = stranger.post(f"/api/tasks/{sign_row.id}/complete", json={"decision": "pass"},
                              headers={"X-CSRF-Token": stranger_token})
    assert forbidden.status_code == 404  # another county's task: not even its existence is told


def test_a_task_page_of_the_wrong_role_is_forbidden(app, org):
    item = new_item(org)
    client = app.test_client()
    login(client, "leader_a")  # same unit, not the verifier
    assert client.get(f"/tasks/{open_task(item.instance_id).id}").status_code == 403
