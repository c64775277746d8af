"""The ledger pages: scoped like the desk (a unit sees only its own tasks), the leaders' lights and cockpit, the
task page beside a key_task step, milestones ticked by the 督查室."""
import pytest

from tests.helpers import open_task
from tests.keytasks.helpers import contribute, ledger_with_tasks, more_units, report_of, start_july
from tests.web_helpers import page_doc, signed_in, text_of
from webapp.extensions import db
from webapp.keytasks.models import KeyTaskMilestone


@pytest.fixture
def ledger(org):
    more_units(org)
    ledger, tasks = ledger_with_tasks(org)
    return org, ledger, tasks


def _numbers(doc):
    return sorted(doc.xpath("//tr/@data-task-number"))


@pytest.mark.parametrize("username, numbers", [
    ("dc", ["1", "2", "3", "4"]), ("city_leader", ["1", "2", "3", "4"]),
    ("handler_a", ["1"]), ("writer_a", ["1"]),
    ("handler_b", ["1", "2"]),  # leads 2, cooperates on 1
    ("handler_c", ["3"]),
])
def test_who_sees_which_tasks(app, ledger, username, numbers):
    _org, book, tasks = ledger
    client, _token = signed_in(app, username)
    doc = page_doc(client.get(f"/keytasks/{book.id}"))
    assert _numbers(doc) == numbers
    listed = page_doc(client.get("/keytasks/"))
    assert listed.xpath(f"//tr[@data-ledger-id='{book.id}']")
    for task in tasks:
        status = 200 if task.number in numbers else 404
        assert client.get(f"/keytasks/tasks/{task.id}").status_code == status


def test_a_unit_without_tasks_sees_no_ledger(app, ledger, org):
    _org, book, tasks = ledger
    org.user("writer_x", "county-d", ["writer"])
    db.session.commit()
    client, _token = signed_in(app, "admin")
    assert client.get(f"/keytasks/{book.id}").status_code == 404
    assert client.get(f"/keytasks/{book.id}/lights").status_code == 404
    assert not page_doc(client.get("/keytasks/")).xpath("//tr[@data-ledger-id]")


def test_only_the_ledgers_office_edits(app, ledger):
    _org, book, _tasks = ledger
    dc, _ = signed_in(app, "dc")
    assert page_doc(dc.get(f"/keytasks/{book.id}")).xpath("//form[@id='start-round']")
    leader, token = signed_in(app, "city_leader")
    doc = page_doc(leader.get(f"/keytasks/{book.id}"))
    assert not doc.xpath("//form[@id='start-round']") and not doc.xpath("//form[@id='new-task']")
    assert leader.post(f"/keytasks/{book.id}/rounds", data={"csrf_token": token,
                                                           "checkpoint": "2026-07-10"}).status_code == 403


def test_the_leaders_lights_per_area_and_in_the_cockpit(app, ledger):
    _org, book, _tasks = ledger
    client, _token = signed_in(app, "city_leader")
    doc = page_doc(client.get(f"/keytasks/{book.id}/lights"))
    rows = {tr.get("data-area"): [text_of(td) for td in tr.xpath("td")] for tr in doc.xpath("//tr[@data-area]")}
    # columns: area, tasks, then 滞后, 临近节点, 正常推进, 已完成
    assert rows == {"经济发展": ["经济发展", "2", "0", "0", "2", "0"],
                    "民生保障": ["民生保障", "2", "0", "0", "2", "0"]}
    cockpit = page_doc(client.get("/supervision/cockpit"))
    assert cockpit.xpath("//section[@id='keytask-lights']//tr[@data-area='经济发展']")


