"""Clearance (密级) on emergencies: nobody marks a report above their own clearance, on any form or the API, and the
forms offer only the levels the user holds; the monthly summary, its Excel export and a unit's record count only
the reports (and their 迟报 marks) the reader may see."""
import io

import pytest
from openpyxl import load_workbook

from tests.emergencies.helpers import REPORT, act, local, report, travel_to
from tests.web_helpers import once
from tests.web_helpers import page_doc as _doc
from tests.web_helpers import signed_in as _client
from tests.web_helpers import text_of as _text
from webapp.core import clock
from webapp.emergencies.models import Emergency, EmergencyFollowUp
from webapp.extensions import db


def _options(doc):
    return [_text(o) for o in doc.xpath("//select[@id='secrecy']/option")]


def _row_errors(doc, name):
    [row] = doc.xpath(f"//form//div[contains(concat(' ', @class, ' '), ' field ')][.//*[@name='{name}']]")
    return [_text(e) for e in row.xpath(".//div[@class='err']")]


def test_a_writer_cleared_for_internal_cannot_mark_a_report_secret(app, org):
    client, token = _client(app, "writer_a")  # clearance 1: 内部
    assert _options(_doc(client.get("/emergencies/new"))) == ["公开", "内部"]
    form = {**REPORT, "csrf_token": token, "event_time": "2026-03-02T08:30"}
    doc = _doc(client.post("/emergencies/new", data={**once(), **form, "secrecy": "2"}), 422)
    assert _row_errors(doc, "secrecy") == ["密级不能高于您的涉密等级（内部）"]
    assert _options(doc) == ["公开", "内部"]

    response = client.post("/api/emergencies", json={**REPORT, "event_time": "2026-03-02T08:30", "secrecy": 2},
                           headers={"X-CSRF-Token": token})
    assert response.status_code == 422
    assert response.get_json()["fields"]["secrecy"] == ["密级不能高于您的涉密等级（内部）"]
    assert db.session.query(Emergency).count() == 0

    # Their own level is fine, and they keep seeing what they wrote.
    location = client.post("/emergencies/new", data={**once(), **form, "secrecy": "1"}).headers["Location"]
    assert client.get(location).status_code == 200


def test_an_office_cleared_for_public_cannot_take_a_classified_call(app, org):
    org.user("duty_low", "city-duty", ["duty"], clearance=0)
    db.session.commit()
    client, token = _client(app, "duty_low")
    assert _options(_doc(client.get("/emergencies/phone"))) == ["公开"]
    call = {"unit_id": str(org.units["county-a"].id), "caller": "李四", "event_time": "2026-03-02T08:30",
            "title": "a县化工厂爆燃", "summary": "厂区爆燃。", "secrecy": "1"}
    doc = _doc(client.post("/emergencies/phone", data={**once(), **call, "csrf_token": token}), 422)
    assert _row_errors(doc, "secrecy") == ["密级不能高于您的涉密等级（公开）"]
    response = client.post("/api/emergencies/phone", json=call, headers={"X-CSRF-Token": token})
    assert response.status_code == 422 and "secrecy" in response.get_json()["fields"]
    assert db.session.query(Emergency).count() == 0


def test_follow_ups_and_requests_carry_the_reports_level_and_set_none_of_their_own(app, org):
    writer, token = _client(app, "writer_a")
    location = writer.post("/emergencies/new", data={**once(),
                                                     **REPORT, "csrf_token": token, "event_time": "2026-03-02T08:30",
                                                     "secrecy": "1", "sign_mode": "skip",
                                                     "skip_reason": "抢时间"}).headers["Location"]
    refused = writer.post(f"{location}/followups", data={**once(), "csrf_token": token, "followup_kind": "followup",
                                                         "body": "续报", "secrecy": "2"})
    assert refused.status_code == 422
    editor, token = _client(app, "editor")
    refused = editor.post(f"{location}/request", data={**once(), "csrf_token": token, "due_time": "2026-03-02T10:00",
                                                       "note": "请续报", "secrecy": "2"})
    assert refused.status_code == 422
    assert db.session.query(EmergencyFollowUp).count() == 0


