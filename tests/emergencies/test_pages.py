"""The emergency pages over HTTP as each user sees them: who may open which page, the report and phone forms, the
countdowns, follow-ups and requests, the unit's record and the monthly summary with its Excel export.
Pages are read with lxml as rendered HTML."""
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from tests.emergencies.helpers import REPORT, act, levels, local, open_task, reload, report, travel_to
from tests.helpers import new_item
from tests.web_helpers import once
from tests.web_helpers import page_doc as _page
from tests.web_helpers import signed_in as _client
from tests.web_helpers import text_of as _text
from webapp.audit.models import AuditEntry
from webapp.core import clock
from webapp.emergencies.models import Emergency, EmergencyFollowUp
from webapp.extensions import db


def _one(doc, xpath):
    [element] = doc.xpath(xpath)
    return element


def _by_id(doc, element_id):
    return _one(doc, f"//*[@id='{element_id}']")


def _level_row(doc, level):
    return _one(doc, f"//table[@id='levels']//tr[@data-level='{level}']")


def _cells(row):
    return [_text(td) for td in row.xpath("./td")]


def _flash(doc):
    return _text(_one(doc, "//main/div[contains(@class, 'flash')]"))


def _row_errors(doc, name):
    row = _one(doc, f"//form//div[contains(concat(' ', @class, ' '), ' field ')][.//*[@name='{name}']]")
    return [_text(e) for e in row.xpath(".//div[@class='err']")]


def _location(response):
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return response.headers["Location"]


def _detail_id(location):
    return int(location.rstrip("/").rsplit("/", 1)[1])


def _written(org, event_time="2026-03-02T08:50", **fields):
    return report(org, event_time, **fields)


PAGES = [
    # path, user, status, what the page says
    ("/emergencies/", "writer_a", 200, "紧急信息"),
    ("/emergencies/new", "writer_a", 200, "报告紧急信息"),
    ("/emergencies/new", "editor", 403, "只有本单位的信息员或值班员可以报告紧急信息"),
    ("/emergencies/phone", "duty_city", 200, "电话接报"),
    ("/emergencies/phone", "editor", 200, "电话接报"),
    ("/emergencies/phone", "writer_a", 403, "只有信息部门或总值班室可以登记电话报告"),
    ("/emergencies/faults/new", "editor", 200, "记录漏报、瞒报"),
    ("/emergencies/faults/new", "dc", 200, "记录漏报、瞒报"),
    ("/emergencies/faults/new", "writer_a", 403, "只有上级信息部门、总值班室或督查室可以记录漏报、瞒报"),
    ("/emergencies/report", "editor", 200, "紧急信息报送情况"),
    ("/emergencies/report", "leader_a", 200, "紧急信息报送情况"),
    ("/emergencies/report", "writer_a", 403, "只有信息部门、总值班室、督查室和领导可以查看紧急信息报送统计"),
    ("/emergencies/record", "writer_a", 200, "a县委办公室 · 紧急信息报送记录"),
    ("/emergencies/record?unit={county-a}", "editor", 200, "a县委办公室 · 紧急信息报送记录"),
    ("/emergencies/record?unit={county-b}", "writer_a", 404, "单位不存在或您无权查看其报送记录"),
    ("/emergencies/record?unit={city}", "writer_a", 404, "单位不存在或您无权查看其报送记录"),
    ("/emergencies/{emergency}", "writer_a", 200, "各级报送时限"),
    ("/emergencies/{emergency}", "editor", 200, "各级报送时限"),
    ("/emergencies/{emergency}", "writer_b", 404, "紧急信息不存在或您无权查看"),
    ("/emergencies/{emergency}", "editor_prov", 404, "紧急信息不存在或您无权查看"),  # not relayed yet
    ("/emergencies/instance/{instance}", "writer_b", 404, "紧急信息不存在或您无权查看"),
]


