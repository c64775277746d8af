"""What the audit log records as people use GovFlow: logins, task actions, secret views, admin changes, refusals."""
from datetime import timedelta

import handlers
from tests.audit.helpers import actions, entries, verify_cli
from tests.cases.helpers import new_case, travel
from tests.conftest import PASSWORD, START
from tests.engine.conftest import BPMN_DIR
from tests.helpers import new_item, open_task
from tests.web_helpers import csrf, login, once
from webapp import audit
from webapp.core import clock
from webapp.engine import definitions, runner
from webapp.extensions import db
from webapp.reports.models import InfoItem

COMPOSE = {"title": "县城区供水管网改造进展", "body": "已完成改造管网十二公里，惠及居民八千户。",
           "category": "民生保障", "urgency": "urgent", "importance": "general", "secrecy": "1", "action": "submit"}
RULE = {"level": "provincial", "finish_amount": "10", "finish_unit": "calendar_days", "remind_amount": "2",
        "remind_unit": "calendar_days", "feedback_amount": "5", "feedback_unit": "calendar_days",
        "extension_cap_amount": "20", "extension_cap_unit": "calendar_days"}


def test_a_morning_of_work_through_the_pages_is_recorded_in_order_and_the_chain_holds(app, org):
    writer = app.test_client()
    token = login(writer, "writer_a")
    task_url = writer.post("/reports/new", data={"csrf_token": token, **once()}).headers["Location"]
    clock.advance(timedelta(minutes=7))
    assert writer.post(task_url, data={**COMPOSE, "csrf_token": token}).status_code == 302
    item = db.session.query(InfoItem).one()

    verifier = app.test_client()
    login(verifier, "verifier_a")
    assert verifier.get(f"/reports/{item.id}").status_code == 200  # an internal (内部) item: secrecy 1

    admin = app.test_client()
    admin_token = login(admin, "admin")
    saved = admin.post("/admin/calendar/", data={"csrf_token": admin_token, "year": "2027",
                                                 "entries": "2027-01-01 元旦 休", "note": ""})
    assert saved.status_code == 302
    assert writer.post("/logout", data={"csrf_token": token}).status_code == 302

    log = entries()
    assert [e.action for e in log] == ["auth.login", "task.start", "task.complete", "auth.login", "item.view_secret",
                                       "auth.login", "admin.calendar.save", "auth.logout"]
    assert [e.seq for e in log] == list(range(1, 9))
    login_entry, start, complete, _, view, _, calendar, logout = log
    writer_a = org.users["writer_a"]
    assert (login_entry.user_id, login_entry.username, login_entry.user_name, login_entry.role,
            login_entry.unit_id, login_entry.unit_name, login_entry.ip) == (
        writer_a.id, "writer_a", "用户writer_a", "writer", writer_a.unit_id, "a县委办公室", "127.0.0.1")
    assert login_entry.event_dt == START and complete.event_dt == START + timedelta(minutes=7)
    assert (start.target_type, start.target_id) == ("instance", str(item.instance_id))
    assert (complete.username, complete.role, complete.detail["step_key"]) == ("writer_a", "writer", "compose")
    assert complete.detail["data"]["title"] == "县城区供水管网改造进展" and "采编" in complete.summary
    assert (view.username, view.target_type, view.target_id) == ("verifier_a", "info_item", str(item.id))
    assert "县城区供水管网改造进展" in view.summary and view.detail["secrecy"] == 1
    assert (calendar.username, calendar.target_id) == ("admin", "2027")
    assert calendar.detail == {"before": "", "after": "2027-01-01 元旦 休", "complete": False, "note": ""}
    assert logout.username == "writer_a"
    assert log[0].prev_hash == "0" * 64 and all(e.prev_hash == p.hash for p, e in zip(log, log[1:], strict=False))
    assert verify_cli(app) == (0, "审计日志完整：8 条\n")


def test_failed_logins_name_the_account_tried(app, org):
    client = app.test_client()
    for username, password in (("nobody", PASSWORD), ("writer_a", "wrong")):
        response = client.post("/login", data={"username": username, "password": password, "csrf_token": csrf(client)})
        assert response.status_code == 401
    unknown, wrong_password = entries(action="auth.login_failed")
    assert (unknown.user_id, unknown.username, unknown.unit_name) == (None, "nobody", "")
    assert "nobody" in unknown.summary and unknown.detail == {"username": "nobody"}
    assert (wrong_password.user_id, wrong_password.unit_name) == (org.users["writer_a"].id, "a县委办公室")


def test_public_views_are_not_recorded_and_timers_are_recorded_as_the_system(app, org):
    item = new_item(org, title="一般事项报告")
    case = new_case(org)
    client = app.test_client()
    login(client, "verifier_a")
    assert client.get(f"/reports/{item.id}").status_code == 200
    assert "item.view_secret" not in actions()

    travel(days=14)  # the case's reminder timer fires
    timer_entries = entries(action="task.timer", target_id=str(case.instance_id))
    assert timer_entries and all((e.user_id, e.username, e.user_name) == (None, "system", "系统")
                                 for e in timer_entries)
    assert verify_cli(app)[0] == 0


