"""The README's 紧急信息 walkthrough on the demo data: report, watch the countdown, go late with the demo clock, sign,
see the 迟报 with its minutes on the detail page, the unit's record and the monthly report; and the phone-first path."""
import re
from datetime import timedelta

from tests.conftest import START, IsolatedClient
from tests.web_helpers import csrf, once
from webapp import create_app
from webapp.auth.models import Unit
from webapp.core import clock
from webapp.demo import seed
from webapp.demo.org_data import DEMO_PASSWORD
from webapp.demo.seed import EMERGENCY_SAMPLES
from webapp.emergencies.models import Emergency, ReportingFault
from webapp.engine import demo_clock
from webapp.engine.models import HumanTask
from webapp.extensions import db

REPORT = {"title": "青山县城关镇一商铺发生燃气爆燃", "place": "青山县城关镇人民路", "urgency": "very_urgent",
          "summary": "一临街商铺发生燃气爆燃，门窗受损。", "casualties": "2人轻伤",
          "measures": "已关闭气源，疏散群众。", "secrecy": "0", "sign_mode": "leader"}
OFFICE_USERS = {"editor": "bj_city", "duty": "zb_city"}  # who receives at the city: 信息科 in working hours


def _local(moment):
    return moment.astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def _client(app, username):
    client = app.test_client()
    token = csrf(client)
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client, token


def _text(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _open_task(emergency):
    return db.session.query(HumanTask).filter_by(instance_id=emergency.instance_id, state="open").one()


def _level_row(page, level):
    return re.search(rf'<tr data-level="{level}".*?</tr>', page, re.S).group(0)


def _summary_row(page, unit):
    row = re.search(rf'<tr data-unit-id="{unit.id}">(.*?)</tr>', page, re.S).group(1)
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def test_readme_emergency_walkthrough_goes_late_with_the_demo_clock(app):
    demo = create_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "TESTING")},
                       "DEMO_CLOCK": True})
    demo.test_client_class = IsolatedClient
    clock.set_fixed(None)  # the real clock plus the demo offset, as `make run` has it
    try:
        seed.load()
        db.session.commit()
        county = db.session.query(Unit).filter_by(code="county-01").one()

        # 1. xy_qingshan → 紧急信息 → 报告紧急信息, the event about 1 h 50 min ago: 10 minutes left to the city.
        writer, token = _client(demo, "xy_qingshan")
        assert 'href="/emergencies/new"' in _text(writer, "/emergencies/")
        assert "须于事件发生后 <strong>2 小时</strong>内报至临江市委办公室" in _text(writer, "/emergencies/new")
        event = clock.now() - timedelta(hours=1, minutes=50)
        response = writer.post("/emergencies/new", data={**REPORT, "event_time": _local(event), "csrf_token": token,
                                                               **once()})
        assert response.status_code == 302, response.get_data(as_text=True)
        emergency = db.session.query(Emergency).filter_by(title=REPORT["title"]).one()
        assert response.location.endswith(f"/emergencies/{emergency.id}")
        page = _text(writer, f"/emergencies/{emergency.id}")
        assert re.search(r'id="emergency-countdown"[^>]*>\s*剩余 00:(09|10):\d\d', page)
        assert 'data-alert="yellow"' in page  # within GOVFLOW_EMERGENCY_WARN_MINUTES of the limit

        # 2. admin → 系统管理 → 演示时钟 → 前进 0.5 小时: the limit passes, the report turns red.
        admin, admin_token = _client(demo, "admin")
        response = admin.post("/admin/clock", data={"hours": "0.5", "csrf_token": admin_token})
        assert response.status_code == 302
        assert "演示时钟已前进 0.5 小时" in _text(admin, "/admin/")
        page = _text(writer, f"/emergencies/{emergency.id}")
        assert 'data-alert="red"' in page and "已超时" in page

        # 3. ld_qingshan → 待办 → 值班领导核签: the report reaches the city 20-odd minutes late.
        leader, leader_token = _client(demo, "ld_qingshan")
        assert "已超过报送至市级时限" in _text(leader, "/notices/")
        row = _open_task(emergency)
        assert (row.step_key, row.unit_id) == ("u_sign", county.id)
        todo = _text(leader, "/")
        assert f'href="/tasks/{row.id}"' in todo and 'data-due="overdue"' in todo
        response = leader.post(f"/tasks/{row.id}", data={"opinion": "情况属实，同意上报", "csrf_token": leader_token})
        assert response.status_code == 302, response.get_data(as_text=True)
        db.session.expire_all()
        city = next(lv for lv in db.session.get(Emergency, emergency.id).levels if lv.level == "city")
        minutes = city.late_minutes
        assert minutes in (20, 21, 22)  # 30 minutes on from 10 before the limit, plus the seconds the steps took
        assert f"迟报 {minutes} 分钟" in _level_row(_text(writer, f"/emergencies/{emergency.id}"), "city")
        # The flash says where it went (信息科 in working hours, else 总值班室) and how late.
        assert f"已报送{city.office_unit.name}，迟报 {minutes} 分钟。" in _text(leader, response.location)

        # 4. The city's 信息科 (working hours) or 总值班室 has it on top of its 待办; 月度统计 and the unit's record.
        office_row = _open_task(emergency)
        office, _ = _client(demo, OFFICE_USERS[office_row.role])
        assert f'href="/tasks/{office_row.id}"' in _text(office, "/")
        listing = _text(office, "/emergencies/")
        assert 'id="monthly-report"' in listing and f"市级迟报 {minutes} 分钟" in listing
        month = event.astimezone(clock.LOCAL_TZ).strftime("%Y-%m")  # the month the event happened in
        late = [f for f in db.session.query(ReportingFault).filter_by(unit_id=county.id, kind="late")
                if _local(f.event_dt)[:7] == month]  # the demo's own 迟报 (2 days ago) may fall in the last month
        assert minutes in [f.minutes_late for f in late if f.emergency_id == emergency.id]
        cells = _summary_row(_text(office, f"/emergencies/report?month={month}"), county)
        assert cells[2:4] == [str(len(late)), str(sum(f.minutes_late for f in late))]
        # Every unit reporting to the city is in the table; 白石镇's report, held at the county, is not counted.
        held = db.session.query(Emergency).filter_by(title=EMERGENCY_SAMPLES["held"]["title"]).one()  # 白石镇's
        held_month = _local(held.event_dt)[:7]
        table = _text(office, f"/emergencies/report?month={held_month}")
        below = db.session.query(Unit).filter(Unit.kind.notin_(("province", "city", "office"))).count()
        assert len(re.findall(r'<tr data-unit-id="', table)) == below
        assert _summary_row(table, held.unit)[0] == "0"
        assert _summary_row(_text(_client(demo, "ld_qingshan")[0], f"/emergencies/report?month={held_month}"),
                            held.unit)[0] == "1"  # 青山县 had it
        record = _text(office, f"/emergencies/record?unit={county.id}")
        assert f"市级时限 2 小时，迟报 {minutes} 分钟" in record
        assert re.search(rf'<td class="minutes">{minutes}</td>', record)
    finally:
        demo_clock.init_app(app)  # the test app has no demo clock: drop the offset loader again
        clock.set_fixed(START)


