"""Drafts: 新建信息 opens an empty form that creates nothing; the first save creates the item; a draft can be
discarded (作废) and its history stays."""
from tests.helpers import COMPOSE, new_item
from tests.web_helpers import once, page_doc, signed_in, text_of
from webapp.engine.models import HumanTask, InstanceEvent, ProcessInstance
from webapp.extensions import db
from webapp.reports.models import InfoItem


def _counts():
    return db.session.query(InfoItem).count(), db.session.query(ProcessInstance).count()


def _todo_count(client):
    return int(text_of(page_doc(client.get("/")).get_element_by_id("todo-count")))


def test_opening_the_form_creates_nothing_and_leaving_it_leaves_no_row(app, org):
    client, _token = signed_in(app, "writer_a")
    doc = page_doc(client.get("/"))
    assert doc.xpath("//form[@id='new-item']")[0].get("method") == "get"  # the button only opens the form
    page = page_doc(client.get("/reports/compose"))
    assert page.xpath("//form[@id='task-form']")[0].get("action") == "/reports/new"
    assert _counts() == (0, 0) and _todo_count(client) == 0


def test_the_first_save_creates_the_draft_in_the_writers_inbox(app, org):
    client, token = signed_in(app, "writer_a")
    response = client.post("/reports/new", data={"csrf_token": token, **once(), "title": "春耕草稿",
                                                 "action": "draft"})
    item = db.session.query(InfoItem).one()
    task = db.session.query(HumanTask).filter_by(instance_id=item.instance_id, state="open").one()
    assert response.status_code == 302 and response.headers["Location"] == f"/tasks/{task.id}"
    assert (item.status, item.title) == ("draft", "春耕草稿") and _todo_count(client) == 1


def test_submitting_straight_from_the_form_creates_and_sends_the_item(app, org):
    client, token = signed_in(app, "writer_a")
    response = client.post("/reports/new", data={"csrf_token": token, **once(), **COMPOSE, "action": "submit"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    item = db.session.query(InfoItem).one()
    assert item.status == "verifying" and _todo_count(client) == 0


def test_a_refused_first_submit_keeps_nothing_and_shows_the_form_again(app, org):
    client, token = signed_in(app, "writer_a")
    response = client.post("/reports/new", data={"csrf_token": token, **once(), **COMPOSE, "title": "短",
                                                 "action": "submit"})
    doc = page_doc(response, status=422)
    assert "标题长度应为2到200字" in text_of(doc)
    assert doc.xpath("//input[@id='title']")[0].get("value") == "短"
    assert [text_of(e) for e in doc.xpath("//div[@class='err']")]  # the field at fault is marked
    assert _counts() == (0, 0)


def test_a_draft_is_discarded_with_its_history_kept(app, org):
    client, token = signed_in(app, "writer_a")
    client.post("/reports/new", data={"csrf_token": token, **once(), "title": "不再需要的草稿", "action": "draft"})
    item = db.session.query(InfoItem).one()
    task = db.session.query(HumanTask).filter_by(instance_id=item.instance_id, state="open").one()
    assert page_doc(client.get(f"/tasks/{task.id}")).xpath("//form[@id='discard-form']")
    response = client.post(f"/reports/{item.id}/discard", data={"csrf_token": token, "reason": "重复报送"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    db.session.expire_all()
    item = db.session.get(InfoItem, item.id)
    assert item.status == "discarded" and item.instance.status == "terminated"
    assert db.session.query(HumanTask).filter_by(instance_id=item.instance_id, state="open").count() == 0
    events = db.session.query(InstanceEvent).filter_by(instance_id=item.instance_id).order_by(InstanceEvent.id).all()
    assert [e.action for e in events] == ["start", "save_draft", "discard"]
    assert events[-1].opinion == "重复报送" and events[-1].actor_id == org.users["writer_a"].id
    assert _todo_count(client) == 0
    detail = text_of(page_doc(client.get(f"/reports/{item.id}")))
    assert "已作废" in detail and "作废" in detail and "重复报送" in detail
    again = client.post(f"/reports/{item.id}/discard", data={"csrf_token": token})
    assert again.status_code == 409


def test_only_a_never_submitted_draft_of_ones_own_may_be_discarded(app, org):
    submitted = new_item(org)  # 采编 done: waiting at 核实审核
    client, token = signed_in(app, "writer_a")
    assert client.post(f"/reports/{submitted.id}/discard", data={"csrf_token": token}).status_code == 409
    client.post("/reports/new", data={"csrf_token": token, **once(), "title": "a县的草稿", "action": "draft"})
    draft = db.session.query(InfoItem).filter_by(title="a县的草稿").one()
    other, other_token = signed_in(app, "writer_b")
    assert other.post(f"/reports/{draft.id}/discard", data={"csrf_token": other_token}).status_code == 404
    verifier, verifier_token = signed_in(app, "verifier_a")
    assert verifier.post(f"/reports/{draft.id}/discard", data={"csrf_token": verifier_token}).status_code == 403
    assert verifier.get("/reports/compose").status_code == 403
    db.session.expire_all()
    assert db.session.get(InfoItem, draft.id).status == "draft"
