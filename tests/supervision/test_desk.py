"""The supervision desk: lights and days computed from the clock, filters, sorting, last reports, 催办, access."""
import pytest

from tests.cases.helpers import CLOSE, PROGRESS, local, new_case, reload, travel_to
from tests.helpers import act
from tests.web_helpers import login
from webapp.engine import clock
from webapp.extensions import db
from webapp.inbox.models import Urge
from webapp.notices.models import Notice
from webapp.supervision import queries
from webapp.supervision.queries import DeskFilter

NOW = "2026-03-16 10:00:00"


@pytest.fixture
def cases(org):
    """At 2026-03-16 10:00 local: A yellow (provincial, due 3-17), B green (city, due 4-2), C red (due 3-07, with a
    progress report), D extended to 3-20 (green), E closed on time."""
    clock.set_fixed(local("2026-02-20 09:00:00"))
    early = {"instruction_date": "2026-02-19"}
    c = new_case(org, lead="county-b", title="关于渔湾港口整治的批示", **early)
    d = new_case(org, title="关于黄泥塘坝体加固的批示", **early)
    e = new_case(org, lead="county-b", title="关于渡口安全的批示", **early)
    clock.set_fixed(local("2026-02-25 09:00:00"))
    act(org, "handler_b", c.instance_id, PROGRESS)
    clock.set_fixed(local("2026-02-25 10:00:00"))
    act(org, "handler_a", d.instance_id, {"decision": "extension", "extend_until": "2026-03-20",
                                          "extension_reason": "涉及多部门协调，需补充现场核查。"})
    act(org, "dc", d.instance_id, {"decision": "approve", "opinion": "同意"})
    act(org, "handler_b", e.instance_id, CLOSE)
    act(org, "principal_b", e.instance_id, {"decision": "sign"})  # provincial: the principal leader
    act(org, "dc", e.instance_id, {"decision": "accept"})
    clock.set_fixed(local("2026-03-02 09:00:00"))
    a = new_case(org)
    b = new_case(org, lead="county-b", level="city", source_leader="市长 赵某")
    travel_to(local(NOW))
    return {k: reload(v) for k, v in dict(a=a, b=b, c=c, d=d, e=e).items()}


def _desk(org, **args):
    return queries.desk(org.units["city-dc"], DeskFilter.from_args(args))


def _nos(desk):
    return [r.case.case_no for r in desk.rows]


def test_each_open_case_has_its_light_and_days(org, cases):
    desk = _desk(org)
    by_no = {r.case.case_no: r for r in desk.rows}
    a, b, c, d = (by_no[cases[k].case_no] for k in "abcd")
    assert (a.light, a.days_left) == ("yellow", 1)
    assert (b.light, b.days_left) == ("green", 17)
    assert (c.light, c.days_left) == ("red", -9)
    assert (d.light, d.days_left, len(d.case.extensions)) == ("green", 4, 1)
    assert cases["e"].case_no not in by_no  # closed: only with the status filter
    assert {k: v for k, v in desk.counts.items() if v} == {"red": 1, "yellow": 1, "green": 2}
    assert _nos(desk) == [cases[k].case_no for k in "cadb"]  # earliest deadline first


def test_the_light_follows_the_clock_not_the_timers(org, cases):
    clock.set_fixed(local("2026-03-18 00:00:01"))  # A's deadline passed; no sweep ran yet
    by_no = {r.case.case_no: r for r in _desk(org).rows}
    assert (by_no[cases["a"].case_no].light, by_no[cases["a"].case_no].days_left) == ("red", -1)


def test_filters_and_sorting(org, cases):
    assert _nos(_desk(org, light="red")) == [cases["c"].case_no]
    assert _nos(_desk(org, light="yellow")) == [cases["a"].case_no]
    assert _nos(_desk(org, unit=str(org.units["county-b"].id))) == [cases["c"].case_no, cases["b"].case_no]
    assert _nos(_desk(org, level="city")) == [cases["b"].case_no]
    assert _nos(_desk(org, status="closed")) == [cases["e"].case_no]
    assert len(_desk(org, status="all").rows) == 5
    assert _nos(_desk(org, q="渔湾")) == [cases["c"].case_no]
    assert _nos(_desk(org, q="赵某")) == [cases["b"].case_no]
    assert _nos(_desk(org, **{"from": "2026-03-01", "to": "2026-03-02"})) == [cases["a"].case_no, cases["b"].case_no]
    assert _nos(_desk(org, sort="unit"))[:2] == [cases["a"].case_no, cases["d"].case_no]  # county-a first, by deadline
    assert _nos(_desk(org, sort="report"))[0] == cases["d"].case_no  # the extension request came last


def test_the_last_report_is_projected(org, cases):
    c, d, a = cases["c"], cases["d"], cases["a"]
    assert (c.last_report_kind, c.last_report_text) == ("progress", PROGRESS["progress"])
    assert c.last_report_dt == local("2026-02-25 09:00:00")
    assert d.last_report_kind == "extension" and d.last_report_text.startswith("申请延期至 2026-03-20：")
    assert a.last_report_dt is None


def test_one_click_urge_and_its_rate_limit(app, client, org, cases):
    token = login(client, "dc")
    page = client.get("/supervision/?light=red").get_data(as_text=True)
    assert f'data-case-no="{cases["c"].case_no}"' in page and cases["a"].case_no not in page
    response = client.post(f"/supervision/cases/{cases['c'].id}/urge", data={"csrf_token": token})
    assert response.status_code == 302
    urge = db.session.query(Urge).one()
    assert (urge.target_unit_id, urge.task.step_key) == (org.units["county-b"].id, "handle")
    assert db.session.query(Notice).filter(Notice.unit_id == org.units["county-b"].id,
                                           Notice.title.contains("催办")).count() >= 1
    again = client.post(f"/supervision/cases/{cases['c'].id}/urge", data={"csrf_token": token})
    assert again.status_code == 409 and "请 " in again.get_data(as_text=True)


def test_bulk_urge_of_a_filtered_set_skips_the_recently_urged(app, client, org, cases):
    token = login(client, "dc")
    client.post(f"/supervision/cases/{cases['a'].id}/urge", data={"csrf_token": token})
    response = client.post("/supervision/urge", data={"csrf_token": token, "unit": str(org.units["county-a"].id)})
    assert response.status_code == 302 and f"unit={org.units['county-a'].id}" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已催办 1 件；1 件已跳过" in page and cases["a"].case_no in page
    urged = {u.instance_id for u in db.session.query(Urge)}
    assert urged == {cases["a"].instance_id, cases["d"].instance_id}


@pytest.mark.parametrize("username,status", [("handler_a", 403), ("writer_a", 403), ("editor", 403)])
def test_only_the_office_and_its_leaders_use_the_desk(app, client, org, username, status):
    login(client, username)
    assert client.get("/supervision/").status_code == status
    assert client.get("/supervision/cockpit.json").status_code == status


def test_a_county_leader_has_no_desk_and_cannot_urge(app, client, org, cases):
    token = login(client, "leader_a")  # a leader, but county-a has no 督查室
    assert client.get("/supervision/").status_code == 403
    assert client.post(f"/supervision/cases/{cases['c'].id}/urge", data={"csrf_token": token}).status_code == 403
    assert db.session.query(Urge).count() == 0