@pytest.mark.parametrize(("path", "username", "status", "says"), PAGES)
def test_each_page_for_the_right_role_and_refused_to_the_wrong_one(app, org, path, username, status, says):
    emergency = _written(org, sign_mode="skip", skip_reason="抢时间")  # reached the city
    ids = {**{code: unit.id for code, unit in org.units.items()}, "emergency": emergency.id,
           "instance": emergency.instance_id}
    client, _ = _client(app, username)
    response = client.get(path.format(**ids))
    assert response.status_code == status
    assert says in response.get_data(as_text=True)
    if status != 200:
        assert REPORT["title"] not in response.get_data(as_text=True)


@pytest.mark.parametrize(("username", "shown"), [
    ("writer_a", {"new-emergency", "own-record"}),
    ("duty_city", {"new-emergency", "phone-emergency", "new-fault", "monthly-report", "own-record"}),
    ("dc", {"new-fault", "monthly-report", "own-record"}),
    ("leader_a", {"monthly-report", "own-record"}),
])
def test_the_list_offers_each_role_its_buttons(app, org, username, shown):
    client, _ = _client(app, username)
    doc = _page(client.get("/emergencies/"))
    assert {a.get("id") for a in doc.xpath("//p[@id='emergency-actions']/a")} == shown


def test_a_report_through_the_form_starts_the_clock_from_the_event(app, org):
    client, token = _client(app, "writer_a")
    doc = _page(client.get("/emergencies/new"))
    limits = _text(_by_id(doc, "limits"))
    assert "须于事件发生后 2 小时内报至临江市委办公室（市级）" in limits
    assert "须于事件发生后 5 小时内报至江南省委办公厅（省级）" in limits
    assert "须于事件发生后 6 小时内报至中央" in limits

    response = client.post("/emergencies/new", data={**REPORT, "csrf_token": token, **once(),
                                                     "event_time": "2026-03-02T08:50"})
    emergency = db.session.get(Emergency, _detail_id(_location(response)))
    assert (emergency.title, emergency.unit_id) == (REPORT["title"], org.units["county-a"].id)

    doc = _page(client.get(_location(response)))
    assert "待值班领导核签" in _flash(doc)
    assert _text(_by_id(doc, "emergency-event")) == "2026-03-02 08:50"
    city = _cells(_level_row(doc, "city"))
    assert city[2:4] == ["事件后 2 小时", "2026-03-02 10:50"]
    assert city[6] == "剩余 01:50:00"  # 09:00 now, 10:50 the limit
    countdown = _one(_level_row(doc, "city"), ".//span[contains(@class, 'countdown')]")
    assert (countdown.get("data-due"), countdown.get("data-now")) == ("2026-03-02T02:50:00+00:00",
                                                                      "2026-03-02T01:00:00+00:00")
    assert _cells(_level_row(doc, "province"))[6] == "未到达"
    assert "剩余 01:50:00" in _text(_by_id(doc, "emergency-countdown"))
    assert doc.xpath("//script[contains(@src, 'countdown.js')]")


def test_a_form_missing_the_event_time_comes_back_with_the_message(app, org):
    client, token = _client(app, "writer_a")
    fields = dict(REPORT)
    doc = _page(client.post("/emergencies/new", data={**fields, "csrf_token": token, **once()}), status=422)
    assert _row_errors(doc, "event_time") == ["此项为必填项"]
    assert _one(doc, "//input[@name='title']").get("value") == REPORT["title"]
    doc = _page(client.post("/emergencies/new", data={**fields, "csrf_token": token, **once(),
                                                      "event_time": "2026-03-02T10:00"}), status=422)
    assert _row_errors(doc, "event_time") == ["事件发生时间不能晚于当前时间"]
    doc = _page(client.post("/emergencies/new", data={**fields, "csrf_token": token, **once(),
                                                      "event_time": "2026-03-02T08:00", "sign_mode": "skip"}),
                status=422)
    assert _row_errors(doc, "skip_reason") == ["越过核签直接报送时必须说明理由"]
    assert db.session.query(Emergency).count() == 0


