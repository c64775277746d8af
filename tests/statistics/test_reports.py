"""Overdue-case and fault reports: figures hand-computed, drill-downs, exports equal to the screen, access."""
import pytest

from tests.exports import read_back, screen_table
from tests.scoring.helpers import fault
from tests.web_helpers import login

PERIOD = "from=2026-02&to=2026-04"


def _table(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return screen_table(response.get_data(as_text=True), "report-table")


def test_overdue_by_unit_level_and_month(client, org, cases):
    login(client, "dc")
    header, rows = _table(client, f"/statistics/overdue?by=unit&{PERIOD}")
    assert header == ["承办单位", "超期未办结", "逾期办结", "合计"]
    assert rows == [["a县委办公室", "0", "2", "2"], ["b县委办公室", "1", "1", "2"], ["合计", "1", "3", "4"]]
    _header, rows = _table(client, f"/statistics/overdue?by=level&{PERIOD}")
    assert rows == [["省领导批示", "1", "3", "4"], ["合计", "1", "3", "4"]]
    _header, rows = _table(client, f"/statistics/overdue?by=month&{PERIOD}")
    assert rows == [["2026年02月", "0", "0", "0"], ["2026年03月", "1", "3", "4"], ["2026年04月", "0", "0", "0"],
                    ["合计", "1", "3", "4"]]


def test_overdue_drill_down_lists_the_cases_with_days_late(client, org, cases):
    login(client, "dc")
    page = client.get(f"/statistics/overdue?by=unit&{PERIOD}").get_data(as_text=True)
    link = f'/statistics/overdue/cases?by=unit&amp;key={org.units["county-b"].id}'
    assert link in page
    _header, rows = _table(client, link.replace("&amp;", "&") + f"&{PERIOD}")
    assert [(r[0], r[2], r[6], r[8]) for r in rows] == [
        (cases["p2"].case_no, "b县委办公室", "26", "超期未办结"),
        (cases["p6"].case_no, "b县委办公室", "15", "逾期办结")]
    _header, rows = _table(client, f"/statistics/overdue/cases?by=month&key=2026-03&{PERIOD}")
    assert {r[0] for r in rows} == {cases[k].case_no for k in ("p1", "p2", "p5", "p6")}  # p3 was extended: on time


def test_every_report_exports_what_the_screen_shows(client, org, cases):
    login(client, "dc")
    for path in (f"/statistics/overdue?by=unit&{PERIOD}", f"/statistics/overdue?by=month&{PERIOD}",
                 f"/statistics/overdue/cases?by=level&key=provincial&{PERIOD}", f"/statistics/faults?{PERIOD}"):
        header, rows = _table(client, path)
        response = client.get(path + "&format=xlsx")
        assert response.mimetype.endswith("spreadsheetml.sheet")
        _title, x_header, x_rows = read_back(response.data)
        assert (x_header, x_rows) == (header, rows), path


def test_fault_report_by_unit_and_month(client, org):
    from tests.scoring.helpers import at

    at("2026-04-02 10:00")
    fault(org, "a", "missed", "2026-03-31T23:30")
    fault(org, "b", "concealed", "2026-04-01T00:10")
    login(client, "editor")
    _header, rows = _table(client, "/statistics/faults?by=month&from=2026-03&to=2026-04")
    assert rows == [["2026年03月", "0", "1", "0", "1", "0"], ["2026年04月", "0", "0", "1", "1", "0"],
                    ["合计", "0", "1", "1", "2", "0"]]
    _header, rows = _table(client, "/statistics/faults?by=unit&from=2026-03&to=2026-04")
    assert rows[:2] == [["a县委办公室", "0", "1", "0", "1", "0"], ["b县委办公室", "0", "0", "1", "1", "0"]]
    _header, rows = _table(client, "/statistics/faults/list?by=month&key=2026-04&from=2026-03&to=2026-04")
    assert [(r[0], r[1], r[2]) for r in rows] == [("2026-04-01 00:10", "b县委办公室", "瞒报")]
    writer = client.application.test_client()
    login(writer, "writer_b")  # a county sees its own record only
    _header, rows = _table(writer, "/statistics/faults?by=unit&from=2026-03&to=2026-04")
    assert [r[0] for r in rows] == ["b县委办公室", "合计"]


@pytest.mark.parametrize("username,status", [("writer_a", 403), ("editor", 403), ("handler_a", 200)])
def test_who_sees_the_case_reports(client, org, cases, username, status):
    login(client, username)
    assert client.get(f"/statistics/overdue?{PERIOD}").status_code == status


def test_a_handling_unit_sees_only_its_own_cases(client, org, cases):
    login(client, "handler_b")
    _header, rows = _table(client, f"/statistics/overdue?by=unit&{PERIOD}")
    assert [r[0] for r in rows] == ["b县委办公室", "合计"]
