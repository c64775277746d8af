"""催办 from the desk: one case, or every open case of a filter; the rate limit; what the handler then sees."""
from lxml import html

from tests.web_helpers import login
from webapp.engine.models import InstanceEvent
from webapp.extensions import db
from webapp.inbox.models import Urge
from webapp.notices.models import Notice
from webapp.supervision import operations


def _flashes(client, location):
    doc = html.fromstring(client.get(location).get_data(as_text=True))
    return [" ".join(e.text_content().split()) for e in doc.xpath("//*[contains(@class, 'flash')]")]


def test_one_click_urges_the_holder_of_the_current_step(app, client, org, cases):
    token = login(client, "dc")
    c = cases["c"]
    response = client.post(f"/supervision/cases/{c.id}/urge",
                           data={"csrf_token": token, "next": "/supervision/?light=red"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/supervision/?light=red")
    assert _flashes(client, response.headers["Location"]) == ["已催办：办理（b县委办公室）。"]
    urge = db.session.query(Urge).one()
    assert (urge.instance_id, urge.target_unit_id, urge.task.step_key) == (c.instance_id, org.units["county-b"].id,
                                                                          "handle")
    assert urge.note == f"请抓紧办理批示件 {c.case_no}，按期报结。"
    event = db.session.query(InstanceEvent).filter_by(instance_id=c.instance_id, action="urge").one()
    assert (event.actor_id, event.step_key) == (org.users["dc"].id, "handle")

    # the handler of county-b sees it: in 催办 of the inbox and in the notices
    handler = app.test_client()
    login(handler, "handler_b")
    assert "用户dc催办我「办理」" in handler.get("/urges").get_data(as_text=True)
    assert "催办「办理」" in handler.get("/notices/").get_data(as_text=True)
    assert db.session.query(Notice).filter(Notice.unit_id == org.units["county-b"].id,
                                           Notice.title.startswith("催办「办理」")).count() == 1


def test_a_second_urge_within_the_interval_is_refused(app, client, org, cases):
    token = login(client, "dc")
    url = f"/supervision/cases/{cases['c'].id}/urge"
    first = client.post(url, data={"csrf_token": token, "note": "请于今日报送进展。"})
    assert _flashes(client, first.headers["Location"]) == ["已催办：办理（b县委办公室）。"]
    again = client.post(url, data={"csrf_token": token})
    assert again.status_code == 302
    [message] = _flashes(client, again.headers["Location"])
    assert "已于" in message and "分钟后再催办" in message
    assert db.session.query(Urge).one().note == "请于今日报送进展。"


def test_a_closed_case_and_another_office_case_cannot_be_urged(app, client, org, cases):
    token = login(client, "dc")
    closed = client.post(f"/supervision/cases/{cases['e'].id}/urge", data={"csrf_token": token})
    assert "当前没有待办环节" in _flashes(client, closed.headers["Location"])[0]
    assert client.post("/supervision/cases/999999/urge", data={"csrf_token": token}).status_code == 404
    assert db.session.query(Urge).count() == 0


def test_an_urge_cannot_redirect_off_the_desk(app, client, org, cases):
    token = login(client, "dc")
    response = client.post(f"/supervision/cases/{cases['c'].id}/urge",
                           data={"csrf_token": token, "next": "https://evil.example/"})
    assert response.headers["Location"].endswith("/supervision/")


def test_bulk_urge_of_a_filtered_set_skips_the_recently_urged(app, client, org, cases):
    token = login(client, "dc")
    first = client.post(f"/supervision/cases/{cases['a'].id}/urge", data={"csrf_token": token})
    assert _flashes(client, first.headers["Location"]) == ["已催办：办理（a县委办公室）。"]
    unit = str(org.units["county-a"].id)
    response = client.post("/supervision/urge", data={"csrf_token": token, "unit": unit, "note": "请加快进度。"})
    assert response.status_code == 302 and f"unit={unit}" in response.headers["Location"]
    assert _flashes(client, response.headers["Location"]) == ["已催办 1 件；1 件近期已催办，已跳过。"]
    urged = {(u.instance_id, u.note) for u in db.session.query(Urge)}
    assert urged == {(cases["a"].instance_id, f"请抓紧办理批示件 {cases['a'].case_no}，按期报结。"),
                     (cases["d"].instance_id, "请加快进度。")}


def test_bulk_urge_follows_the_light_filter_and_leaves_closed_cases(app, client, org, cases):
    token = login(client, "dc")
    response = client.post("/supervision/urge", data={"csrf_token": token, "light": "red", "status": "all"})
    assert _flashes(client, response.headers["Location"]) == ["已催办 1 件。"]
    assert [u.instance_id for u in db.session.query(Urge)] == [cases["c"].instance_id]


def test_bulk_urge_is_capped(app, client, org, cases, monkeypatch):
    monkeypatch.setattr(operations, "BULK_LIMIT", 2)
    token = login(client, "dc")
    response = client.post("/supervision/urge", data={"csrf_token": token})
    assert _flashes(client, response.headers["Location"]) == [
        "已催办 2 件；一次最多催办 2 件，其余请缩小筛选范围后再催办。"]
    # the earliest deadlines first: C (3-07) and A (3-17)
    assert {u.instance_id for u in db.session.query(Urge)} == {cases["c"].instance_id, cases["a"].instance_id}
