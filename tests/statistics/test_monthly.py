"""The 领导批示件月报表: figures frozen when produced, produced once at month end by the sweep, confirmed by the
unit; the page, its export, the CLI command and who may do what."""
import os
import threading

import pytest

from tests.cases.helpers import local
from tests.exports import read_back, screen_table
from tests.web_helpers import login
from webapp import duties, jobs
from webapp.core import clock
from webapp.engine import timers
from webapp.extensions import db
from webapp.notices.models import Notice
from webapp.statistics import operations
from webapp.statistics.models import CaseMonthTable

MARCH = local("2026-03-01 00:00:00").date()
FIGURES = ("received", "closed", "closed_on_time", "closed_late", "overdue_open", "in_progress", "received_to_date",
           "closed_to_date")
# Hand-computed from conftest.generate (deadlines end at 23:59:59 local; March ends 2026-04-01 00:00 local):
# county-a: p3, p5, p7 assigned in March; p1, p3, p5 (3-31 23:30), p7 closed in March, only p3 on time (extended
# to 3-27, closed 3-25; p7 extended to 3-20 but closed 3-23); nothing open; since 1 January: p1, p3, p5, p7.
A_MARCH = (3, 4, 1, 3, 0, 0, 4, 4)
# county-b: p4, p6 assigned in March; none closed in March (p6 closed 4-01 00:10); open at the end: p2 and p6 past
# their deadlines, p4 (due 4-02) not; since 1 January: p2, p4, p6 received, none closed.
B_MARCH = (2, 0, 0, 0, 2, 1, 3, 0)
# April, seen from 2026-05-03: a nothing new; b: p6 closed (late); p2, p4 open past their deadlines.
A_APRIL = (0, 0, 0, 0, 0, 0, 4, 4)
B_APRIL = (0, 1, 0, 1, 2, 0, 3, 1)


def _tables(month=None):
    db.session.expire_all()
    query = db.session.query(CaseMonthTable)
    if month:
        query = query.filter_by(month=month)
    return {t.unit.code: tuple(getattr(t, f) for f in FIGURES) for t in query}


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


@pytest.fixture
def sweep_app(app, monkeypatch):
    """The RQ sweep job run in-process, on the test app and its pinned clock."""
    monkeypatch.setattr(jobs, "_app_instance", app)
    monkeypatch.setattr(jobs, "_app_pid", os.getpid())
    monkeypatch.setattr(duties, "_tables_checked_for", None)
    monkeypatch.setattr(duties, "_tables_retry_dt", None)
    return app


def test_the_sweep_produces_last_months_tables_once(sweep_app, org, cases):
    jobs.sweep()
    assert _tables() == {"county-a": A_MARCH, "county-b": B_MARCH}
    assert {t.month for t in db.session.query(CaseMonthTable)} == {MARCH}
    assert all(t.generated_by_id is None and t.confirmed_dt is None for t in db.session.query(CaseMonthTable))
    assert db.session.query(Notice).filter(Notice.title.contains("月报表已生成")).count() == 2
    assert operations.produce_due() == 0  # idempotent: March is done
    duties._tables_checked_for = None
    jobs.sweep()
    assert db.session.query(CaseMonthTable).count() == 2
    assert db.session.query(Notice).filter(Notice.title.contains("月报表已生成")).count() == 2

    clock.set_fixed(local("2026-05-03 09:00:00"))  # a new month: April's turn
    jobs.sweep()
    assert _tables(local("2026-04-01 00:00:00").date()) == {"county-a": A_APRIL, "county-b": B_APRIL}
    assert _tables(MARCH) == {"county-a": A_MARCH, "county-b": B_MARCH}  # frozen: March is not recounted


def test_a_failing_month_end_never_breaks_the_sweep(sweep_app, org, monkeypatch):
    calls = []

    def broken():
        calls.append(1)
        raise RuntimeError("database gone")

    monkeypatch.setattr(operations, "produce_due", broken)
    assert duties.produce_month_tables() == 0
    assert jobs.sweep() == 0  # the timer sweep still answers
    assert calls == [1]  # and does not hammer a failing duty every few seconds: retried after TABLES_RETRY
    clock.set_fixed(clock.now() + duties.TABLES_RETRY)
    duties.produce_month_tables()
    assert calls == [1, 1]