def test_the_phone_report_page(app, org):
    client, token = _client(app, "duty_city")
    doc = _page(client.get("/emergencies/phone"))
    options = [_text(o) for o in doc.xpath("//select[@id='unit_id']/option")]
    assert options == ["请选择", "a县委办公室", "b县委办公室", "a县甲镇党政办"]
    assert _one(doc, "//select[@id='unit_id']").get("autofocus") is not None
    assert _one(doc, "//input[@id='call_time']").get("value") == "2026-03-02T09:00"

    call = {"csrf_token": token, "unit_id": str(org.units["county-a"].id), "caller": "李四",
            "caller_phone": "0571-1234567", "call_time": "2026-03-02T09:00", "event_time": "2026-03-02T08:20",
            "title": "a县化工厂爆燃", "summary": "厂区爆燃，正在核实伤亡。", "urgency": "very_urgent", "secrecy": "0"}
    doc = _page(client.post("/emergencies/phone", data={**call, **once(), "caller": ""}), status=422)
    assert _row_errors(doc, "caller") == ["此项为必填项"]

    location = _location(client.post("/emergencies/phone", data={**call, **once()}))
    doc = _page(client.get(location))
    assert _text(_by_id(doc, "phone-caller")) == "李四（0571-1234567）"
    assert _text(_by_id(doc, "phone-summary")) == "厂区爆燃，正在核实伤亡。"
    written = _text(_by_id(doc, "written-status"))
    assert written.startswith("待补报 须于 2026-03-02 10:00 前报送") and "剩余 01:00:00" in written
    city = _cells(_level_row(doc, "city"))
    assert city[4].startswith("2026-03-02 09:00（电话）") and "文字稿待补报" in city[4]
    assert city[5] == "总值班室 市委总值班室" and city[6] == "按时"
    assert [row.get("data-level") for row in doc.xpath("//table[@id='levels']//tr[@data-level]")] == \
        ["city", "province", "centre"]

    emergency = db.session.get(Emergency, _detail_id(location))
    writer, _ = _client(app, "writer_a")
    doc = _page(writer.get(location))
    task_url = _by_id(doc, "written-task-link").get("href")
    doc = _page(writer.get(task_url))
    assert _one(doc, "//input[@id='title']").get("value") == "a县化工厂爆燃"
    assert _text(_one(doc, "//textarea[@id='summary']")) == "厂区爆燃，正在核实伤亡。"
    assert "剩余 01:00:00" in _text(_by_id(doc, "task-countdown"))
    assert _text(_by_id(doc, "emergency-status")).startswith("已电话报告，待报文字稿")
    assert emergency.status == "awaiting_written"


def test_the_emergency_task_is_on_top_of_the_inbox_with_its_countdown(app, org):
    item = new_item(org, urgency="urgent")  # an ordinary information item reaches the city first
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    act(org, "leader_a", item.instance_id, {"decision": "pass"})
    clock.advance(timedelta(minutes=5))
    emergency = _written(org, "2026-03-02T08:30", sign_mode="skip", skip_reason="抢时间")
    client, _ = _client(app, "editor")
    doc = _page(client.get("/"))
    rows = doc.xpath("//table[@id='tasks']/tbody/tr[@data-task-id]")
    assert [r.get("data-task-id") for r in rows] == [str(open_task(emergency.instance_id).id),
                                                      str(open_task(item.instance_id).id)]
    assert [r.get("data-kind") for r in rows] == ["emergency", "info"]
    due = _text(_one(rows[0], ".//td[@class='due']"))
    assert due.startswith("2026-03-02 13:30") and "剩余 04:25:00" in due  # the province's 5 hours from 08:30
    assert not rows[1].xpath(".//span[contains(@class, 'countdown')]")