def test_viewing_a_secret_case_is_recorded(app, org):
    case = new_case(org, secrecy="1")
    dc = app.test_client()
    login(dc, "dc")
    assert dc.get(f"/cases/{case.id}").status_code == 200
    (view,) = entries(action="item.view_secret")
    assert (view.username, view.target_type, view.target_id, view.detail["instance_id"]) == (
        "dc", "case", str(case.id), case.instance_id)


def test_record_view_of_a_secret_task_row_for_the_inbox(app, org):
    org.users["writer_a"].clearance = 2  # nobody marks above their own clearance
    item = new_item(org, title="涉密事项报告", secrecy="2")
    row = open_task(item.instance_id)
    assert audit.record_view(row, org.users["verifier_a"]) is True
    assert audit.record_view(new_item(org, title="一般事项报告"), org.users["verifier_a"]) is False
    db.session.commit()
    (view,) = entries(action="item.view_secret")
    assert (view.username, view.target_type, view.target_id, view.summary) == (
        "verifier_a", "task", str(row.id), "查看秘密事项：涉密事项报告")


def test_what_is_rolled_back_leaves_no_entry(app, org):
    writer = app.test_client()
    token = login(writer, "writer_a")
    task_url = writer.post("/reports/new", data={"csrf_token": token, **once()}).headers["Location"]
    assert writer.post(task_url, data={**COMPOSE, "csrf_token": token, "body": ""}).status_code == 422
    assert "task.complete" not in actions()

    audit.record("test.dropped", summary="回滚前记录")
    db.session.rollback()
    audit.record("test.kept", summary="提交前记录")
    db.session.commit()
    assert actions()[-1] == "test.kept" and "test.dropped" not in actions()
    assert verify_cli(app)[0] == 0


def test_a_refused_request_is_recorded(app, org):
    item = new_item(org)
    client = app.test_client()
    login(client, "leader_a")  # same unit, not the verifier
    row = open_task(item.instance_id)
    assert client.get(f"/tasks/{row.id}").status_code == 403
    (denied,) = entries(action="access.denied")
    assert (denied.username, denied.detail["path"], denied.detail["method"]) == ("leader_a", f"/tasks/{row.id}", "GET")


def test_admin_changes_are_recorded_with_what_changed(app, org, monkeypatch, tmp_path):
    admin = app.test_client()
    token = login(admin, "admin")
    assert admin.post("/cases/rules", data={**RULE, "csrf_token": token}).status_code == 302
    (rules,) = entries(action="admin.rules.save")
    assert rules.target_id == "provincial" and rules.detail["before"]["finish_amount"] == 15
    assert rules.detail["after"]["finish_amount"] == 10
    assert rules.detail["after"]["extension_cap_unit"] == "calendar_days"

    monkeypatch.setitem(app.config, "DEMO_CLOCK", True)
    assert admin.post("/admin/clock", data={"csrf_token": token, "hours": "24"}).status_code == 302
    (moved,) = entries(action="admin.clock")
    assert moved.detail == {"hours": 24.0} and "24 小时" in moved.summary

    (tmp_path / "short_timer.bpmn").write_text((BPMN_DIR / "short_timer.bpmn").read_text(encoding="utf-8"),
                                               encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["govflow", "deploy", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    deployed = entries(action="admin.deploy")
    assert deployed and deployed[0].username == "system" and deployed[0].target_id.endswith(":v1")
    again = app.test_cli_runner().invoke(args=["govflow", "deploy", "--dir", str(tmp_path)])
    assert again.exit_code == 0 and len(entries(action="admin.deploy")) == len(deployed)  # unchanged: nothing new
    assert verify_cli(app)[0] == 0


def test_an_admin_retry_of_an_incident_is_recorded(app, org, monkeypatch):
    definitions.deploy("flaky_service", (BPMN_DIR / "flaky_service.bpmn").read_text())
    calls = []

    def flaky(_ctx, n):
        calls.append(n)
        if len(calls) == 1:
            raise RuntimeError("上游系统无响应")
        return {"answer": n + 1}

    monkeypatch.setitem(handlers.REGISTRY, "test.flaky", flaky)
    verifier = org.users["verifier_a"]
    instance = runner.start("flaky_service", verifier, {"unit_id": verifier.unit_id, "title": "重试测试"})
    db.session.commit()
    assert runner.complete(open_task(instance.id).id, verifier, {"decision": "ok"}).status == "incident"
    db.session.commit()

    admin = app.test_client()
    token = login(admin, "admin")
    assert admin.post(f"/admin/instances/{instance.id}/retry", data={"csrf_token": token}).status_code == 302
    (retry,) = entries(action="admin.retry")
    assert (retry.username, retry.target_type, retry.target_id) == ("admin", "instance", str(instance.id))
    assert retry.detail == {"status": "completed", "incident": None}
    assert [e.username for e in entries(action="task.retry")] == ["admin"]
    assert verify_cli(app)[0] == 0