def test_the_embedded_sweeper_runs_its_duties(app):
    ran = threading.Event()
    stop = timers.start_sweeper(app, 0.01, duties=[ran.set])
    try:
        assert ran.wait(10)
    finally:
        stop.set()


def test_tables_are_frozen_once_produced_and_confirmed(client, org, cases):
    assert operations.produce(MARCH) == (2, 0)
    db.session.commit()
    handler = client.application.test_client()
    token = login(handler, "handler_b")
    page = _page(handler, "/statistics/monthly?month=2026-03")
    assert 'id="confirm-monthly"' in page and 'id="produce-monthly"' not in page
    header, rows = screen_table(page, "report-table")
    assert header == ["承办单位", "督查室", "本月交办", "本月办结", "按期办结", "逾期办结", "月末超期未结", "月末在办",
                      "年度累计交办", "年度累计办结", "报结率", "确认状态"]
    assert rows == [["b县委办公室", "市委督查室", "2", "0", "0", "0", "2", "1", "3", "0", "0.0%", "未确认"]]
    table_id = db.session.query(CaseMonthTable).filter_by(unit_id=org.units["county-b"].id).one().id
    assert handler.post("/statistics/monthly/confirm", data={"csrf_token": token, "table_id": table_id,
                                                             "remark": "已核对"}).status_code == 302
    again = handler.post("/statistics/monthly/confirm", data={"csrf_token": token, "table_id": table_id})
    assert again.status_code == 409 and "不能修改" in again.get_data(as_text=True)
    confirmed = db.session.get(CaseMonthTable, table_id)
    assert confirmed.remark == "已核对" and confirmed.confirmed_by.username == "handler_b"

    # a case closed later changes nothing in a produced table until it is regenerated, and never in a confirmed one
    token = login(client, "dc")
    page = _page(client, "/statistics/monthly?month=2026-03")
    assert "尚有 <strong>1</strong> 个单位未确认：a县委办公室" in page
    assert '<tr class="unconfirmed">' in page
    _header, rows = screen_table(page, "report-table")
    assert rows[0] == ["a县委办公室", "市委督查室", "3", "4", "1", "3", "0", "0", "4", "4", "100.0%", "未确认"]
    assert rows[1][-1].startswith("已确认")
    db.session.query(CaseMonthTable).filter_by(unit_id=org.units["county-a"].id).update({"received": 99})
    db.session.query(CaseMonthTable).filter_by(unit_id=org.units["county-b"].id).update({"received": 98})
    db.session.commit()
    response = client.post("/statistics/monthly/produce", data={"csrf_token": token, "month": "2026-03"})
    flash = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已生成 1 个单位" in flash and "1 个单位已确认上报，不能重新生成" in flash
    assert _tables() == {"county-a": A_MARCH, "county-b": (98, *B_MARCH[1:])}  # reproduced; confirmed kept

    page = _page(client, "/statistics/monthly?month=2026-03")
    export = client.get("/statistics/monthly?month=2026-03&format=xlsx")
    assert export.mimetype.endswith("spreadsheetml.sheet")
    assert export.headers["Content-Disposition"].startswith('attachment; filename="export.xlsx"; filename*=UTF-8')
    title, header, x_rows = read_back(export.data)
    assert title == "市委督查室2026年03月领导批示件月报表" and (header, x_rows) == screen_table(page, "report-table")
    assert 'id="export-monthly"' in page and 'href="/statistics/monthly?month=2026-03&amp;format=xlsx"' in page


def test_the_current_month_is_not_produced(client, org, cases):
    token = login(client, "dc")
    response = client.post("/statistics/monthly/produce", data={"csrf_token": token, "month": "2026-04"})
    assert response.status_code == 409 and "本月尚未结束" in response.get_data(as_text=True)
    assert "没有数据" in _page(client, "/statistics/monthly?month=2026-04")
    assert 'id="produce-monthly"' not in _page(client, "/statistics/monthly?month=2026-04")
    page = _page(client, "/statistics/monthly")  # by default last month, not produced yet
    assert "2026年03月领导批示件月报表" in page and ">生成</button>" in page


