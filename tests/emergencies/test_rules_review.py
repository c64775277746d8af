"""Issue 19, items 8–11: one light for an emergency everywhere, 退回 at 值班领导核签, the monthly table of every
unit reporting to the office, and the flash that says where a signed report went and whether it was late."""

from tests.emergencies.helpers import REPORT, act, local, open_task, report, travel_to
from tests.web_helpers import page_doc as _page
from tests.web_helpers import signed_in as _client
from tests.web_helpers import text_of as _text
from webapp.core import clock
from webapp.extensions import db


def _task_row(doc, row):
    [tr] = doc.xpath(f"//table[@id='tasks']/tbody/tr[@data-task-id='{row.id}']")
    return tr


def _marks(tr):
    """What the row says of its deadline: its data-due, the badge beside the date, the countdown's colour."""
    badges = [_text(b) for b in tr.xpath(".//td[@class='due']/span[contains(@class, 'alert')]")]
    [countdown] = tr.xpath(".//span[contains(@class, 'countdown')]")
    return tr.get("data-due"), badges, countdown.get("class").split()[1:]


# 8. One light for an emergency: the inbox, its badges, the countdown, the emergency pages and the API agree.

def test_an_emergency_step_is_lit_by_the_emergency_warning_everywhere(app, org):
    clock.set_fixed(local("2026-03-09 10:00:00"))
    emergency = report(org, "2026-03-09T09:00")  # the city must have it by 11:00
    row = open_task(emergency.instance_id)
    leader, _ = _client(app, "leader_a")
    writer, _ = _client(app, "writer_a")

    # An hour to go: more than the 30-minute warning, so nothing is yellow (the 24-hour rule lit it yellow).
    assert _marks(_task_row(_page(leader.get("/")), row)) == (None, [], [])
    [item] = _page(writer.get("/started")).xpath("//table[@id='items']/tbody/tr")
    assert item.get("data-due") is None
    assert not _page(leader.get("/?due=near_due")).xpath(f"//tr[@data-task-id='{row.id}']")
    assert _page(writer.get("/emergencies/")).xpath("//tr[@data-emergency-id]")[0].get("data-alert") == ""
    [task] = leader.get("/api/tasks?tab=todo").get_json()["tasks"]
    assert task["due_state"] is None
    assert writer.get("/api/emergencies").get_json()["emergencies"][0]["alert"] is None
    assert "紧急信息 30 分钟内" in _text(_page(leader.get("/")).get_element_by_id("legend"))

    # 29 minutes to go: yellow on every screen, and the 临近到期 filter finds it.
    travel_to(local("2026-03-09 10:31:00"))
    assert _marks(_task_row(_page(leader.get("/")), row)) == ("near_due", ["临近到期"], ["near"])
    assert _page(leader.get("/?due=near_due")).xpath(f"//tr[@data-task-id='{row.id}']")
    assert _page(writer.get("/emergencies/")).xpath("//tr[@data-emergency-id]")[0].get("data-alert") == "yellow"
    assert leader.get("/api/tasks?tab=todo").get_json()["tasks"][0]["due_state"] == "near_due"
    assert writer.get("/api/emergencies").get_json()["emergencies"][0]["alert"] == "yellow"

    # At the limit itself: red everywhere (the emergency turns red at its limit, not a minute after).
    travel_to(local("2026-03-09 11:00:00"))
    assert _marks(_task_row(_page(leader.get("/")), row)) == ("overdue", ["已超期"], ["overdue"])
    assert _page(leader.get("/?due=overdue")).xpath(f"//tr[@data-task-id='{row.id}']")
    assert not _page(leader.get("/?due=near_due")).xpath(f"//tr[@data-task-id='{row.id}']")
    assert _page(writer.get("/emergencies/")).xpath("//tr[@data-emergency-id]")[0].get("data-alert") == "red"
    assert leader.get("/api/tasks?tab=todo").get_json()["tasks"][0]["due_state"] == "overdue"
    assert writer.get("/api/emergencies").get_json()["emergencies"][0]["alert"] == "red"


