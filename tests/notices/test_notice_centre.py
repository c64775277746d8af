"""The notice centre as users see it: who gets which notice, unread count, open one, secrecy."""
import re

import pytest
from lxml import html as lxml_html

from tests.cases.helpers import local, new_case, travel_to
from tests.helpers import COMPOSE, act, completed_row, new_item, open_task
from tests.web_helpers import login, once
from webapp.engine import verbs
from webapp.extensions import db
from webapp.inbox import operations as inbox
from webapp.notices.models import Notice

TITLE = COMPOSE["title"]


def _rows(client):
    """(title, body, state) of each notice on the user's notices page, newest first."""
    doc = lxml_html.fromstring(client.get("/notices/").get_data(as_text=True))
    rows = []
    for tr in doc.xpath("//table[@id='notices']/tbody/tr[@data-notice-id]"):
        cells = tr.xpath("./td")
        body = cells[1].xpath(".//div[@class='muted']")
        rows.append((cells[1].xpath(".//button[@class='notice-title']")[0].text_content().strip(),
                     body[0].text_content().strip() if body else "", cells[3].text_content().strip()))
    return rows


def _badge(client):
    doc = lxml_html.fromstring(client.get("/").get_data(as_text=True))
    badge = doc.xpath("//*[@id='notice-count']")
    return badge[0].text_content() if badge else None


@pytest.fixture
def as_user(app):
    def _as(username):
        client = app.test_client()
        login(client, username)
        return client

    return _as


def test_a_new_task_reaches_its_role_in_its_unit_and_a_returned_one_only_its_assignee(org, as_user):
    item = new_item(org)
    verifier = as_user("verifier_a")
    assert _rows(verifier) == [(f"新待办「核实审核」：{TITLE}", "", "未读")]
    for other in ("verifier_b", "writer_a2", "leader_a"):  # another unit's verifier, other roles
        assert _rows(as_user(other)) == []

    act(org, "verifier_a", item.instance_id, {"decision": "return", "opinion": "请核实数据来源"})
    row = open_task(item.instance_id)
    assert (row.step_key, row.assignee_id) == ("compose", org.users["writer_a"].id)
    assert (f"被退回「采编」：{TITLE}", "退回理由：请核实数据来源", "未读") in _rows(as_user("writer_a"))
    assert _rows(as_user("writer_a2")) == []  # same unit and role, but the task is writer_a's alone

    act(org, "writer_a", item.instance_id, COMPOSE)
    act(org, "verifier_a", item.instance_id, {"decision": "pass", "opinion": "属实"})
    sign = open_task(item.instance_id)
    verbs.return_to(sign.id, org.users["leader_a"], _completed(item, "compose").id, "标题不准确")
    db.session.commit()
    assert _rows(as_user("writer_a"))[0] == (f"被退回「采编」：{TITLE}", "退回理由：标题不准确", "未读")
    assert [r[0] for r in _rows(as_user("leader_a"))] == [f"新待办「审签」：{TITLE}"]


def _completed(item, step_key):
    from webapp.engine.models import HumanTask

    return (db.session.query(HumanTask).filter_by(instance_id=item.instance_id, step_key=step_key, state="completed")
            .order_by(HumanTask.id.desc()).first())


def test_the_writer_starting_a_draft_in_the_app_is_not_told_about_it(org, as_user):
    writer = as_user("writer_a")
    token = re.search(r'name="csrf_token" value="([^"]+)"', writer.get("/reports/").get_data(as_text=True)).group(1)
    assert writer.post("/reports/new", data={"csrf_token": token, **once()}).status_code == 302
    assert db.session.query(Notice).count() == 0
    assert _rows(writer) == []