def test_readme_phone_first_path(app):
    """zb_city → 电话接报: the city counts as reached at the call; 青山县 owes the written report."""
    seed.load()
    db.session.commit()
    county = db.session.query(Unit).filter_by(code="county-01").one()
    duty, token = _client(app, "zb_city")
    assert 'href="/emergencies/phone"' in _text(duty, "/emergencies/")
    call = clock.now() - timedelta(minutes=5)
    response = duty.post("/emergencies/phone", data={
        "unit_id": str(county.id), "caller": "王晓宁", "caller_phone": "0571-1234567", "call_time": _local(call),
        "event_time": _local(call - timedelta(minutes=40)), "title": "青山县一在建工地发生塔吊倾覆",
        "summary": "青山县委办电话报告：一在建工地塔吊倾覆，正在核实伤亡。", "urgency": "very_urgent",
        "secrecy": "0", "csrf_token": token, **once()})
    assert response.status_code == 302, response.get_data(as_text=True)
    emergency = db.session.query(Emergency).filter_by(title="青山县一在建工地发生塔吊倾覆").one()
    assert (emergency.mode, emergency.status) == ("phone", "awaiting_written")
    city = _level_row(_text(duty, f"/emergencies/{emergency.id}"), "city")
    assert "电话" in city and "按时" in city

    writer, _ = _client(app, "xy_qingshan")
    row = _open_task(emergency)
    assert (row.step_key, row.unit_id) == ("u_written", county.id)
    assert row.due_dt == emergency.phone_dt + timedelta(minutes=60)  # GOVFLOW_EMERGENCY_WRITTEN_MINUTES
    assert f'href="/tasks/{row.id}"' in _text(writer, "/")
    assert 'id="written-task-link"' in _text(writer, f"/emergencies/{emergency.id}")
