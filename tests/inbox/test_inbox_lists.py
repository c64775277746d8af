"""The inbox tabs (待办/已办/我发起的/抄送我的/催办记录): who sees which rows, group tasks, counts, pages."""
from datetime import timedelta

import pytest

from tests.helpers import COMPOSE, act, new_item, open_task
from tests.inbox.lists import Reader
from webapp.core import clock
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.inbox import operations


def _later(minutes=1):
    clock.advance(timedelta(minutes=minutes))


def test_each_tab_shows_the_users_own_rows(app, org):
    item = new_item(org, title="县城供水管网改造进展")
    writer, verifier, other = Reader(app, "writer_a"), Reader(app, "verifier_a"), Reader(app, "verifier_b")

    assert verifier.titles("/") == ["县城供水管网改造进展"]
    assert other.titles("/") == []
    assert verifier.badge("/", "todo-count") == 1 and other.badge("/", "todo-count") == 0
    done = writer.rows("/done")
    assert [r["title"] for r in done] == ["县城供水管网改造进展"] and "采编" in done[0]["text"]
    assert done[0]["link"] == f"/tasks/{done[0]['id']}"
    started = writer.rows("/started")
    assert [r["title"] for r in started] == ["县城供水管网改造进展"]
    assert "核实审核" in started[0]["text"] and "办理中" in started[0]["text"]
    assert "a县委办公室" in started[0]["text"] and started[0]["link"] == f"/items/{item.instance_id}"
    assert verifier.titles("/started") == [] and verifier.titles("/done") == []

    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    assert verifier.titles("/") == [] and verifier.titles("/done") == ["县城供水管网改造进展"]
    assert "审签" in writer.rows("/started")[0]["text"]
    assert Reader(app, "leader_a").titles("/") == ["县城供水管网改造进展"]


def test_an_item_copied_appears_unread_until_opened(app, org):
    item = new_item(org, title="防汛物资储备情况")
    operations.copy_to(item.instance, org.users["writer_a"], user_ids=[org.users["handler_b"].id], note="供参考")
    db.session.commit()
    handler = Reader(app, "handler_b")

    rows = handler.rows("/copied")
    assert [r["title"] for r in rows] == ["防汛物资储备情况"] and rows[0]["unread"]
    assert "用户writer_a抄送：供参考" in rows[0]["text"] and "未读" in rows[0]["text"]
    assert handler.badge("/", "copied-count") == 1 and handler.tab_counts("/copied")["copied"] == 1
    assert Reader(app, "handler_a").titles("/copied") == []

    assert handler.client.get(rows[0]["link"]).status_code == 200
    rows = handler.rows("/copied")
    assert not rows[0]["unread"] and "已读" in rows[0]["text"]
    assert handler.badge("/", "copied-count") == 0


def test_urges_show_to_the_sender_and_to_the_role_urged(app, org):
    item = new_item(org, title="春耕备耕进展")
    operations.urge(open_task(item.instance_id).id, org.users["writer_a"], note="省里今天要")
    db.session.commit()
    writer, verifier = Reader(app, "writer_a"), Reader(app, "verifier_a")

    received = verifier.rows("/urges")
    assert [r["title"] for r in received] == ["春耕备耕进展"]
    assert "用户writer_a催办我「核实审核」：省里今天要" in received[0]["text"]
    assert verifier.badge("/", "urges-count") == 1
    sent = writer.rows("/urges")
    assert "我催办「核实审核」→ 办公室主任" in sent[0]["text"] and writer.badge("/", "urges-count") == 0
    assert writer.titles("/urges?direction=received") == [] and verifier.titles("/urges?direction=sent") == []
    assert Reader(app, "verifier_b").titles("/urges") == []

    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    assert "该环节已办理" in verifier.rows("/urges")[0]["text"]
    assert verifier.badge("/", "urges-count") == 0  # the count is of urges still waiting for an answer
    clock.advance(timedelta(days=8))
    assert len(verifier.rows("/urges")) == 1  # the record stays


def test_a_claimed_group_task_leaves_colleagues_inboxes(app, org):
    org.user("verifier_a2", "county-a", ["verifier"])
    db.session.commit()
    new_item(org, title="乡村振兴示范点建设")
    first, second = Reader(app, "verifier_a"), Reader(app, "verifier_a2")
    assert first.titles("/") == second.titles("/") == ["乡村振兴示范点建设"]
    row_id = first.rows("/")[0]["id"]

    assert first.client.post(f"/tasks/{row_id}/claim", data={"csrf_token": first.token}).status_code == 302
    mine = first.rows("/")
    assert "签收人：用户verifier_a" in mine[0]["text"]
    assert second.titles("/") == [] and second.badge("/", "todo-count") == 0
    assert "核实审核（签收人：用户verifier_a）" in Reader(app, "writer_a").rows("/started")[0]["text"]


def test_an_urge_to_the_role_counts_only_while_the_step_is_not_a_colleagues(app, org):
    org.user("verifier_a2", "county-a", ["verifier"])
    db.session.commit()
    item = new_item(org, title="森林防火检查")
    row_id = open_task(item.instance_id).id
    operations.urge(row_id, org.users["writer_a"])
    db.session.commit()
    first, second = Reader(app, "verifier_a"), Reader(app, "verifier_a2")
    assert first.badge("/", "urges-count") == second.badge("/", "urges-count") == 1

    first.client.post(f"/tasks/{row_id}/claim", data={"csrf_token": first.token})
    assert first.badge("/", "urges-count") == 1 and second.badge("/", "urges-count") == 0
    assert second.titles("/urges") == ["森林防火检查"]  # the record of the urge stays