def test_unread_count_and_opening_one_notice_through_the_web(org, as_user):
    item = new_item(org)
    row = open_task(item.instance_id)
    verifier = as_user("verifier_a")
    assert _badge(verifier) == "1"
    [notice] = db.session.query(Notice).filter_by(role="verifier").all()

    assert verifier.post(f"/notices/{notice.id}/open").status_code == 400  # no CSRF token
    stranger = as_user("verifier_b")
    token_b = re.search(r'name="csrf_token" value="([^"]+)"', stranger.get("/notices/").get_data(as_text=True))
    assert stranger.post(f"/notices/{notice.id}/open", data={"csrf_token": token_b.group(1)}).status_code == 404
    assert _badge(verifier) == "1"

    page = verifier.get("/notices/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    opened = verifier.post(f"/notices/{notice.id}/open", data={"csrf_token": token})
    assert opened.status_code == 302 and opened.headers["Location"] == f"/tasks/{row.id}"
    assert verifier.get(opened.headers["Location"]).status_code == 200
    assert _rows(verifier) == [(f"新待办「核实审核」：{TITLE}", "", "已读")]
    assert _badge(verifier) is None

    inbox.urge(row.id, org.users["writer_a"], note="省里今天要")
    db.session.commit()
    assert _badge(verifier) == "1"
    assert _rows(verifier)[0] == (f"催办「核实审核」：{TITLE}", "用户writer_a催办：省里今天要", "未读")
    assert verifier.post("/notices/read", data={"csrf_token": token}).status_code == 302
    assert _badge(verifier) is None and {r[2] for r in _rows(verifier)} == {"已读"}


def test_an_urge_asking_for_the_leader_reaches_the_units_leaders(org, as_user):
    item = new_item(org)
    row = open_task(item.instance_id)
    inbox.urge(row.id, org.users["writer_a"], notify_leader=True)
    db.session.commit()
    leader_rows = _rows(as_user("leader_a"))
    assert leader_rows == [(f"催办（请督促）「核实审核」：{TITLE}", "用户writer_a催您尽快办理。", "未读")]
    assert _rows(as_user("leader_b")) == []
    assert _rows(as_user("verifier_a"))[0][0] == f"催办「核实审核」：{TITLE}"


def test_a_secret_items_notices_keep_no_body_and_reach_only_the_cleared(org, as_user):
    uncleared = org.user("verifier_a0", "county-a", ["verifier"], clearance=0)
    db.session.commit()
    item = new_item(org, secrecy="1")
    row = open_task(item.instance_id)
    inbox.urge(row.id, org.users["writer_a"], note="涉密正文不得外泄")
    db.session.commit()

    notices = db.session.query(Notice).filter_by(instance_id=item.instance_id, role="verifier").all()
    assert {n.secrecy for n in notices} == {1} and {n.body for n in notices} == {""}
    verifier = as_user("verifier_a")
    assert [(title, body) for title, body, _state in _rows(verifier)] == [
        (f"催办「核实审核」：{TITLE}", ""), (f"新待办「核实审核」：{TITLE}", "")]
    assert "涉密正文不得外泄" not in verifier.get("/notices/").get_data(as_text=True)
    assert _rows(as_user(uncleared.username)) == []
    assert _badge(as_user(uncleared.username)) is None


def test_the_writer_is_told_of_the_editors_feedback(org, as_user):
    item = new_item(org)
    act(org, "verifier_a", item.instance_id, {"decision": "pass", "opinion": "属实"})
    act(org, "leader_a", item.instance_id, {"decision": "pass"})
    act(org, "editor", item.instance_id, {"decision": "adopt", "publication": "汇要", "opinion": "予以采用"})
    rows = _rows(as_user("writer_a"))
    assert (f"信息已反馈：《{TITLE}》采用于《汇要》", "编辑意见：予以采用", "未读") in rows
    assert not any(title.startswith("信息已反馈") for title, _b, _s in _rows(as_user("writer_a2")))


def test_case_deadline_notices_take_the_cases_secrecy(org):
    open_case = new_case(org, title="公开的批示件")
    secret_case = new_case(org, title="内部批示件", secrecy="1")
    travel_to(local("2026-03-18 00:00:00"))  # past both deadlines: the overdue notices carry a body
    overdue = {n.instance_id: n for n in db.session.query(Notice).filter(Notice.title.contains("已超过办理期限"),
                                                                         Notice.role == "leader")}
    assert overdue[open_case.instance_id].secrecy == 0 and "书面说明" in overdue[open_case.instance_id].body
    assert overdue[secret_case.instance_id].secrecy == 1 and overdue[secret_case.instance_id].body == ""


def test_an_item_marked_secret_later_hides_the_notices_sent_while_it_was_public(org, as_user):
    uncleared = org.user("verifier_a0", "county-a", ["verifier"], clearance=0)
    db.session.commit()
    item = new_item(org, title="公开时发出的通知标题")
    titles = [title for title, _body, _state in _rows(as_user(uncleared.username))]
    assert titles == ["新待办「核实审核」：公开时发出的通知标题"]

    verbs.withdraw(completed_row(item.instance_id, "compose").id, org.users["writer_a"])
    db.session.commit()
    act(org, "writer_a", item.instance_id, {**COMPOSE, "title": "公开时发出的通知标题", "secrecy": "1"})
    assert _rows(as_user(uncleared.username)) == []
    assert _badge(as_user(uncleared.username)) is None
    assert "公开时发出的通知标题" in as_user("verifier_a").get("/notices/").get_data(as_text=True)
