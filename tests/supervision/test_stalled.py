"""Long-stalled cases: the desk flags a case its unit has held without any 办理反馈 for GOVFLOW_CASE_STALL_DAYS days,
and the 督查室 records the 派人督办 that follows on the case's timeline."""
from lxml import html

from tests.cases.helpers import PROGRESS, local, new_case, reload
from tests.helpers import act
from tests.supervision.helpers import desk_of, nos
from tests.web_helpers import login, once
from webapp.cases.models import SiteVisit
from webapp.core import clock
from webapp.extensions import db


def _two_cases(org):
    clock.set_fixed(local("2026-03-02 09:00:00"))
    silent = new_case(org, title="无人反馈的批示件", level="city")
    busy = new_case(org, lead="county-b", title="按时反馈的批示件", level="city")
    clock.set_fixed(local("2026-03-10 09:00:00"))
    act(org, "handler_b", busy.instance_id, PROGRESS)
    clock.set_fixed(local("2026-03-13 10:00:00"))  # 11 days after 交办, 3 days after the progress report
    return reload(silent), reload(busy)


def test_the_desk_flags_a_case_without_feedback_for_the_stall_period(app, org, monkeypatch):
    silent, busy = _two_cases(org)
    assert desk_of(org).stalled == 0  # the default period, 30 days, has not passed
    monkeypatch.setitem(app.config, "CASE_STALL_DAYS", 10)
    desk = desk_of(org)
    assert desk.stalled == 1 and {r.case.case_no: r.stalled for r in desk.rows} == {
        silent.case_no: True, busy.case_no: False}
    assert nos(desk_of(org, stalled="1")) == [silent.case_no]

    clock.set_fixed(local("2026-03-21 10:00:00"))  # 11 days after busy's report: it stalls too
    assert desk_of(org).stalled == 2
    act(org, "handler_a", silent.instance_id, PROGRESS)  # a report clears the flag
    assert nos(desk_of(org, stalled="1")) == [busy.case_no]

    client = app.test_client()
    login(client, "dc")
    doc = html.fromstring(client.get("/supervision/").get_data(as_text=True))
    flagged = [tr.get("data-case-no") for tr in doc.xpath("//table[@id='desk']/tbody/tr[.//*[contains(@class, "
                                                          "'stalled-flag')]]")]
    assert flagged == [busy.case_no]
    assert " ".join(doc.get_element_by_id("stalled-count").text_content().split()) == "久未反馈 1"


def _timeline(client, case):
    doc = html.fromstring(client.get(f"/cases/{case.id}").get_data(as_text=True))
    return [(li.get("data-kind"), " ".join(li.text_content().split())) for li in doc.xpath("//ol[@id='history']/li")]


VISIT = {"inspectors": "督查室 李明、王芳", "visit_date": "2026-03-12",
         "findings": "现场查看，整治方案尚未上会，专班未实际开展工作，已要求一周内报送进展。"}


def test_the_office_records_an_on_site_supervision_on_the_timeline(app, org):
    silent, _busy = _two_cases(org)
    dc = app.test_client()
    token = login(dc, "dc")
    page = html.fromstring(dc.get(f"/cases/{silent.id}").get_data(as_text=True))
    assert page.xpath("//form[@id='site-visit-form']")

    key = once()
    response = dc.post(f"/cases/{silent.id}/visits", data={**VISIT, **key, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{silent.id}#history")
    assert dc.post(f"/cases/{silent.id}/visits", data={**VISIT, **key, "csrf_token": token}).status_code == 302
    visit = db.session.query(SiteVisit).one()  # the repeated submit recorded nothing more
    assert (visit.case_id, visit.inspectors, visit.recorded_by_id) == (
        silent.id, "督查室 李明、王芳", org.users["dc"].id)

    handler = app.test_client()
    handler_token = login(handler, "handler_a")
    for client in (dc, handler):  # the unit sees it on its case too
        visits = [text for kind, text in _timeline(client, silent) if kind == "site_visit"]
        assert len(visits) == 1
        assert "派人督办：2026-03-12 督查室 李明、王芳 赴现场督办" in visits[0] and "整治方案尚未上会" in visits[0]
    page = html.fromstring(handler.get(f"/cases/{silent.id}").get_data(as_text=True))
    assert not page.xpath("//form[@id='site-visit-form']")
    assert handler.post(f"/cases/{silent.id}/visits",
                        data={**VISIT, **once(), "csrf_token": handler_token}).status_code == 403

    response = dc.post(f"/cases/{silent.id}/visits",
                       data={**VISIT, **once(), "visit_date": "2026-03-14", "findings": "短", "csrf_token": token})
    assert response.status_code == 422
    doc = html.fromstring(response.get_data(as_text=True))
    errors = [" ".join(e.text_content().split()) for e in doc.xpath("//form[@id='site-visit-form']//*[@class='err']")]
    assert errors == ["督办日期不能晚于今天", "长度应为10到5000字"]
    assert db.session.query(SiteVisit).count() == 1