def _a_month_with_a_secret_late_report(org):
    """In March a县 reports twice: a 公开 one on time, and a 秘密 one the city gets 10 minutes late."""
    org.user("writer_a_secret", "county-a", ["writer"], clearance=2)
    db.session.commit()
    clock.set_fixed(local("2026-03-09 10:05:00"))
    report(org, "2026-03-09T10:00", title="公开的事件", sign_mode="skip", skip_reason="抢时间")
    clock.set_fixed(local("2026-03-09 11:50:00"))
    secret = report(org, "2026-03-09T10:00", writer="writer_a_secret", title="秘密的事件", secrecy="2")
    travel_to(local("2026-03-09 12:10:00"))
    act(org, "leader_a", secret.instance_id, {"opinion": "同意上报"})
    return secret


def _summary_row(client):
    doc = _doc(client.get("/emergencies/report?month=2026-03"))
    header = [_text(th) for th in doc.xpath("//table[@id='summary']/thead//th")]
    row = doc.xpath("//table[@id='summary']/tbody/tr")[0]  # the units with reports come first
    return dict(zip(header, [_text(td) for td in row.xpath("./td")], strict=True))


def _export_row(client):
    response = client.get("/emergencies/report?month=2026-03&format=xlsx")
    lines = [["" if v is None else str(v) for v in line]
             for line in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)]
    return dict(zip(lines[1], lines[2], strict=True))


@pytest.mark.parametrize(("reader", "counts"), [
    ("editor", {"报告数": "2", "按时": "1", "迟报次数": "1", "迟报分钟合计": "10", "及时率": "50.0%"}),
    ("editor_low", {"报告数": "1", "按时": "1", "迟报次数": "0", "迟报分钟合计": "0", "及时率": "100.0%"}),
])
def test_the_summary_and_its_export_count_only_what_the_reader_may_see(app, org, reader, counts):
    _a_month_with_a_secret_late_report(org)
    client, _ = _client(app, reader)
    row = _summary_row(client)
    assert row["单位"] == "a县委办公室" and {k: row[k] for k in counts} == counts
    export = _export_row(client)
    assert {k: export[k] for k in counts} == counts


def test_the_units_record_shows_a_secret_report_and_its_late_mark_only_to_the_cleared(app, org):
    _a_month_with_a_secret_late_report(org)
    url = f"/emergencies/record?unit={org.units['county-a'].id}"
    cleared, _ = _client(app, "editor")
    doc = _doc(cleared.get(url))
    assert [_text(r.xpath("./td")[1]) for r in doc.xpath("//table[@id='faults']/tbody/tr")] == ["秘密的事件"]
    assert len(doc.xpath("//table[@id='record-reports']/tbody/tr[@data-emergency-id]")) == 2

    low, _ = _client(app, "editor_low")
    doc = _doc(low.get(url))
    assert _text(doc.xpath("//table[@id='faults']/tbody/tr")[0]) == "无迟报、漏报、瞒报记录。"
    assert [_text(r.xpath("./td")[0]) for r in doc.xpath("//table[@id='record-reports']/tbody/tr")] == ["公开的事件"]
    assert "秘密的事件" not in low.get(url).get_data(as_text=True)


def test_a_classified_call_is_refused_when_the_unit_has_no_writer_cleared_for_the_write_up(app, org):
    """The unit owes the written report (补报文字稿): a 秘密 call for a county whose writers hold 内部 at most would
    put a step in an inbox nobody may open."""
    client, token = _client(app, "duty_city")
    call = {"unit_id": str(org.units["county-a"].id), "caller": "李四", "event_time": "2026-03-02T08:30",
            "title": "a县化工厂爆燃", "summary": "厂区爆燃。"}
    doc = _doc(client.post("/emergencies/phone", data={**once(), **call, "secrecy": "2", "csrf_token": token}), 422)
    assert _row_errors(doc, "secrecy") == ["a县委办公室没有密级相符的信息员，无法补报秘密件。"]
    assert db.session.query(Emergency).count() == 0
    response = client.post("/emergencies/phone", data={**once(), **call, "secrecy": "1", "csrf_token": token})
    assert response.status_code == 302
    assert db.session.query(Emergency).one().secrecy == 1
