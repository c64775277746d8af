"""Issue 19, items 8–11: one light for an emergency everywhere, 退回 at 值班领导核签, the monthly table of every
unit reporting to the office, and the flash that says where a signed report went and whether it was late."""
from lxml import html

from tests.emergencies.helpers import local, open_task, report, travel_to
from tests.web_helpers import login
from webapp.engine import clock


def _client(app, username):
    client = app.test_client()
    return client, login(client, username)


def _page(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return html.fromstring(response.get_data(as_text=True))


def _text(element):
    return " ".join(element.text_content().split())


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
