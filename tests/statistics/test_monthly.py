"""The 领导批示件月报表: figures frozen at month end, produced once by the sweep, confirmed by the unit."""
import os

from tests.cases.helpers import local
from tests.exports import read_back, screen_table
from tests.web_helpers import login
from webapp import jobs
from webapp.engine import clock
from webapp.extensions import db
from webapp.notices.models import Notice
from webapp.statistics import operations
from webapp.statistics.models import CaseMonthTable

FIGURES = ("received", "closed", "closed_on_time", "closed_late", "overdue_open", "in_progress", "received_to_date",
           "closed_to_date")


def _tables():
    db.session.expire_all()
    return {t.unit.code: tuple(getattr(t, f) for f in FIGURES) for t in db.session.query(CaseMonthTable)}


def test_month_end_produces_last_months_tables_once(app, org, cases, monkeypatch):
    monkeypatch.setattr(jobs, "_app_instance", app)  # the sweep in-process, on the test app and its clock
    monkeypatch.setattr(jobs, "_app_pid", os.getpid())
    monkeypatch.setattr(jobs, "_tables_checked_for", None)
    jobs.sweep()
    tables = _tables()
    # county-a: p3 and p5 assigned in March; p1, p3, p5 closed in March, p3 on time (extended); nothing open.
    assert tables["county-a"] == (2, 3, 1, 2, 0, 0, 3, 3)
    # county-b: p4 and p6 assigned; none closed in March (p6 closed at 00:10 on 1 April); p2 and p6 open and past
    # due at month end, p4 open within its deadline.
    assert tables["county-b"] == (2, 0, 0, 0, 2, 1, 3, 0)
    assert {t.month.isoformat() for t in db.session.query(CaseMonthTable)} == {"2026-03-01"}
    assert db.session.query(Notice).filter(Notice.title.contains("月报表已生成")).count() == 2
    assert operations.produce_due() == 0  # idempotent: March is done
    assert db.session.query(CaseMonthTable).count() == 2


def test_tables_are_frozen_once_produced_and_confirmed(client, org, cases):
    operations.produce(org.units["city-dc"], local("2026-03-01 00:00:00").date())
    db.session.commit()
    handler = client.application.test_client()
    token = login(handler, "handler_b")
    page = handler.get("/statistics/monthly?month=2026-03").get_data(as_text=True)
    assert 'id="confirm-monthly"' in page
    _header, rows = screen_table(page, "report-table")
    assert rows == [["b县委办公室", "市委督查室", "2", "0", "0", "0", "2", "1", "3", "0", "0.0%", "未确认"]]
    table_id = db.session.query(CaseMonthTable).filter_by(unit_id=org.units["county-b"].id).one().id
    assert handler.post("/statistics/monthly/confirm", data={"csrf_token": token, "table_id": table_id,
                                                             "remark": "已核对"}).status_code == 302
    again = handler.post("/statistics/monthly/confirm", data={"csrf_token": token, "table_id": table_id})
    assert again.status_code == 409 and "不能修改" in again.get_data(as_text=True)

    token = login(client, "dc")
    page = client.get("/statistics/monthly?month=2026-03").get_data(as_text=True)
    assert "尚有 <strong>1</strong> 个单位未确认：a县委办公室" in page
    _header, rows = screen_table(page, "report-table")
    assert rows[0][:3] == ["a县委办公室", "市委督查室", "2"] and rows[1][-1].startswith("已确认")
    response = client.post("/statistics/monthly/produce", data={"csrf_token": token, "month": "2026-03"})
    assert "1 个单位已确认，保持不变" in client.get(response.headers["Location"]).get_data(as_text=True)
    export = client.get("/statistics/monthly?month=2026-03&format=xlsx")
    title, header, x_rows = read_back(export.data)
    assert title == "市委督查室2026年03月领导批示件月报表" and (header, x_rows) == screen_table(page, "report-table")


def test_the_current_month_is_not_produced_and_others_cannot_confirm(client, org, cases):
    token = login(client, "dc")
    response = client.post("/statistics/monthly/produce", data={"csrf_token": token, "month": "2026-04"})
    assert response.status_code == 409 and "本月尚未结束" in response.get_data(as_text=True)
    writer = client.application.test_client()
    token = login(writer, "writer_a")
    assert writer.post("/statistics/monthly/confirm", data={"csrf_token": token, "table_id": 1}).status_code == 403
    assert writer.get("/statistics/monthly").status_code == 403
    clock.set_fixed(local("2026-05-03 09:00:00"))
    assert operations.produce_due() == 2  # April now


def test_each_office_gets_its_own_tables(org, cases):
    """The province's 督查室 does not overwrite the city's tables: a county answers to the city's office."""
    from tests.conftest import OrgFactory  # noqa: F401  (the org fixture's factory adds the office below)
    org.unit("prov-dc", "省委督查室", "office", "prov", "supervision")
    db.session.commit()
    assert operations.produce_due() == 2
    assert {(t.office.code, t.unit.code) for t in db.session.query(CaseMonthTable)} == {
        ("city-dc", "county-a"), ("city-dc", "county-b")}