def test_follow_ups_and_a_request_through_the_pages(app, org):
    clock.set_fixed(local("2026-03-09 10:20:00"))
    emergency = _written(org, "2026-03-09T10:00", sign_mode="skip", skip_reason="抢时间")
    editor, editor_token = _client(app, "editor")
    writer, writer_token = _client(app, "writer_a")
    url = f"/emergencies/{emergency.id}"

    doc = _page(editor.get(url))
    assert not doc.xpath("//form[@id='followup-form']")
    assert _one(doc, "//input[@id='due_time']").get("value") == "2026-03-09T11:20"
    doc = _page(editor.post(f"{url}/request", data={"csrf_token": editor_token, **once(),
                                                    "due_time": "2026-03-09T11:00", "note": ""}), status=422)
    assert _row_errors(doc, "note") == ["此项为必填项"]
    _location(editor.post(f"{url}/request", data={"csrf_token": editor_token, **once(), "due_time": "2026-03-09T11:00",
                                                  "note": "请续报伤亡核实情况"}))
    assert writer.post(f"{url}/request", data={"csrf_token": writer_token, **once(), "due_time": "2026-03-09T11:00",
                                               "note": "x"}).status_code == 403

    doc = _page(writer.get(url))
    assert not doc.xpath("//form[@id='request-form']") and not doc.xpath("//form[@id='followup-form']")
    assert "请续报伤亡核实情况" in _text(_by_id(doc, "open-request"))
    task_url = _by_id(doc, "request-task-link").get("href")
    row = _one(doc, "//table[@id='followups']//tr[@data-status='requested']")
    assert _cells(row)[0] == "续报 1" and "剩余 00:40:00" in _cells(row)[5]
    doc = _page(writer.get(task_url))
    assert "请续报伤亡核实情况" in _text(_by_id(doc, "followup-request"))
    answer = {"csrf_token": writer_token, "action": "submit", "followup_kind": "followup", "body": "核实：无人员伤亡。",
              "sign_mode": "skip", "skip_reason": "已电话请示"}
    _location(writer.post(task_url, data=answer))

    doc = _page(writer.post(f"{url}/followups", data={"csrf_token": writer_token, **once(), "followup_kind": "followup",
                                                      "body": ""}), status=422)
    assert _row_errors(doc, "body") == ["此项为必填项"]
    response = writer.post(f"{url}/followups", data={"csrf_token": writer_token, **once(), "followup_kind": "followup",
                                                     "body": "第二次续报：道路已抢通。", "sign_mode": "leader"})
    assert "待值班领导核签" in _flash(_page(writer.get(_location(response))))
    second = db.session.query(EmergencyFollowUp).order_by(EmergencyFollowUp.id.desc()).first()
    act(org, "leader_a", second.instance_id, {})
    _location(writer.post(f"{url}/followups", data={"csrf_token": writer_token, **once(), "followup_kind": "final",
                                                    "body": "终报：处置完毕。", "sign_mode": "skip",
                                                    "skip_reason": "领导已口头同意"}))

    doc = _page(editor.get(url))
    rows = doc.xpath("//table[@id='followups']/tbody/tr")
    assert [_cells(r)[0] for r in rows] == ["续报 1", "续报 2", "终报"]
    assert [_cells(r)[4] for r in rows] == ["已报送"] * 3
    assert "要求于 2026-03-09 11:00 前续报：请续报伤亡核实情况" in _cells(rows[0])[5]
    assert "逾期" not in _cells(rows[0])[5]
    assert _text(_by_id(doc, "emergency-status")).startswith("已终报")
    assert not doc.xpath("//form[@id='request-form']")
    assert writer.post(f"{url}/followups", data={"csrf_token": writer_token, **once(),
                                                 "body": "再报"}).status_code == 409
    assert "已终报" in writer.post(f"{url}/followups", data={"csrf_token": writer_token, **once(), "body": "再报"}) \
        .get_data(as_text=True)


def test_an_overdue_request_is_flagged(app, org):
    clock.set_fixed(local("2026-03-09 10:20:00"))
    emergency = _written(org, "2026-03-09T10:00", sign_mode="skip", skip_reason="抢时间")
    editor, token = _client(app, "editor")
    _location(editor.post(f"/emergencies/{emergency.id}/request",
                          data={"csrf_token": token, **once(), "due_time": "2026-03-09T11:00", "note": "请续报"}))
    travel_to(local("2026-03-09 11:05:00"))
    row = _one(_page(editor.get(f"/emergencies/{emergency.id}")), "//table[@id='followups']/tbody/tr")
    assert _cells(row)[4] == "待续报" and _cells(row)[5].endswith("逾期")


