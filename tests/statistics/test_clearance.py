"""Every report counts only what its reader may see: a 秘密 case or emergency is counted for a cleared reader and
left out for a 公开-only one — on the page and in the Excel export alike, by exactly the secret rows."""
from tests.cases.helpers import local, new_case
from tests.emergencies.helpers import report
from tests.exports import read_back, screen_table
from tests.helpers import act
from tests.scoring.helpers import at
from tests.statistics.conftest import EARLY, NOW
from tests.statistics.test_monthly import B_MARCH, MARCH
from tests.web_helpers import login
from webapp.core import clock
from webapp.extensions import db
from webapp.statistics import operations
from webapp.statistics.models import CaseMonthTable

PERIOD = "from=2026-02&to=2026-04"


def _client(app, username):
    client = app.test_client()
    login(client, username)
    return client


def _seen(client, path):
    """The report's table on the page, checked equal to its Excel export."""
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    header, rows = screen_table(response.get_data(as_text=True), "report-table")
    export = client.get(path + ("&" if "?" in path else "?") + "format=xlsx")
    assert export.status_code == 200
    _title, x_header, x_rows = read_back(export.data)
    assert (x_header, x_rows) == (header, rows), path
    return rows


def test_the_overdue_report_and_its_drill_down(app, org, cases):
    clock.set_fixed(local("2026-02-20 09:00:00"))
    secret = new_case(org, lead="county-b", secrecy="2", title="关于某涉密事项的批示", **EARLY)  # open, overdue
    clock.set_fixed(local(NOW))
    high, low = _client(app, "dc"), _client(app, "dc_low")
    path = f"/statistics/overdue?by=unit&{PERIOD}"
    a_row = ["a县委办公室", "0", "3", "3", "0"]
    assert _seen(high, path) == [a_row, ["b县委办公室", "2", "1", "3", "0"], ["合计", "2", "4", "6", "0"]]
    assert _seen(low, path) == [a_row, ["b县委办公室", "1", "1", "2", "0"], ["合计", "1", "4", "5", "0"]]
    drill = f"/statistics/overdue/cases?by=unit&key={org.units['county-b'].id}&{PERIOD}"
    high_nos, low_nos = [r[0] for r in _seen(high, drill)], [r[0] for r in _seen(low, drill)]
    assert secret.case_no in high_nos and set(high_nos) - set(low_nos) == {secret.case_no}


def test_the_fault_report_and_its_list(app, org):
    # Two reports reaching the city late (events at 10:00, signed at 12:10 and 12:20): one public, one 内部.
    at("2026-03-09 11:50")
    public = report(org, "2026-03-09T10:00")
    secret = report(org, "2026-03-09T10:00", title="某涉密单位发生火情", secrecy="1")
    at("2026-03-09 12:10")
    act(org, "leader_a", public.instance_id, {"opinion": "同意上报"})
    at("2026-03-09 12:20")
    act(org, "leader_a", secret.instance_id, {"opinion": "同意上报"})
    at(NOW.rsplit(":", 1)[0])
    high, low = _client(app, "editor"), _client(app, "editor_low")
    path = "/statistics/faults?by=unit&from=2026-03&to=2026-03"
    assert _seen(high, path) == [["a县委办公室", "2", "0", "0", "2", "30"], ["合计", "2", "0", "0", "2", "30"]]
    assert _seen(low, path) == [["a县委办公室", "1", "0", "0", "1", "10"], ["合计", "1", "0", "0", "1", "10"]]
    by_month = "/statistics/faults?by=month&from=2026-03&to=2026-03"
    assert _seen(low, by_month) == [["2026年03月", "1", "0", "0", "1", "10"], ["合计", "1", "0", "0", "1", "10"]]
    listed = f"/statistics/faults/list?by=unit&key={org.units['county-a'].id}&from=2026-03&to=2026-03"
    assert sorted(r[5] for r in _seen(high, listed)) == sorted([public.title, "某涉密单位发生火情"])
    assert [r[5] for r in _seen(low, listed)] == [public.title]


def test_the_monthly_table_shows_each_reader_the_cases_their_clearance_reaches(app, org, cases):
    clock.set_fixed(local("2026-03-02 09:00:00"))
    new_case(org, lead="county-b", secrecy="2", title="关于某涉密事项的批示")  # assigned in March, open past 3-17
    clock.set_fixed(local(NOW))
    org.user("handler_b0", "county-b", ["handler"], clearance=0)
    db.session.commit()
    assert operations.produce(MARCH) == (2, 0)
    db.session.commit()

    def b_row(username):
        rows = _seen(_client(app, username), "/statistics/monthly?month=2026-03")
        return next(r for r in rows if r[0] == "b县委办公室")[2:-1]

    public = [str(n) for n in B_MARCH] + ["0.0%"]
    with_secret = [str(n) for n in (3, 0, 0, 0, 3, 1, 4, 0)] + ["0.0%"]  # received, overdue open, received to date
    assert b_row("dc") == with_secret and b_row("handler_b") == with_secret
    assert b_row("dc_low") == public and b_row("handler_b0") == public


def test_a_table_produced_before_the_split_is_withheld_below_full_clearance(app, org, cases):
    assert operations.produce(MARCH) == (2, 0)
    db.session.query(CaseMonthTable).update({"secret_figures": None})  # as the migration leaves older tables
    db.session.commit()
    high = _seen(_client(app, "dc"), "/statistics/monthly?month=2026-03")
    low = _seen(_client(app, "dc_low"), "/statistics/monthly?month=2026-03")
    assert high[1][2:-1] == [str(n) for n in B_MARCH] + ["0.0%"]
    assert low[1][2:-1] == ["—"] * 9