def _flash(doc):
    return [_text(f) for f in doc.xpath("//main/div[contains(@class, 'flash')]")]


def _post(client, path, token, **data):
    """A form post followed to its page: the page's flash messages, or the 422 page."""
    response = client.post(path, data={"csrf_token": token, **data})
    if response.status_code != 302:
        return _page(response, 422)
    return _page(client.get(response.headers["Location"]))


# 9 and 11. 值班领导核签 can send the report back with a reason; the clock keeps running; the flash says where the
# signed report went and whether it was late.

def test_the_leader_returns_the_report_the_writer_resubmits_and_the_limit_keeps_running(app, org):
    clock.set_fixed(local("2026-03-09 10:00:00"))
    emergency = report(org, "2026-03-09T09:00")  # the city must have it by 11:00
    sign = open_task(emergency.instance_id)
    leader, leader_token = _client(app, "leader_a")
    writer, writer_token = _client(app, "writer_a")

    doc = _page(leader.get(f"/tasks/{sign.id}"))
    buttons = doc.xpath("//form[@id='task-form']//button[@name='decision']")
    assert [(b.get("value"), _text(b)) for b in buttons] == [("pass", "核签并报送"), ("return", "退回修改")]
    doc = _post(leader, f"/tasks/{sign.id}", leader_token, decision="return", opinion="")
    assert "退回时必须写明退回理由" in _text(doc.get_element_by_id("task-form"))

    doc = _post(leader, f"/tasks/{sign.id}", leader_token, decision="return", opinion="伤亡人数未核实，请核实后再报")
    assert _flash(doc) == ["已退回信息员修改，报送时限不变，须于 2026-03-09 11:00 前报至市级。"]
    revise = open_task(emergency.instance_id)
    assert (revise.step_label, revise.role, revise.unit_id) == ("退回修改", "writer", org.units["county-a"].id)
    assert revise.due_dt == sign.due_dt == local("2026-03-09 11:00:00")  # from the event, not reset
    detail = _page(writer.get(f"/emergencies/{emergency.id}"))
    assert _text(detail.get_element_by_id("emergency-status")).startswith("已退回修改")
    history = _text(detail.get_element_by_id("history"))
    assert "「值班领导核签」 ：退回" in history and "伤亡人数未核实，请核实后再报" in history
    doc = _page(writer.get(f"/tasks/{revise.id}"))
    assert "退回：伤亡人数未核实，请核实后再报" in _text(doc.get_element_by_id("return-note"))
    assert doc.get_element_by_id("casualties").text == "暂无人员伤亡，转移群众42人"

    # The limit passes while the writer corrects it: the overdue notice goes out as it would have anyway.
    travel_to(local("2026-03-09 11:01:00"))
    leader_notices = _text(_page(leader.get("/notices/")))
    assert "已超过报送至市级时限" in leader_notices
    corrected = {name: REPORT[name] for name in ("title", "place", "summary", "measures")}
    doc = _post(writer, f"/tasks/{revise.id}", writer_token, **corrected, casualties="经核实，1人轻伤，转移群众42人",
                sign_mode="leader", skip_reason="")
    assert _flash(doc) == ["“退回修改”已办理，已转至“值班领导核签”（a县委办公室分管领导，办理期限 2026-03-09 11:00）。"]
    resign = open_task(emergency.instance_id)
    assert (resign.step_key, resign.due_dt) == ("u_sign", sign.due_dt)
    assert "经核实，1人轻伤" in _text(_page(leader.get(f"/tasks/{resign.id}")))

    # Signed ten minutes past the limit, in working hours: the city's 信息科 has it, 10 minutes late.
    travel_to(local("2026-03-09 11:10:00"))
    doc = _post(leader, f"/tasks/{resign.id}", leader_token, decision="pass", opinion="同意上报")
    assert _flash(doc) == ["已报送市委办信息科，迟报 10 分钟。"]