def test_who_may_see_produce_and_confirm(client, org, cases):
    org.user("leader_city", "city", ["leader"])
    db.session.commit()
    operations.produce(MARCH)
    db.session.commit()
    a_table = db.session.query(CaseMonthTable).filter_by(unit_id=org.units["county-a"].id).one().id
    expected = {"dc": 2, "leader_city": 2, "handler_a": 1, "verifier_a": 1, "leader_a": 1, "principal_b": 1}
    for username, count in expected.items():
        viewer = client.application.test_client()
        login(viewer, username)
        _header, rows = screen_table(_page(viewer, "/statistics/monthly?month=2026-03"), "report-table")
        assert len(rows) == count, username
    for username, status in (("writer_a", 403), ("editor", 403), ("admin", 403)):
        viewer = client.application.test_client()
        login(viewer, username)
        assert viewer.get("/statistics/monthly?month=2026-03").status_code == status, username
        assert viewer.get("/statistics/monthly?month=2026-03&format=xlsx").status_code == status, username

    for username, table_id, status in (("dc", a_table, 403), ("writer_a", a_table, 403), ("handler_b", a_table, 404),
                                       ("verifier_a", a_table, 302)):
        actor = client.application.test_client()
        token = login(actor, username)
        response = actor.post("/statistics/monthly/confirm", data={"csrf_token": token, "table_id": table_id})
        assert response.status_code == status, username
    for username, status in (("handler_a", 403), ("leader_city", 403), ("dc", 302)):
        actor = client.application.test_client()
        token = login(actor, username)
        response = actor.post("/statistics/monthly/produce", data={"csrf_token": token, "month": "2026-03"})
        assert response.status_code == status, username
    anonymous = client.application.test_client()
    assert anonymous.get("/statistics/monthly").status_code == 302


def test_each_office_gets_its_own_tables(org, cases):
    """The province's 督查室 does not take the city's units: a county answers to the city's office."""
    org.unit("prov-dc", "省委督查室", "office", "prov", "supervision")
    db.session.commit()
    assert operations.produce_due() == 2
    assert {(t.office.code, t.unit.code) for t in db.session.query(CaseMonthTable)} == {
        ("city-dc", "county-a"), ("city-dc", "county-b")}


def test_a_unit_with_a_handler_and_no_case_gets_an_empty_table(org, cases):
    org.unit("county-c", "c县委办公室", "county", "city")
    org.user("handler_c", "county-c", ["handler"])
    db.session.commit()
    operations.produce(MARCH)
    assert _tables()["county-c"] == (0,) * 8


def test_the_cli_command(app, org, cases):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["govflow", "month-tables", "--month", "2026-03"])
    assert result.exit_code == 0, result.output
    assert "2026-03: 2 table(s) produced, 0 confirmed table(s) kept" in result.output
    assert _tables() == {"county-a": A_MARCH, "county-b": B_MARCH}
    result = runner.invoke(args=["govflow", "month-tables"])  # last month by default: March again, unconfirmed
    assert result.exit_code == 0 and "2026-03: 2 table(s) produced" in result.output
    assert runner.invoke(args=["govflow", "month-tables", "--month", "2026-13"]).exit_code == 2
    result = runner.invoke(args=["govflow", "month-tables", "--month", "2026-04"])
    assert result.exit_code == 1 and "本月尚未结束" in result.output


def test_a_unit_renamed_later_keeps_its_name_of_then_in_last_months_table(client, org, cases):
    from webapp.organisation.operations import rename_unit

    assert operations.produce(MARCH) == (2, 0)
    db.session.commit()
    clock.set_fixed(local("2026-04-20 09:00:00"))
    rename_unit(org.users["admin"], org.units["county-b"], "b县委办公室（新）")
    db.session.commit()
    login(client, "dc")
    _header, rows = screen_table(_page(client, "/statistics/monthly?month=2026-03"), "report-table")
    assert [row[0] for row in rows] == ["a县委办公室", "b县委办公室"]
