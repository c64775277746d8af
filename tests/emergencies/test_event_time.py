"""Event times are sane on every emergency form and the API: no year 1 or 9999 (never a 500), nothing in the future
beyond a small clock skew, nothing older than GOVFLOW_EMERGENCY_MAX_EVENT_AGE_DAYS without a stated reason, which
is then kept and shown on the report. The clock stands at 2026-03-02 09:00."""
import pytest
from lxml import html

from tests.emergencies.helpers import REPORT, levels
from tests.web_helpers import login, once
from webapp.emergencies.models import Emergency, ReportingFault
from webapp.extensions import db

YEAR_RANGE = "年份应在 2000 到 2099 之间"
FUTURE = "事件发生时间不能晚于当前时间"
TOO_OLD = "事件发生时间早于 30 天前，请核对；确属实的须填写说明"
REASON_NEEDED = "事件发生已超过 30 天，请说明为何现在报告"

REFUSED = [
    # event time, what the field says
    ("0001-01-01T00:00", YEAR_RANGE),
    ("0001-01-02T00:00", YEAR_RANGE),
    ("1999-12-31T23:59", YEAR_RANGE),
    ("9999-12-31T23:59", YEAR_RANGE),
    ("2026-03-02T09:06", FUTURE),  # six minutes ahead: beyond the clock skew allowed
    ("2026-03-03T09:00", FUTURE),
    ("2026-01-30T08:59", TOO_OLD),  # 31 days and a minute ago, no reason
]


def _client(app, username):
    client = app.test_client()
    return client, login(client, username)


def _doc(response, status):
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return html.fromstring(response.get_data(as_text=True))


def _row_errors(doc, name):
    [row] = doc.xpath(f"//form//div[contains(concat(' ', @class, ' '), ' field ')][.//*[@name='{name}']]")
    return [" ".join(e.text_content().split()) for e in row.xpath(".//div[@class='err']")]


def _phone(org, event_time, **fields):
    return {"unit_id": str(org.units["county-a"].id), "caller": "李四", "event_time": event_time,
            "title": "a县化工厂爆燃", "summary": "厂区爆燃。", **fields}


@pytest.mark.parametrize(("event_time", "message"), REFUSED)
def test_the_report_form_refuses_an_insane_event_time(app, org, event_time, message):
    client, token = _client(app, "writer_a")
    doc = _doc(client.post("/emergencies/new", data={**once(),
                                                     **REPORT, "csrf_token": token, "event_time": event_time}), 422)
    assert _row_errors(doc, "event_time") == [message]
    assert doc.xpath("//input[@name='event_time']")[0].get("value") == event_time
    assert db.session.query(Emergency).count() == 0 and db.session.query(ReportingFault).count() == 0


@pytest.mark.parametrize(("event_time", "message"), REFUSED)
def test_the_phone_form_refuses_an_insane_event_time(app, org, event_time, message):
    client, token = _client(app, "duty_city")
    doc = _doc(client.post("/emergencies/phone", data={**once(), **_phone(org, event_time), "csrf_token": token}), 422)
    assert _row_errors(doc, "event_time") == [message]
    assert db.session.query(Emergency).count() == 0


@pytest.mark.parametrize(("event_time", "message"), REFUSED)
def test_the_api_answers_422_with_the_field(app, org, event_time, message):
    writer, token = _client(app, "writer_a")
    response = writer.post("/api/emergencies", json={**REPORT, "event_time": event_time},
                           headers={"X-CSRF-Token": token})
    assert response.status_code == 422 and response.get_json()["fields"]["event_time"] == [message]
    duty, token = _client(app, "duty_city")
    response = duty.post("/api/emergencies/phone", json=_phone(org, event_time), headers={"X-CSRF-Token": token})
    assert response.status_code == 422 and response.get_json()["fields"]["event_time"] == [message]
    assert db.session.query(Emergency).count() == 0


def test_a_little_clock_skew_is_allowed(app, org):
    client, token = _client(app, "writer_a")
    response = client.post("/emergencies/new", data={**once(),
                                                     **REPORT, "csrf_token": token, "event_time": "2026-03-02T09:04"})
    assert response.status_code == 302


