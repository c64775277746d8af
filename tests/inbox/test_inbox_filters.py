"""Filters, sorts and deadline marks of the inbox lists, on the HTML pages and through GET /api/tasks."""
from datetime import timedelta

from tests.cases.helpers import new_case
from tests.helpers import act, new_item, open_task
from tests.inbox.lists import Reader
from webapp.core import clock


def _later(minutes=1):
    clock.advance(timedelta(minutes=minutes))


def test_deadlines_are_marked_red_once_passed_and_yellow_when_near(app, org):
    case = new_case(org, lead="county-a")
    due = open_task(case.instance_id).due_dt
    handler, dc = Reader(app, "handler_a"), Reader(app, "dc")
    legend = handler.doc("/").xpath("string(//*[@id='legend'])")
    assert "已超期" in legend and "24 小时内到期" in legend

    assert [r["due"] for r in handler.rows("/")] == [None]
    clock.set_fixed(due - timedelta(hours=2))
    assert [(r["kind"], r["due"]) for r in handler.rows("/")] == [("case", "near_due")]
    assert "临近到期" in handler.rows("/")[0]["text"]
    assert [r["due"] for r in dc.rows("/started")] == ["near_due"]
    assert handler.titles("/?due=near_due") == ["关于青山县河道整治的批示"]
    assert handler.titles("/?due=overdue") == []

    clock.set_fixed(due + timedelta(hours=1))
    assert [r["due"] for r in handler.rows("/")] == ["overdue"] and "已超期" in handler.rows("/")[0]["text"]
    assert [r["due"] for r in dc.rows("/started")] == ["overdue"]
    assert handler.titles("/?due=overdue") == ["关于青山县河道整治的批示"]
    assert dc.titles("/started?due=overdue") == ["关于青山县河道整治的批示"]
    assert handler.titles("/?due=near_due") == [] and dc.titles("/started?due=near_due") == []


def test_the_near_due_window_is_configurable(app, org, monkeypatch):
    case = new_case(org, lead="county-a")
    clock.set_fixed(open_task(case.instance_id).due_dt - timedelta(hours=30))
    handler = Reader(app, "handler_a")
    assert [r["due"] for r in handler.rows("/")] == [None]
    monkeypatch.setitem(app.config, "INBOX_NEAR_DUE_HOURS", 48)
    assert [r["due"] for r in handler.rows("/")] == ["near_due"]


def test_filter_by_type_urgency_and_secrecy_with_emergencies_on_top(app, org):
    new_item(org, title="一般信息")
    _later()
    new_item(org, title="特急信息", urgency="very_urgent")
    _later()
    new_item(org, title="紧急信息", urgency="urgent", secrecy="1")
    _later()
    verifier = Reader(app, "verifier_a")

    rows = verifier.rows("/")
    assert [(r["title"], r["kind"]) for r in rows] == [
        ("特急信息", "emergency"), ("紧急信息", "info"), ("一般信息", "info")]
    assert "紧急信息" in rows[0]["text"]  # the type badge
    # Whatever the chosen order, the emergency stays first.
    assert verifier.titles("/?sort=time") == ["特急信息", "紧急信息", "一般信息"]
    assert verifier.titles("/?sort=due") == ["特急信息", "紧急信息", "一般信息"]
    assert verifier.titles("/?type=emergency") == ["特急信息"]
    assert verifier.titles("/?type=info") == ["特急信息", "紧急信息", "一般信息"]
    assert verifier.titles("/?type=case") == []
    assert verifier.titles("/?urgency=urgent") == ["紧急信息"]
    assert verifier.titles("/?urgency=normal") == ["一般信息"]
    assert verifier.titles("/?secrecy=1") == ["紧急信息"]
    assert verifier.titles("/?secrecy=0&sort=time") == ["特急信息", "一般信息"]
    assert verifier.titles("/?urgency=nonsense") == ["特急信息", "紧急信息", "一般信息"]  # ignored

    writer = Reader(app, "writer_a")
    assert writer.titles("/done?type=emergency") == ["特急信息"]
    assert writer.titles("/done?urgency=urgent") == ["紧急信息"]
    assert writer.titles("/started?type=emergency") == ["特急信息"]
    assert writer.titles("/started?urgency=normal") == ["一般信息"]


def test_filter_by_the_items_unit_offers_the_units_that_appear(app, org):
    for writer, title in (("writer_a", "a县信息"), ("writer_b", "b县信息")):
        item = new_item(org, writer=writer, title=title)
        unit = writer[-1]
        act(org, f"verifier_{unit}", item.instance_id, {"decision": "pass"})
        act(org, f"leader_{unit}", item.instance_id, {"decision": "pass"})
        _later()
    editor = Reader(app, "editor")
    assert editor.titles("/?sort=time") == ["b县信息", "a县信息"]
    offered = editor.doc("/").xpath("//select[@name='unit']/option")
    assert [o.text_content() for o in offered] == ["全部", "a县委办公室", "b县委办公室"]
    county_b = org.units["county-b"].id
    assert editor.titles(f"/?unit={county_b}") == ["b县信息"]
    doc = editor.doc(f"/?unit={county_b}")
    assert doc.xpath("string(//select[@name='unit']/option[@selected])") == "b县委办公室"
    # The filter carries over to the tabs that offer it.
    assert doc.xpath("string(//*[@id='inbox-tabs']/*[@data-tab='done']/@href)") == f"/done?unit={county_b}"


def test_sort_by_deadline_and_by_urgency(app, org):
    cases = {}
    for title, level, urgency in (("丙批示件", "city", "urgent"), ("甲批示件", "provincial", "normal"),
                                  ("乙批示件", "city", "normal")):
        cases[title] = new_case(org, lead="county-a", title=title, level=level, urgency=urgency)
        _later()
    due = {title: open_task(case.instance_id).due_dt for title, case in cases.items()}
    assert due["甲批示件"] < due["乙批示件"]  # provincial: 15 days; city: one month
    handler = Reader(app, "handler_a")
    assert handler.titles("/?sort=time") == ["乙批示件", "甲批示件", "丙批示件"]
    assert handler.titles("/?sort=urgency") == ["丙批示件", "乙批示件", "甲批示件"]
    newest_first = ["乙批示件", "甲批示件", "丙批示件"]
    assert handler.titles("/?sort=due") == sorted(newest_first, key=lambda t: due[t])  # stable: ties newest first
    assert Reader(app, "dc").titles("/started?sort=due") == sorted(newest_first, key=lambda t: due[t])


def test_the_api_lists_each_tab_with_the_same_filters(app, org):
    item = new_item(org, title="特急信息", urgency="very_urgent")
    _later()
    new_item(org, title="一般信息")
    writer, verifier = Reader(app, "writer_a"), Reader(app, "verifier_a")

    todo = verifier.client.get("/api/tasks").get_json()
    assert todo["tab"] == "todo" and todo["has_next"] is False
    assert [t["title"] for t in todo["tasks"]] == ["特急信息", "一般信息"]
    assert [t["title"] for t in verifier.client.get("/api/tasks?type=emergency").get_json()["tasks"]] == ["特急信息"]
    started = writer.client.get("/api/tasks?tab=started&urgency=normal").get_json()
    assert [(i["title"], i["current_steps"], i["kind"]) for i in started["items"]] == [
        ("一般信息", ["核实审核"], "info")]
    done = writer.client.get("/api/tasks?tab=done").get_json()["tasks"]
    assert done[0]["instance_id"] == item.instance_id and [t["step_label"] for t in done] == ["采编", "采编"]
    assert writer.client.get("/api/tasks?tab=nonsense").status_code == 404