def test_a_task_returned_or_transferred_is_tagged(app, org):
    org.user("verifier_a2", "county-a", ["verifier"])
    db.session.commit()
    item = new_item(org, title="安全生产检查")
    verifier = Reader(app, "verifier_a")
    row_id = open_task(item.instance_id).id
    verifier.client.post(f"/tasks/{row_id}/transfer", data={
        "csrf_token": verifier.token, "target_user_id": org.users["verifier_a2"].id, "reason": "出差"})
    rows = Reader(app, "verifier_a2").rows("/")
    assert rows[0]["title"] == "安全生产检查" and "转办" in rows[0]["text"]

    colleague = Reader(app, "verifier_a2")
    compose = db.session.query(HumanTask).filter_by(instance_id=item.instance_id, step_key="compose").one()
    answer = colleague.client.post(f"/tasks/{open_task(item.instance_id).id}/return", data={
        "csrf_token": colleague.token, "target_row_id": compose.id, "reason": "请补充数据"})
    assert answer.status_code == 302
    rows = Reader(app, "writer_a").rows("/")
    assert rows[0]["title"] == "安全生产检查" and "被退回" in rows[0]["text"]


def test_a_user_below_an_items_secrecy_never_sees_it(app, org):
    org.user("verifier_low", "county-a", ["verifier"], clearance=0)
    db.session.commit()
    item = new_item(org, title="内部事项", secrecy="1")
    operations.urge(open_task(item.instance_id).id, org.users["writer_a"], note="请尽快")
    db.session.commit()
    # A copy made while the item was still public stays in the table; the item's secrecy hides it now.
    from webapp.inbox.models import InstanceCopy

    db.session.add(InstanceCopy(instance_id=item.instance_id, user_id=org.users["verifier_low"].id,
                                sender_id=org.users["writer_a"].id, created_dt=clock.now()))
    db.session.commit()

    low = Reader(app, "verifier_low")
    for path in ("/", "/done", "/started", "/copied", "/urges", "/?type=info", "/urges?direction=received"):
        assert "内部事项" not in low.doc(path).text_content(), path
    assert low.badge("/", "todo-count") == 0 and low.badge("/", "copied-count") == 0
    assert low.badge("/", "urges-count") == 0
    for tab in ("todo", "done", "started", "copied", "urges"):
        answer = low.client.get(f"/api/tasks?tab={tab}").get_json()
        assert answer.get("tasks", answer.get("items")) == [], tab
    assert Reader(app, "verifier_a").titles("/") == ["内部事项"]
    assert Reader(app, "verifier_a").badge("/", "urges-count") == 1


def test_nav_and_tab_counts_agree(app, org):
    for title in ("甲", "乙", "丙"):
        new_item(org, title=f"事项{title}")
        _later()
    verifier = Reader(app, "verifier_a")
    assert verifier.badge("/done", "todo-count") == 3
    assert verifier.tab_counts("/done") == {"todo": 3, "copied": 0, "urges": 0}


@pytest.fixture
def small_pages(app, monkeypatch):
    monkeypatch.setitem(app.config, "INBOX_PAGE_SIZE", 2)


def test_pages_follow_one_another_without_overlap(app, org, small_pages):
    titles = [f"第{n}条信息" for n in range(1, 6)]
    for title in titles:
        new_item(org, title=title)
        _later()
    writer = Reader(app, "writer_a")
    first = writer.doc("/done")
    assert not first.xpath("//*[@id='pager']/a[@rel='prev']") and first.xpath("//*[@id='pager']/a[@rel='next']")
    seen, pages = writer.all_pages("/done")
    assert seen == titles[::-1] and pages == 3
    assert writer.all_pages("/started") == (titles[::-1], 3)
    assert "上一页" in writer.doc("/done?page=3").text_content()
    assert writer.titles("/done?page=9") == []


def test_an_emergency_stays_on_top_across_pages(app, org, small_pages):
    items = {}
    for n in range(1, 6):
        items[n] = new_item(org, title=f"第{n}条信息", urgency="very_urgent" if n == 3 else "normal")
        _later()
    expected = ["第3条信息", "第5条信息", "第4条信息", "第2条信息", "第1条信息"]
    verifier = Reader(app, "verifier_a")
    assert verifier.all_pages("/?sort=time") == (expected, 3)
    writer = Reader(app, "writer_a")
    assert writer.all_pages("/done") == (expected, 3)  # its step is still open: on top of 已办 too
    assert writer.all_pages("/started") == (expected, 3)
    # Once it is no longer an emergency waiting to be handled, it takes its place by time.
    act(org, "verifier_a", items[3].instance_id, {"decision": "return", "opinion": "请补充"})
    act(org, "writer_a", items[3].instance_id, {**COMPOSE, "title": "第3条信息", "urgency": "normal"})
    titles, _ = writer.all_pages("/started")
    assert titles == ["第5条信息", "第4条信息", "第3条信息", "第2条信息", "第1条信息"]


def test_unread_copies_come_first_across_pages(app, org, small_pages):
    items = []
    for n in range(1, 5):
        items.append(new_item(org, title=f"抄送{n}"))
        _later()
    for item in items:
        operations.copy_to(item.instance, org.users["writer_a"], user_ids=[org.users["handler_b"].id])
        db.session.commit()
        _later()
    handler = Reader(app, "handler_b")
    handler.client.get(f"/items/{items[3].instance_id}")  # the newest copy is read
    handler.client.get(f"/items/{items[1].instance_id}")
    titles, pages = handler.all_pages("/copied")
    assert titles == ["抄送3", "抄送1", "抄送4", "抄送2"] and pages == 2