def test_a_report_signed_in_time_at_night_says_the_duty_office_had_it_on_time(app, org):
    clock.set_fixed(local("2026-03-09 20:00:00"))  # Monday evening: the 总值班室 receives
    emergency = report(org, "2026-03-09T19:30")
    leader, token = _client(app, "leader_a")
    doc = _post(leader, f"/tasks/{open_task(emergency.instance_id).id}", token, opinion="同意")
    assert _flash(doc) == ["已报送市委总值班室，按时。"]


def test_a_relay_sign_cannot_be_returned(app, org):
    clock.set_fixed(local("2026-03-09 10:20:00"))
    emergency = report(org, "2026-03-09T10:00", sign_mode="skip", skip_reason="抢时间")
    editor, editor_token = _client(app, "editor")
    doc = _post(editor, f"/tasks/{open_task(emergency.instance_id).id}", editor_token, decision="relay",
                sign_mode="leader", skip_reason="", opinion="")
    # nothing left the city yet: its leader signs first
    assert _flash(doc) == ["“信息部门接报”已办理，已转至“值班领导核签”"
                           "（临江市委办公室分管领导，办理期限 2026-03-09 15:00）。"]
    row = open_task(emergency.instance_id)
    leader, token = _client(app, "leader_city")
    assert not _page(leader.get(f"/tasks/{row.id}")).xpath("//button[@name='decision' and @value='return']")
    doc = _post(leader, f"/tasks/{row.id}", token, decision="return", opinion="退回")
    assert "此环节不能退回，请核签报送" in _text(doc.get_element_by_id("task-form"))
    doc = _post(leader, f"/tasks/{row.id}", token, decision="pass", opinion="")
    assert _flash(doc) == ["已报送省委办公厅信息处，按时。"]


# 10. The monthly table lists every unit reporting to the office, and counts only the reports that reached it.

def _summary(client, month):
    doc = _page(client.get(f"/emergencies/report?month={month}"))
    return {_text(r.xpath("./td")[0]): [_text(td) for td in r.xpath("./td")[1:]]
            for r in doc.xpath("//table[@id='summary']/tbody/tr[@data-unit-id]")}


def test_the_monthly_table_lists_every_unit_and_not_what_a_county_held(app, org):
    org.user("editor_a", "county-a", ["editor"])  # a county office without a 信息科 receives in the unit itself
    db.session.commit()
    clock.set_fixed(local("2026-03-09 10:20:00"))
    held = report(org, "2026-03-09T10:00", writer="writer_town", title="甲镇一民房倒塌", sign_mode="skip",
                  skip_reason="抢时间")
    editor_a, token = _client(app, "editor_a")
    doc = _post(editor_a, f"/tasks/{open_task(held.instance_id).id}", token, decision="hold", sign_mode="leader",
                skip_reason="", opinion="无人员伤亡，县级已处置完毕，本级掌握")
    assert _flash(doc) == ["已本级掌握，不再上报。"]
    clock.set_fixed(local("2026-03-09 11:50:00"))
    late = report(org, "2026-03-09T10:00")
    travel_to(local("2026-03-09 12:10:00"))
    act(org, "leader_a", late.instance_id, {"opinion": "同意上报"})  # the city gets it 10 minutes late

    zeros = ["0", "0", "0", "0", "0", "0", "0", "—"]
    city, _ = _client(app, "editor")
    assert _summary(city, "2026-03") == {
        "a县委办公室": ["1", "0", "1", "10", "0", "0", "0", "0.0%"],
        "a县甲镇党政办": zeros,  # its report stayed at the county: the city never had it
        "b县委办公室": zeros,
    }
    assert _summary(city, "2026-02") == {"a县委办公室": zeros, "a县甲镇党政办": zeros, "b县委办公室": zeros}
    county, _ = _client(app, "leader_a")
    assert _summary(county, "2026-03") == {"a县委办公室": ["1", "0", "1", "10", "0", "0", "0", "0.0%"],
                                           "a县甲镇党政办": ["1", "1", "0", "0", "0", "0", "0", "100.0%"]}