def _late_by_ten_minutes(org):
    """Reported at 11:50 for a 10:00 event; the leader signs at 12:10: the city gets it 10 minutes late."""
    clock.set_fixed(local("2026-03-09 11:50:00"))
    emergency = report(org, "2026-03-09T10:00")
    travel_to(local("2026-03-09 12:10:00"))
    act(org, "leader_a", emergency.instance_id, {"opinion": "同意上报"})
    assert levels(emergency)["city"].late_minutes == 10
    return reload(emergency)


def test_a_late_report_shows_on_the_detail_the_record_and_the_monthly_report(app, org):
    emergency = _late_by_ten_minutes(org)
    editor, token = _client(app, "editor")
    doc = _page(editor.get(f"/emergencies/{emergency.id}"))
    assert _cells(_level_row(doc, "city"))[6] == "迟报 10 分钟"
    assert _cells(_level_row(doc, "province"))[6] == "剩余 02:50:00"  # 15:00, the province's 5 hours

    _location(editor.post("/emergencies/faults/new", data={
        "csrf_token": token, **once(), "unit_id": str(org.units["county-b"].id), "kind": "missed",
        "event_time": "2026-03-08T22:00", "title": "b县某矿透水", "description": "经媒体报道获悉，b县未报告。",
        "emergency_id": ""}))

    doc = _page(editor.get(f"/emergencies/record?unit={org.units['county-a'].id}"))
    [row] = doc.xpath("//table[@id='faults']/tbody/tr")
    cells = _cells(row)
    assert cells[:5] == ["迟报", REPORT["title"], "2026-03-09 10:00", "市", "10"]
    assert cells[6] == "系统自动记录"
    writer, _ = _client(app, "writer_a")
    assert _cells(_one(_page(writer.get("/emergencies/record")), "//table[@id='faults']/tbody/tr"))[0] == "迟报"
    empty = _page(editor.get(f"/emergencies/record?unit={org.units['county-a'].id}&month=2026-02"))
    assert _text(_one(empty, "//table[@id='faults']/tbody/tr")) == "无迟报、漏报、瞒报记录。"
    missed = _cells(_one(_page(editor.get(f"/emergencies/record?unit={org.units['county-b'].id}&month=2026-03")),
                         "//table[@id='faults']/tbody/tr"))
    assert missed[:3] == ["漏报", "b县某矿透水", "2026-03-08 22:00"] and missed[6] == "用户editor（临江市委办公室）"

    doc = _page(editor.get("/emergencies/report?month=2026-03"))
    assert _text(_by_id(doc, "report-title")) == "临江市委办公室 · 2026年3月紧急信息报送情况"
    header = [_text(th) for th in doc.xpath("//table[@id='summary']/thead//th")]
    assert header == ["单位", "报告数", "按时", "迟报次数", "迟报分钟合计", "漏报", "瞒报", "电话补录", "及时率"]
    rows = {_cells(r)[0]: _cells(r) for r in doc.xpath("//table[@id='summary']/tbody/tr")}
    assert rows["a县委办公室"] == ["a县委办公室", "1", "0", "1", "10", "0", "0", "0", "0.0%"]
    assert rows["b县委办公室"] == ["b县委办公室", "0", "0", "0", "0", "1", "0", "0", "—"]
    total = _cells(_one(doc, "//table[@id='summary']/tfoot/tr"))
    assert total == ["合计", "1", "0", "1", "10", "1", "0", "0", "0.0%"]
    link = _one(doc, "//table[@id='summary']//a[normalize-space()='a县委办公室']").get("href")
    assert link == f"/emergencies/record?unit={org.units['county-a'].id}&month=2026-03"

    response = editor.get("/emergencies/report?month=2026-03&format=xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    lines = [["" if v is None else str(v) for v in line] for line in sheet.iter_rows(values_only=True)]
    assert lines[0][0] == "2026年3月紧急信息报送情况"
    assert lines[1] == header
    page_lines = [_cells(r) for r in doc.xpath("//table[@id='summary']/tbody/tr")] + [total]
    assert lines[2:] == page_lines
    assert sheet.column_dimensions["A"].width >= 20

    assert "本月无紧急信息报送记录" in _text(_page(editor.get("/emergencies/report?month=2026-02")))
    assert editor.get("/emergencies/report?month=2026-13").status_code == 422


def test_the_list_marks_red_and_yellow_and_counts_down(app, org):
    clock.set_fixed(local("2026-03-09 10:05:00"))
    late = _written(org, "2026-03-09T08:30", title="已超时的事件")
    soon = _written(org, "2026-03-09T08:50", title="将到时限的事件")
    calm = _written(org, "2026-03-09T10:00", title="刚发生的事件")
    travel_to(local("2026-03-09 10:31:00"))
    client, _ = _client(app, "writer_a")
    doc = _page(client.get("/emergencies/"))
    rows = doc.xpath("//table[@id='emergencies']/tbody/tr[@data-emergency-id]")
    assert [r.get("data-emergency-id") for r in rows] == [str(late.id), str(soon.id), str(calm.id)]
    assert [r.get("data-alert") for r in rows] == ["red", "yellow", ""]
    assert [_cells(r)[5] for r in rows] == ["已超时 1 分钟", "剩余 00:19:00", "剩余 01:29:00"]
    assert _text(_one(doc, "//p[@class='tabs']/a[contains(@class, 'active')]")) == "在途"


def test_the_task_page_and_the_instance_link(app, org):
    clock.set_fixed(local("2026-03-09 10:20:00"))
    emergency = _written(org, "2026-03-09T10:00")
    leader, _ = _client(app, "leader_a")
    doc = _page(leader.get(f"/tasks/{open_task(emergency.instance_id).id}"))
    assert _text(_one(doc, "//h1")) == f"值班领导核签 · {REPORT['title']}"
    assert "剩余 01:40:00" in _text(_by_id(doc, "task-countdown"))
    assert _text(_by_id(doc, "emergency-summary")) == REPORT["summary"]
    assert _one(doc, "//form[@id='task-form']//button[@value='pass']").text == "核签并报送"

    response = leader.get(f"/emergencies/instance/{emergency.instance_id}")
    assert _location(response).endswith(f"/emergencies/{emergency.id}")


def test_the_receive_form_offers_the_fast_path(app, org):
    clock.set_fixed(local("2026-03-09 10:20:00"))
    emergency = _written(org, "2026-03-09T10:00", sign_mode="skip", skip_reason="抢时间")
    editor, token = _client(app, "editor")
    task_url = f"/tasks/{open_task(emergency.instance_id).id}"
    doc = _page(editor.get(task_url))
    assert "须于 2026-03-09 15:00 前报至江南省委办公厅" in _text(_by_id(doc, "fast-path"))
    checked = {i.get("name"): i.get("value") for i in doc.xpath("//form[@id='task-form']//input[@checked]")}
    assert checked == {"decision": "relay", "sign_mode": "leader"}
    doc = _page(editor.post(task_url, data={"csrf_token": token, "decision": "hold", "sign_mode": "leader",
                                            "skip_reason": "", "opinion": ""}), status=422)
    assert _row_errors(doc, "opinion") == ["本级掌握、不再上报时必须说明理由"]
    _location(editor.post(task_url, data={"csrf_token": token, "decision": "relay", "sign_mode": "skip",
                                          "skip_reason": "值班领导电话同意", "opinion": ""}))
    assert levels(emergency)["province"].reached_dt == clock.now()


def test_viewing_a_secret_emergency_is_audited(app, org):
    emergency = _written(org, secrecy="1", title="内部紧急信息")
    client, _ = _client(app, "writer_a")
    _page(client.get(f"/emergencies/{emergency.id}"))
    entry = db.session.query(AuditEntry).filter_by(action="item.view_secret").one()
    assert "内部紧急信息" in entry.summary
    low, _ = _client(app, "writer_a2")  # clearance 公开
    assert low.get(f"/emergencies/{emergency.id}").status_code == 404
