"""The README's demo: an admin moves the demo clock and watches a case turn yellow, then red."""
from tests.cases.helpers import new_case, reload
from tests.conftest import START, IsolatedClient
from tests.web_helpers import login
from webapp import create_app
from webapp.core import clock
from webapp.engine import demo_clock


def _post_days(client, token, days):
    response = client.post("/admin/clock", data={"preset_hours": str(days * 24), "csrf_token": token})
    assert response.status_code == 302
    return client.get("/admin/").get_data(as_text=True)


def test_demo_clock_turns_a_provincial_case_yellow_then_red(app, org):
    demo = create_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "TESTING")},
                       "DEMO_CLOCK": True})
    demo.test_client_class = IsolatedClient
    clock.set_fixed(None)  # the real clock plus the demo offset, as `make run` has it
    try:
        case = new_case(org)  # assigned now: 15 days, reminder 3 days before
        client = demo.test_client()
        token = login(client, "admin")
        page = _post_days(client, token, 13)
        assert "演示时钟已前进 312 小时；已触发 1 个到期定时器" in page
        assert reload(case).alert == "yellow"
        page = _post_days(client, token, 3)
        assert "已触发 1 个到期定时器" in page
        assert reload(case).alert == "red"
        handler = demo.test_client()
        login(handler, "handler_a")
        assert "已超过办理期限" in handler.get("/notices/").get_data(as_text=True)
    finally:
        demo_clock.init_app(app)  # the test app has no demo clock: drop the offset loader again
        clock.set_fixed(START)


def test_demo_clock_shows_an_urgent_case_missing_its_first_feedback_everywhere(app, org):
    demo = create_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "TESTING")},
                       "DEMO_CLOCK": True})
    demo.test_client_class = IsolatedClient
    clock.set_fixed(None)
    try:
        case = new_case(org, urgency="urgent")  # first feedback within 7 calendar days
        client = demo.test_client()
        token = login(client, "admin")
        _post_days(client, token, 8)
        assert reload(case).feedback_missed
        office = demo.test_client()
        login(office, "dc")
        for path in ("/cases/", "/supervision/", f"/cases/{case.id}"):
            assert "未按时反馈" in office.get(path).get_data(as_text=True), path
        assert "15自然日内办结" in office.get(f"/cases/{case.id}").get_data(as_text=True)  # the rule it runs under
    finally:
        demo_clock.init_app(app)
        clock.set_fixed(START)