def test_an_old_event_asks_for_the_reason_and_keeps_it(app, org):
    client, token = _client(app, "writer_a")
    form = {**REPORT, "csrf_token": token, "event_time": "2026-01-15T08:00"}
    first = _doc(client.get("/emergencies/new"), 200)
    assert not first.xpath("//input[@name='event_time_reason']")  # shown only when needed

    doc = _doc(client.post("/emergencies/new", data={**once(), **form}), 422)
    assert _row_errors(doc, "event_time") == [TOO_OLD]
    assert _row_errors(doc, "event_time_reason") == [REASON_NEEDED]
    doc = _doc(client.post("/emergencies/new", data={**once(), **form, "event_time_reason": "   "}), 422)
    assert _row_errors(doc, "event_time_reason") == [REASON_NEEDED]

    reason = "村民隐瞒未报，今日经群众举报核实"
    response = client.post("/emergencies/new", data={**once(), **form, "event_time_reason": reason})
    assert response.status_code == 302
    doc = _doc(client.get(response.headers["Location"]), 200)
    assert doc.get_element_by_id("event-time-reason").text_content() == reason
    emergency = db.session.query(Emergency).one()
    assert emergency.event_time_reason == reason
    assert levels(emergency)["city"].due_dt.isoformat() == "2026-01-15T02:00:00+00:00"  # still from the event


def test_an_old_event_over_the_phone_and_the_api_with_a_reason(app, org):
    duty, token = _client(app, "duty_city")
    refused = duty.post("/api/emergencies/phone", json=_phone(org, "2026-01-15T08:00"), headers={"X-CSRF-Token": token})
    assert refused.get_json()["fields"]["event_time_reason"] == [REASON_NEEDED]
    created = duty.post("/api/emergencies/phone", headers={"X-CSRF-Token": token},
                        json=_phone(org, "2026-01-15T08:00", event_time_reason="当事单位今日方知情"))
    assert created.status_code == 201
    assert created.get_json()["emergency"]["event_time_reason"] == "当事单位今日方知情"


def test_the_age_limit_is_a_setting(app, org, monkeypatch):
    monkeypatch.setitem(app.config, "EMERGENCY_MAX_EVENT_AGE_DAYS", 1)
    client, token = _client(app, "writer_a")
    doc = _doc(client.post("/emergencies/new", data={**once(), **REPORT, "csrf_token": token,
                                                     "event_time": "2026-02-28T09:00"}), 422)
    assert _row_errors(doc, "event_time_reason") == ["事件发生已超过 1 天，请说明为何现在报告"]


@pytest.mark.parametrize("call_time", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_the_call_time_is_checked_too(app, org, call_time):
    client, token = _client(app, "duty_city")
    doc = _doc(client.post("/emergencies/phone", data={**once(), **_phone(org, "2026-03-02T08:00", call_time=call_time),
                                                       "csrf_token": token}), 422)
    assert _row_errors(doc, "call_time") == [YEAR_RANGE]


@pytest.mark.parametrize(("due_time", "message"), [("0001-01-01T00:00", YEAR_RANGE),
                                                   ("9999-12-31T23:59", YEAR_RANGE),
                                                   ("2026-03-02T08:00", "续报期限应晚于当前时间")])
def test_the_follow_up_request_deadline_is_checked(app, org, due_time, message):
    writer, token = _client(app, "writer_a")
    response = writer.post("/emergencies/new", data={**once(),
                                                     **REPORT, "csrf_token": token, "event_time": "2026-03-02T08:30",
                                                     "sign_mode": "skip", "skip_reason": "抢时间"})
    url = response.headers["Location"]
    editor, token = _client(app, "editor")
    doc = _doc(editor.post(f"{url}/request", data={**once(),
                                                   "csrf_token": token, "due_time": due_time, "note": "请续报"}), 422)
    assert _row_errors(doc, "due_time") == [message]


@pytest.mark.parametrize(("event_time", "message"), REFUSED[:-1])  # a 漏报 found late is stated in its description
def test_the_fault_form_refuses_an_insane_event_time(app, org, event_time, message):
    client, token = _client(app, "editor")
    doc = _doc(client.post("/emergencies/faults/new", data={**once(),
        "csrf_token": token, "unit_id": str(org.units["county-b"].id), "kind": "missed", "event_time": event_time,
        "title": "b县某矿透水", "description": "经媒体报道获悉。", "emergency_id": ""}), 422)
    assert _row_errors(doc, "event_time") == [message]
    assert db.session.query(ReportingFault).count() == 0
