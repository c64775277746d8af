"""约稿: the editor asks chosen units for items by a deadline; units answer with linked items; misses count."""
import re

from tests.helpers import COMPOSE, act, open_task
from tests.scoring.helpers import at, submitted_item
from tests.web_helpers import login, once, page_doc, signed_in, text_of
from webapp.commissions.models import Commission, CommissionTarget
from webapp.commissions.queries import status
from webapp.engine.models import ProcessInstance
from webapp.extensions import db
from webapp.notices.models import Notice
from webapp.reports.models import InfoItem


def _send(client, org, due="2026-03-10T18:00", units=("county-a", "county-b")):
    token = login(client, "editor")
    return client.post("/commissions/new", data={
        "csrf_token": token, **once(), "topic": "春耕备耕情况", "detail": "重点反映农资供应", "due": due,
        "unit_ids": [str(org.units[u].id) for u in units]})


def test_an_editor_sends_a_commission_and_the_writers_are_told(client, org):
    response = _send(client, org)
    assert response.status_code == 302
    commission = db.session.query(Commission).one()
    assert [t.unit.code for t in commission.targets] == ["county-a", "county-b"]
    notices = db.session.query(Notice).filter(Notice.title.like("约稿%")).all()
    assert sorted((n.unit_id, n.role) for n in notices) == sorted(
        [(org.units["county-a"].id, "writer"), (org.units["county-b"].id, "writer")])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "春耕备耕情况" in page and page.count("<td>待报送</td>") == 2


def test_a_bad_commission_names_each_field(client, org):
    response = _send(client, org, due="2026-03-01T08:00", units=())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "截止时间应晚于现在" in page and "请至少选择一个约稿单位" in page
    assert db.session.query(Commission).count() == 0


def test_only_units_reporting_to_the_office_can_be_asked(client, org):
    response = _send(client, org, units=("county-a", "city"))
    assert response.status_code == 422 and "只能向向本部门报送信息的单位约稿" in response.get_data(as_text=True)


def test_a_writer_cannot_send_one(client, org):
    login(client, "writer_a")
    assert client.get("/commissions/new").status_code == 403


def test_units_answer_on_time_late_or_not_at_all(app, client, org):
    _send(client, org)
    commission = db.session.query(Commission).one()
    client = app.test_client()
    token = login(client, "writer_a")
    listing = client.get("/commissions/").get_data(as_text=True)
    assert "春耕备耕情况" in listing and "待报送" in listing
    response = client.post(f"/commissions/{commission.id}/answer",
                           data={"csrf_token": token, **once(), "title": "春耕备耕草稿", "action": "draft"})
    assert response.status_code == 302
    compose = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "约稿：" in compose and "春耕备耕情况" in compose  # the writer sees what was asked beside the form
    item = db.session.query(InfoItem).filter_by(commission_id=commission.id).one()
    assert (item.status, item.title, item.unit_id) == ("draft", "春耕备耕草稿", org.units["county-a"].id)

    at("2026-03-09 10:00")
    act(org, "writer_a", item.instance_id, COMPOSE)
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    target_a = db.session.get(CommissionTarget, (commission.id, org.units["county-a"].id))
    assert target_a.answered_dt is None  # not answered until it goes up
    act(org, "leader_a", item.instance_id, {"decision": "pass"})
    db.session.expire_all()
    target_a = db.session.get(CommissionTarget, (commission.id, org.units["county-a"].id))
    target_b = db.session.get(CommissionTarget, (commission.id, org.units["county-b"].id))
    assert status(target_a) == "answered" and status(target_b) == "open"

    at("2026-03-11 09:00")
    assert status(target_b) == "missed"
    late = submitted_item(org, "b", "2026-03-11 10:00", commission_id=commission.id)
    db.session.expire_all()
    target_b = db.session.get(CommissionTarget, (commission.id, org.units["county-b"].id))
    assert late.commission_id == commission.id and status(target_b) == "late"
    assert open_task(late.instance_id).step_key == "edit"


def test_a_unit_not_asked_cannot_answer_or_see_it(app, client, org):
    _send(client, org, units=("county-a",))
    commission = db.session.query(Commission).one()
    client = app.test_client()
    token = login(client, "writer_b")
    assert client.get(f"/commissions/{commission.id}").status_code == 404
    assert client.get(f"/commissions/{commission.id}/compose").status_code == 404
    response = client.post(f"/commissions/{commission.id}/answer",
                           data={"csrf_token": token, **once(), **COMPOSE, "action": "submit"})
    assert response.status_code == 404
    assert db.session.query(InfoItem).count() == 0
    assert not re.search("春耕备耕情况", client.get("/commissions/").get_data(as_text=True))


def _todo_count(client):
    return int(text_of(page_doc(client.get("/")).get_element_by_id("todo-count")))


def test_answering_opens_an_empty_form_and_backing_out_leaves_nothing(app, client, org):
    """撰写信息 is like 新建信息: the button only opens the form; nothing exists until the first save."""
    _send(client, org, units=("county-a",))
    commission = db.session.query(Commission).one()
    client, _token = signed_in(app, "writer_a")
    detail = page_doc(client.get(f"/commissions/{commission.id}"))
    assert detail.xpath("//form[@id='answer-form']")[0].get("method") == "get"
    page = page_doc(client.get(f"/commissions/{commission.id}/compose"))
    assert page.xpath("//form[@id='task-form']")[0].get("action") == f"/commissions/{commission.id}/answer"
    assert "春耕备耕情况" in text_of(page.get_element_by_id("commission-note"))
    assert page.xpath("//a[@class='cancel-link']")[0].get("href") == f"/commissions/{commission.id}"
    assert db.session.query(InfoItem).count() == 0 and _todo_count(client) == 0
    assert db.session.query(ProcessInstance).count() == 0


def test_a_refused_first_answer_keeps_nothing_and_submitting_answers_at_once(app, client, org):
    _send(client, org, units=("county-a",))
    commission = db.session.query(Commission).one()
    client, token = signed_in(app, "writer_a")
    refused = client.post(f"/commissions/{commission.id}/answer",
                          data={"csrf_token": token, **once(), **COMPOSE, "title": "短", "action": "submit"})
    doc = page_doc(refused, status=422)
    assert "标题长度应为2到200字" in text_of(doc)
    assert "春耕备耕情况" in text_of(doc.get_element_by_id("commission-note"))
    assert doc.xpath("//form[@id='task-form']")[0].get("action") == f"/commissions/{commission.id}/answer"
    assert db.session.query(InfoItem).count() == 0 and db.session.query(ProcessInstance).count() == 0
    db.session.remove()  # the test's requests share one session; a request of its own ends it, as the server's do

    response = client.post(f"/commissions/{commission.id}/answer",
                           data={"csrf_token": token, **once(), **COMPOSE, "action": "submit"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    item = db.session.query(InfoItem).one()
    assert (item.commission_id, item.status) == (commission.id, "verifying") and _todo_count(client) == 0


def test_only_writers_answer(app, client, org):
    _send(client, org, units=("county-a",))
    commission = db.session.query(Commission).one()
    client, token = signed_in(app, "verifier_a")
    assert client.get(f"/commissions/{commission.id}/compose").status_code == 403
    response = client.post(f"/commissions/{commission.id}/answer",
                           data={"csrf_token": token, **once(), **COMPOSE, "action": "draft"})
    assert response.status_code == 403 and db.session.query(InfoItem).count() == 0
