"""Phone first, honestly: a call entered well after the call time it states is a 补录, counted at the stated time
as the rules say but marked on the detail page, its history, the list, the unit's record, the monthly summary and
its Excel export. A call entered promptly is not."""
import io

from lxml import html
from openpyxl import load_workbook

from tests.emergencies.helpers import levels, local
from tests.web_helpers import login, once
from webapp.core import clock
from webapp.emergencies.models import Emergency
from webapp.extensions import db


def _client(app, username):
    client = app.test_client()
    return client, login(client, username)


def _doc(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return html.fromstring(response.get_data(as_text=True))


def _text(element):
    return " ".join(element.text_content().split())


def _call(org, token, call_time, event_time, title):
    return {"csrf_token": token, "unit_id": str(org.units["county-a"].id), "caller": "李四", "caller_phone": "",
            "call_time": call_time, "event_time": event_time, "title": title, "summary": "厂区爆燃，正在核实伤亡。",
            "urgency": "very_urgent", "secrecy": "0"}


def _enter(app, org, call_time, event_time, title):
    client, token = _client(app, "duty_city")
    response = client.post("/emergencies/phone", data={**once(), **_call(org, token, call_time, event_time, title)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.query(Emergency).filter_by(title=title).one()


def _summary(client, month="2026-03"):
    doc = _doc(client.get(f"/emergencies/report?month={month}"))
    header = [_text(th) for th in doc.xpath("//table[@id='summary']/thead//th")]
    rows = {_text(r.xpath("./td")[0]): dict(zip(header, [_text(td) for td in r.xpath("./td")], strict=True))
            for r in doc.xpath("//table[@id='summary']/tbody/tr")}
    return header, rows


def _workbook(client, month="2026-03"):
    response = client.get(f"/emergencies/report?month={month}&format=xlsx")
    assert response.status_code == 200
    lines = [["" if v is None else str(v) for v in line]
             for line in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)]
    header = lines[1]
    return {line[0]: dict(zip(header, line, strict=True)) for line in lines[2:]}


def _record_row(client, org, emergency):
    doc = _doc(client.get(f"/emergencies/record?unit={org.units['county-a'].id}"))
    [row] = doc.xpath(f"//table[@id='record-reports']//tr[@data-emergency-id='{emergency.id}']")
    return _text(row.xpath("./td[@class='mode']")[0])


def test_a_call_entered_at_0220_as_0030_is_shown_as_backfilled_everywhere(app, org):
    # Night: the city's duty office enters a call at 02:20 but states it came at 00:30. The event was at 00:10, so
    # the city's 2 hours ran out at 02:10: by the entry it would be late, by the stated time it is on time.
    clock.set_fixed(local("2026-03-02 02:20:00"))
    emergency = _enter(app, org, "2026-03-02T00:30", "2026-03-02T00:10", "a县化工厂爆燃")

    # The rules count the arrival at the stated call time (docs/emergency.md), so no 迟报 ...
    city = levels(emergency)["city"]
    assert city.reached_dt == local("2026-03-02 00:30:00") and city.late_minutes is None
    # ... but both moments are kept, and the report says what happened.
    editor, _ = _client(app, "editor")
    doc = _doc(editor.get(f"/emergencies/{emergency.id}"))
    assert _text(doc.get_element_by_id("phone-time")) == "2026-03-02 00:30"
    entered = _text(doc.get_element_by_id("phone-entered"))
    assert entered.startswith("2026-03-02 02:20 补录") and "晚 110 分钟" in entered
    reached = _text(doc.xpath("//table[@id='levels']//tr[@data-level='city']/td[@class='reached']")[0])
    assert "00:30（电话） 补录" in reached and "录入 2026-03-02 02:20" in reached
    [phone_event] = [_text(li) for li in doc.xpath("//ul[@id='history']/li") if "电话接报" in _text(li)]
    assert phone_event.startswith("2026-03-02 02:20")
    assert "补录：来电 2026-03-02 00:30，录入 2026-03-02 02:20" in phone_event

    listed = _doc(editor.get("/emergencies/?scope=all"))
    assert "补录" in _text(listed.xpath(f"//tr[@data-emergency-id='{emergency.id}']")[0])

    record = _record_row(editor, org, emergency)
    assert record.startswith("电话 03-02 00:30 补录") and "录入 03-02 02:20" in record

    header, rows = _summary(editor)
    assert "电话补录" in header
    county = rows["a县委办公室"]
    assert (county["报告数"], county["迟报次数"], county["电话补录"]) == ("1", "0", "1")
    assert _workbook(editor)["a县委办公室"]["电话补录"] == "1"
    assert _workbook(editor)["合计"]["电话补录"] == "1"


def test_a_call_entered_promptly_is_not_backfilled(app, org):
    clock.set_fixed(local("2026-03-02 09:00:00"))
    emergency = _enter(app, org, "2026-03-02T08:45", "2026-03-02T08:20", "a县道路塌陷")  # 15 minutes to enter

    editor, _ = _client(app, "editor")
    doc = _doc(editor.get(f"/emergencies/{emergency.id}"))
    assert _text(doc.get_element_by_id("phone-entered")) == "2026-03-02 09:00"
    assert "补录" not in _text(doc.xpath("//main")[0])
    assert _record_row(editor, org, emergency) == "电话 03-02 08:45"
    assert _summary(editor)[1]["a县委办公室"]["电话补录"] == "0"
    assert _workbook(editor)["a县委办公室"]["电话补录"] == "0"


def test_the_backfill_allowance_is_a_setting(app, org, monkeypatch):
    monkeypatch.setitem(app.config, "EMERGENCY_PHONE_BACKFILL_MINUTES", 10)
    clock.set_fixed(local("2026-03-02 09:00:00"))
    emergency = _enter(app, org, "2026-03-02T08:45", "2026-03-02T08:20", "a县道路塌陷")
    editor, _ = _client(app, "editor")
    assert "晚 15 分钟（超过 10 分钟即为补录）" in _text(_doc(editor.get(f"/emergencies/{emergency.id}"))
                                                  .get_element_by_id("phone-entered"))


def test_the_api_reports_both_times_and_the_mark(app, org):
    clock.set_fixed(local("2026-03-02 02:20:00"))
    client, token = _client(app, "duty_city")
    response = client.post("/api/emergencies/phone", headers={"X-CSRF-Token": token}, json={
        "unit_id": org.units["county-a"].id, "caller": "李四", "call_time": "2026-03-02T00:30",
        "event_time": "2026-03-02T00:10", "title": "a县化工厂爆燃", "summary": "厂区爆燃。"})
    assert response.status_code == 201
    body = response.get_json()["emergency"]
    assert body["phone_backfill"] is True
    assert body["phone_dt"].startswith("2026-03-01T16:30") and body["phone_entered_dt"].startswith("2026-03-01T18:20")