def test_a_milestone_past_its_date_turns_the_task_red_until_ticked(app, ledger):
    from tests.keytasks.helpers import local, travel_to

    org, book, (t_a, *_rest) = ledger
    travel_to(local("2026-07-01 09:00:00"))
    client, token = signed_in(app, "dc")
    doc = page_doc(client.get(f"/keytasks/tasks/{t_a.id}"))
    assert doc.xpath("//span[@id='task-light']/text()") == ["滞后"]
    first = db.session.query(KeyTaskMilestone).filter_by(task_id=t_a.id).order_by(KeyTaskMilestone.due_date).first()
    done = client.post(f"/keytasks/tasks/{t_a.id}/milestones/{first.id}/done", data={"csrf_token": token})
    assert done.status_code == 302
    doc = page_doc(client.get(f"/keytasks/tasks/{t_a.id}"))
    assert doc.xpath("//span[@id='task-light']/text()") == ["正常推进"]
    again = client.post(f"/keytasks/tasks/{t_a.id}/milestones/{first.id}/done", data={"csrf_token": token})
    assert again.status_code == 409
    handler, token = signed_in(app, "handler_a")
    assert handler.post(f"/keytasks/tasks/{t_a.id}/milestones/{first.id}/done",
                        data={"csrf_token": token}).status_code == 403


def test_the_step_page_shows_the_task_and_the_instance_links_to_it(app, ledger):
    org, book, (t_a, *_rest) = ledger
    start_july(org, book)
    report = report_of(t_a)
    contribute(org, report, "handler_b")
    client, _token = signed_in(app, "handler_a")
    doc = page_doc(client.get(f"/tasks/{open_task(report.instance_id).id}"))
    assert "重点任务1" in text_of(doc.xpath("//div[@id='keytask']")[0])
    # the lead unit's form shows what county-b sent, read-only, above its own fields
    sent = doc.xpath(f"//form//div[@data-contribution-unit='{org.units['county-b'].id}']")
    assert len(sent) == 1 and "园区用地报批" in text_of(sent[0]) and not sent[0].xpath(".//textarea")
    assert "b县委办公室" in text_of(doc.xpath("//dd[@id='keytask-cooperating']")[0])
    assert client.get(f"/keytasks/instance/{report.instance_id}").headers["Location"].endswith(
        f"/keytasks/tasks/{t_a.id}")
    other, _token = signed_in(app, "handler_c")
    assert other.get(f"/keytasks/instance/{report.instance_id}").status_code == 404


def test_a_bad_task_form_comes_back_in_chinese(app, ledger):
    _org, book, _tasks = ledger
    client, token = signed_in(app, "dc")
    response = client.post(f"/keytasks/{book.id}/tasks", data={
        "csrf_token": token, "idempotency_key": "k" * 20, "area": "经济发展", "number": "1", "title": "重复序号",
        "leader_name": "副市长 张某", "lead_unit_id": "1", "milestones": "六月底完成"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "应写成“日期 内容”" in body


def test_a_site_visit_is_recorded_by_the_ledgers_office_and_shown_to_the_unit(app, ledger):
    _org, _book, (t_a, *_rest) = ledger
    client, token = signed_in(app, "dc")
    bad = client.post(f"/keytasks/tasks/{t_a.id}/visits", data={
        "csrf_token": token, "idempotency_key": "v" * 20, "inspectors": "督查室 李明", "visit_date": "2026-03-09",
        "findings": "太短"})
    assert bad.status_code == 422 and "督办日期不能晚于今天" in bad.get_data(as_text=True)
    done = client.post(f"/keytasks/tasks/{t_a.id}/visits", data={
        "csrf_token": token, "idempotency_key": "w" * 20, "inspectors": "督查室 李明", "visit_date": "2026-03-02",
        "findings": "现场查看，园区规划尚未报批。", "agreed": "两周内报批。"})
    assert done.status_code == 302
    unit, _token = signed_in(app, "handler_a")
    doc = page_doc(unit.get(f"/keytasks/tasks/{t_a.id}"))
    assert "园区规划尚未报批" in text_of(doc.xpath("//table[@id='site-visits']")[0])
    assert not doc.xpath("//form[@id='site-visit-form']")
    leader, token = signed_in(app, "city_leader")
    assert leader.post(f"/keytasks/tasks/{t_a.id}/visits", data={"csrf_token": token}).status_code == 403
