"""Overdue-case and fault reports: figures hand-computed from the data set of conftest.generate, drill-downs,
exports equal to the screen, scope."""
from tests.cases.helpers import local, new_case
from tests.emergencies.helpers import report
from tests.exports import read_back, screen_table
from tests.helpers import act
from tests.scoring.helpers import at, fault
from tests.statistics.conftest import EARLY, NOW
from tests.web_helpers import login
from webapp.core import clock
from webapp.emergencies.models import ReportingFault
from webapp.extensions import db

PERIOD = "from=2026-02&to=2026-04"


def _table(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return screen_table(response.get_data(as_text=True), "report-table")


def _same_in_excel(client, path):
    """The page's table, and its export opened back: equal cell by cell."""
    header, rows = _table(client, path)
    response = client.get(path + ("&" if "?" in path else "?") + "format=xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    title, x_header, x_rows = read_back(response.data)
    assert (x_header, x_rows) == (header, rows), path
    return title, header, rows


def test_overdue_by_unit_level_and_month(client, org, cases):
    # Overdue now (2026-04-02 10:00): a — p1, p5, p7 closed late (p3 was extended and closed in time);
    # b — p2 open past its deadline, p6 closed late; p4 is due tonight at 23:59, not yet overdue.
    login(client, "dc")
    header, rows = _table(client, f"/statistics/overdue?by=unit&{PERIOD}")
    assert header == ["承办单位", "超期未办结", "逾期办结", "合计", "未按时反馈"]
    assert rows == [["a县委办公室", "0", "3", "3", "0"], ["b县委办公室", "1", "1", "2", "0"],
                    ["合计", "1", "4", "5", "0"]]
    _header, rows = _table(client, f"/statistics/overdue?by=level&{PERIOD}")
    assert rows == [["省领导批示", "1", "4", "5", "0"], ["合计", "1", "4", "5", "0"]]
    _header, rows = _table(client, f"/statistics/overdue?by=month&{PERIOD}")
    assert rows == [["2026年02月", "0", "0", "0", "0"], ["2026年03月", "1", "4", "5", "0"],
                    ["2026年04月", "0", "0", "0", "0"],
                    ["合计", "1", "4", "5", "0"]]
    _header, rows = _table(client, "/statistics/overdue?by=unit&from=2026-04&to=2026-04")
    assert rows == []  # nothing due in April went overdue yet


def test_overdue_drill_down_lists_the_cases_with_days_late_and_extensions(client, org, cases):
    login(client, "dc")
    page = client.get(f"/statistics/overdue?by=unit&{PERIOD}").get_data(as_text=True)
    link = f'/statistics/overdue/cases?by=unit&amp;key={org.units["county-a"].id}&amp;{PERIOD.replace("&", "&amp;")}'
    assert link in page
    header, rows = _table(client, link.replace("&amp;", "&"))
    assert header == ["编号", "标题", "承办单位", "批示层级", "办理期限", "办结时间", "超期天数", "延期次数", "状态"]
    assert [r[:1] + r[2:] for r in rows] == [
        [cases["p1"].case_no, "a县委办公室", "省领导批示", "2026-03-07 23:59", "2026-03-10 09:00", "3", "0",
         "逾期办结"],
        [cases["p5"].case_no, "a县委办公室", "省领导批示", "2026-03-17 23:59", "2026-03-31 23:30", "14", "0",
         "逾期办结"],
        # extended once, to 3-20: days late count from the extended deadline
        [cases["p7"].case_no, "a县委办公室", "省领导批示", "2026-03-20 23:59", "2026-03-23 09:00", "3", "1",
         "逾期办结"]]
    _header, rows = _table(client, f"/statistics/overdue/cases?by=unit&key={org.units['county-b'].id}&{PERIOD}")
    assert [(r[0], r[6], r[8]) for r in rows] == [(cases["p2"].case_no, "26", "超期未办结"),
                                                  (cases["p6"].case_no, "15", "逾期办结")]
    _header, rows = _table(client, f"/statistics/overdue/cases?by=month&key=2026-03&{PERIOD}")
    assert {r[0] for r in rows} == {cases[k].case_no for k in ("p1", "p2", "p5", "p6", "p7")}
    _header, rows = _table(client, f"/statistics/overdue/cases?by=level&key=city&{PERIOD}")
    assert rows == []
    assert client.get(f"/statistics/overdue/cases?by=level&key=nonsense&{PERIOD}").status_code == 404
    assert client.get(f"/statistics/overdue/cases?by=unit&{PERIOD}").status_code == 404


def test_a_case_turns_up_once_its_deadline_passes(client, org, cases):
    clock.set_fixed(local("2026-04-03 00:00:00"))  # p4's deadline (4-02 23:59:59) has passed, still open
    login(client, "dc")
    _header, rows = _table(client, f"/statistics/overdue?by=level&{PERIOD}")
    assert rows == [["省领导批示", "1", "4", "5", "0"], ["市领导批示", "1", "0", "1", "0"],
                    ["合计", "2", "4", "6", "0"]]


def test_every_report_exports_what_the_screen_shows(client, org, cases):
    _late_report_and_marks(org)
    login(client, "dc")
    titles = {}
    for path in (f"/statistics/overdue?by=unit&{PERIOD}", f"/statistics/overdue?by=level&{PERIOD}",
                 f"/statistics/overdue?by=month&{PERIOD}",
                 f"/statistics/overdue/cases?by=level&key=provincial&{PERIOD}",
                 f"/statistics/faults?by=unit&{PERIOD}", f"/statistics/faults?by=month&{PERIOD}",
                 f"/statistics/faults/list?by=month&key=2026-03&{PERIOD}"):
        title, _header, rows = _same_in_excel(client, path)
        assert rows, path
        titles[path] = title
    assert titles[f"/statistics/overdue?by=unit&{PERIOD}"] == \
        "市委督查室超期批示件统计（2026年02月至2026年04月到期，按承办单位）"
    response = client.get(f"/statistics/overdue?by=unit&{PERIOD}&format=xlsx")
    assert response.headers["Content-Disposition"].endswith(
        "filename*=UTF-8''%E8%B6%85%E6%9C%9F%E6%89%B9%E7%A4%BA%E4%BB%B6%E7%BB%9F%E8%AE%A1_2026-02_2026-04.xlsx")


def test_the_secret_cases_stay_out_of_a_low_clearance_view(client, org, cases):
    clock.set_fixed(local("2026-02-20 09:00:00"))
    new_case(org, lead="county-b", secrecy="1", title="涉密批示", **EARLY)  # due 3-07, open: overdue
    clock.set_fixed(local(NOW))
    login(client, "dc")
    _header, rows = _table(client, f"/statistics/overdue?by=unit&{PERIOD}")
    assert rows[1] == ["b县委办公室", "2", "1", "3", "0"]
    low = client.application.test_client()
    login(low, "dc_low")
    _header, rows = _table(low, f"/statistics/overdue?by=unit&{PERIOD}")
    assert rows[1] == ["b县委办公室", "1", "1", "2", "0"]
    _header, rows = _table(low, f"/statistics/overdue/cases?by=unit&key={org.units['county-b'].id}&{PERIOD}")
    assert "涉密批示" not in [r[1] for r in rows]


def _late_report_and_marks(org):
    """a: a report reaching the city 10 minutes late (event 3-09 10:00, signed 12:10) and a 漏报 at 3-31 23:30;
    b: a 瞒报 at 4-01 00:10 (April in Shanghai)."""
    at("2026-03-09 11:50")
    emergency = report(org, "2026-03-09T10:00")
    at("2026-03-09 12:10")
    act(org, "leader_a", emergency.instance_id, {"opinion": "同意上报"})
    at(NOW.rsplit(":", 1)[0])
    fault(org, "a", "missed", "2026-03-31T23:30")
    fault(org, "b", "concealed", "2026-04-01T00:10")
    assert {(f.kind, f.minutes_late) for f in db.session.query(ReportingFault)} == {
        ("late", 10), ("missed", None), ("concealed", None)}


def test_fault_report_by_unit_and_month_with_its_drill_down(client, org):
    _late_report_and_marks(org)
    login(client, "editor")
    header, rows = _table(client, "/statistics/faults?by=month&from=2026-03&to=2026-04")
    assert header == ["月份", "迟报", "漏报", "瞒报", "合计", "迟报分钟合计"]
    assert rows == [["2026年03月", "1", "1", "0", "2", "10"], ["2026年04月", "0", "0", "1", "1", "0"],
                    ["合计", "1", "1", "1", "3", "10"]]
    _header, rows = _table(client, "/statistics/faults?by=unit&from=2026-03&to=2026-04")
    assert rows == [["a县委办公室", "1", "1", "0", "2", "10"], ["b县委办公室", "0", "0", "1", "1", "0"],
                    ["合计", "1", "1", "1", "3", "10"]]
    _header, rows = _table(client, "/statistics/faults?by=unit&from=2026-04&to=2026-04")
    assert rows == [["b县委办公室", "0", "0", "1", "1", "0"], ["合计", "0", "0", "1", "1", "0"]]
    header, rows = _table(client, f"/statistics/faults/list?by=unit&key={org.units['county-a'].id}"
                                  "&from=2026-03&to=2026-04")
    assert header == ["事件时间", "单位", "类型", "层级", "迟报分钟", "事件", "记录单位"]
    assert [r[:5] + r[6:] for r in rows] == [["2026-03-09 10:00", "a县委办公室", "迟报", "市", "10", "系统"],
                                             ["2026-03-31 23:30", "a县委办公室", "漏报", "", "", "临江市委办公室"]]
    _header, rows = _table(client, "/statistics/faults/list?by=month&key=2026-04&from=2026-03&to=2026-04")
    assert [(r[0], r[1], r[2]) for r in rows] == [("2026-04-01 00:10", "b县委办公室", "瞒报")]


def test_who_sees_which_faults(client, org):
    """The offices that take reports (and the 督查室, the leaders) see their level and below; others their unit."""
    _late_report_and_marks(org)
    for username, units in (("editor", ["a县委办公室", "b县委办公室"]), ("dc", ["a县委办公室", "b县委办公室"]),
                            ("writer_b", ["b县委办公室"]), ("handler_a", ["a县委办公室"]),
                            ("leader_a", ["a县委办公室"])):
        viewer = client.application.test_client()
        login(viewer, username)
        _header, rows = _table(viewer, "/statistics/faults?by=unit&from=2026-03&to=2026-04")
        assert [r[0] for r in rows[:-1]] == units, username
    writer = client.application.test_client()
    login(writer, "writer_b")
    _header, rows = _table(writer, f"/statistics/faults/list?by=unit&key={org.units['county-a'].id}"
                                   "&from=2026-03&to=2026-04")
    assert rows == []  # another unit's faults: nothing, even by naming it


def test_a_handling_unit_sees_only_its_own_cases(client, org, cases):
    login(client, "handler_b")
    _header, rows = _table(client, f"/statistics/overdue?by=unit&{PERIOD}")
    assert rows == [["b县委办公室", "1", "1", "2", "0"], ["合计", "1", "1", "2", "0"]]
    _header, rows = _table(client, f"/statistics/overdue/cases?by=unit&key={org.units['county-a'].id}&{PERIOD}")
    assert rows == []


def test_a_malformed_period_is_answered_in_chinese(client, org):
    login(client, "dc")
    response = client.get("/statistics/overdue?from=2026-13")
    assert response.status_code == 422 and "月份格式应为 YYYY-MM" in response.get_data(as_text=True)
    response = client.get("/statistics/overdue?from=2020-01&to=2026-03")
    assert response.status_code == 422 and "最长 36 个月" in response.get_data(as_text=True)


def test_a_missed_first_feedback_of_an_urgent_case_is_counted_beside_the_overdue_ones(client, org):
    from tests.cases.helpers import PROGRESS, travel_to

    clock.set_fixed(local("2026-03-10 09:00:00"))
    missed = new_case(org, lead="county-b", urgency="urgent", title="紧急件：b县未按时首次反馈")
    answered = new_case(org, lead="county-a", urgency="urgent", title="紧急件：a县按时首次反馈")
    travel_to(local("2026-03-12 10:00:00"))
    act(org, "handler_a", answered.instance_id, PROGRESS)  # within the 7 days
    travel_to(local("2026-03-20 09:00:00"))  # b's 7 days have passed with no word
    clock.set_fixed(local(NOW))
    login(client, "dc")
    header, rows = _table(client, f"/statistics/overdue?by=unit&{PERIOD}")
    missed_column = header.index("未按时反馈")
    by_unit = {row[0]: row[missed_column] for row in rows}
    assert by_unit == {"a县委办公室": "0", "b县委办公室": "1", "合计": "1"}
    _header, rows = _table(client, f"/statistics/overdue?by=month&{PERIOD}")
    assert {row[0]: row[missed_column] for row in rows}["2026年03月"] == "1"
    assert db.session.get(type(missed), missed.id).feedback_missed
