"""The admin calendar page: entered holidays override the package and make next year's deadlines computable."""
from datetime import UTC, date, datetime

import chinese_calendar
import pytest
from marshmallow import ValidationError

from tests.web_helpers import login
from webapp.core import clock
from webapp.extensions import db
from webapp.workcal.deadlines import SHANGHAI, CalendarDataMissing, WorkdayCalendar, deadline
from webapp.workcal.models import CalendarDay, CalendarYear
from webapp.workcal.queries import load_calendar
from webapp.workcal.schemas import YearEntriesSchema, format_lines

URL = "/admin/calendar/"
WARNING_2027 = "2027 年尚无节假日数据：涉及该年的工作日期限将无法计算"
# An illustrative arrangement, not the official one: 4 January (a Monday) is off so that the range matters,
# and Saturday 9 January is a make-up workday so that the make-up day matters.
PASTE_2027 = """# 2027 年节假日安排（测试用）
2027-01-01~2027-01-04 元旦 休
2027-01-09 元旦调休 班

2027-02-06 ~ 2027-02-13 春节 放假
2027-02-14 春节调休 上班
"""
REGISTERED = datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI)  # a Sunday
# Counted by hand: 21-25 and 28-31 Dec (9), 1-4 Jan off, 5-8 Jan (13), Sat 9 Jan make-up (14), Mon 11 Jan (15).
DUE_WITH_ENTRIES = datetime(2027, 1, 11, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Shanghai
# For contrast: without the make-up day 12 Jan; with 1 Jan alone off 9 Jan; plain Mon-Fri 8 Jan.


@pytest.fixture(autouse=True)
def _package_lacks_2027():
    # Everything below assumes the installed chinese-calendar stops at 2026; a newer release needs new years here.
    assert not WorkdayCalendar().covers(2027) and WorkdayCalendar().covers(2026)


def admin(app):
    client = app.test_client()
    return client, login(client, "admin")


def paste(client, token, year, text, complete=False, note=""):
    data = {"csrf_token": token, "year": str(year), "entries": text, "note": note}
    if complete:
        data["complete"] = "1"
    return client.post(URL, data=data)


def stored():
    return [(d.day, d.is_workday, d.name) for d in db.session.query(CalendarDay).order_by(CalendarDay.day)]


def confirmed_years():
    return [y.year for y in db.session.query(CalendarYear).filter(CalendarYear.confirmed_dt.isnot(None))]


def test_confirmed_2027_entries_make_a_deadline_across_new_year_computable(app, org):
    clock.set_fixed(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
    client, token = admin(app)
    page = client.get(URL).get_data(as_text=True)
    assert WARNING_2027 in page and "2026 年尚无节假日数据" not in page and 'id="year-2025"' in page

    response = paste(client, token, 2027, PASTE_2027)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/calendar/#year-2027")
    assert len(stored()) == 4 + 1 + 8 + 1 and confirmed_years() == []
    with pytest.raises(CalendarDataMissing) as missing:
        deadline(REGISTERED, 15, "working_days", load_calendar())
    assert missing.value.year == 2027
    assert WARNING_2027 in client.get(URL).get_data(as_text=True)

    response = paste(client, token, 2027, PASTE_2027, complete=True, note="国办发明电〔2026〕X号")
    assert response.status_code == 302
    assert confirmed_years() == [2027]
    year = db.session.get(CalendarYear, 2027)
    assert (year.confirmed_by_id, year.confirmed_dt, year.note) == (
        org.users["admin"].id, datetime(2026, 11, 25, 2, 0, tzinfo=UTC), "国办发明电〔2026〕X号")
    calendar = load_calendar()
    assert calendar.covers(2027)
    assert deadline(REGISTERED, 15, "working_days", calendar) == DUE_WITH_ENTRIES
    assert [calendar.is_workday(date(2027, 1, d)) for d in (1, 4, 5, 9, 10)] == [False, False, True, True, False]
    page = client.get(URL).get_data(as_text=True)
    assert WARNING_2027 not in page and "放假 12 天，调休上班 2 天" in page and "2027-02-06~2027-02-13 春节 休" in page


def test_an_entered_2026_day_wins_over_the_package(app, org):
    assert chinese_calendar.is_workday(date(2026, 12, 26)) is False  # a Saturday
    assert chinese_calendar.is_workday(date(2026, 12, 31)) is True
    start = datetime(2026, 12, 24, 9, 0, tzinfo=SHANGHAI)
    # Package alone: 25, 28, 29, 30 Dec.
    assert deadline(start, 4, "working_days", load_calendar()) == datetime(2026, 12, 30, 15, 59, 59, tzinfo=UTC)
    client, token = admin(app)
    assert paste(client, token, 2026, "2026-12-26 调整上班 班\n2026-12-31 临时放假 休").status_code == 302
    calendar = load_calendar()
    assert (calendar.is_workday(date(2026, 12, 26)), calendar.is_workday(date(2026, 12, 31))) == (True, False)
    # With the overrides: 25, 26, 28, 29 Dec.
    assert deadline(start, 4, "working_days", calendar) == datetime(2026, 12, 29, 15, 59, 59, tzinfo=UTC)
    assert confirmed_years() == []


def test_a_malformed_line_is_named_and_nothing_is_stored(app, org):
    client, token = admin(app)
    bad = "\n2027-01-01 元旦 休\n2027-01-09 元旦调休 班\n2027-2-10 春节 休\n2027-02-14 春节调休 周末"
    response = paste(client, token, 2027, bad, complete=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 4 行：日期格式应为 YYYY-MM-DD" in page and "第 5 行：最后一项应为" in page
    # The paste comes back for correction, its leading blank line kept so that the line numbers still match.
    assert '班">\n\n2027-01-01 元旦 休\n' in page
    assert stored() == [] and db.session.query(CalendarYear).count() == 0


def test_re_pasting_replaces_the_year_and_leaves_other_years_alone(app, org):
    client, token = admin(app)
    assert paste(client, token, 2026, "2026-12-31 临时放假 休").status_code == 302
    assert paste(client, token, 2027, PASTE_2027, complete=True).status_code == 302
    assert paste(client, token, 2027, "2027-01-01 元旦 休\n2027-02-06~2027-02-07 春节 休",
                 complete=True).status_code == 302
    assert stored() == [
        (date(2026, 12, 31), False, "临时放假"),
        (date(2027, 1, 1), False, "元旦"),
        (date(2027, 2, 6), False, "春节"),
        (date(2027, 2, 7), False, "春节"),
    ]
    assert confirmed_years() == [2027]
    # Without the box ticked the year is no longer declared complete, and deadlines reaching it fail again.
    assert paste(client, token, 2027, "2027-01-01 元旦 休").status_code == 302
    assert confirmed_years() == [] and db.session.get(CalendarYear, 2027) is not None
    with pytest.raises(CalendarDataMissing):
        load_calendar().is_workday(date(2027, 1, 4))


def test_a_year_with_entries_is_listed_even_far_from_today(app, org):
    client, token = admin(app)
    assert 'id="year-2029"' not in client.get(URL).get_data(as_text=True)
    assert paste(client, token, 2029, "2029-01-01 元旦 休").status_code == 302
    page = client.get(URL).get_data(as_text=True)
    assert 'id="year-2029"' in page and "2029 年尚无节假日数据" in page and 'id="year-2028"' not in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_admins_reach_the_calendar(app, org, method):
    client = app.test_client()
    token = login(client, "writer_a")
    data = {"csrf_token": token, "year": "2027", "entries": "2027-01-01 元旦 休", "complete": "1"}
    response = client.get(URL) if method == "get" else client.post(URL, data=data)
    assert response.status_code == 403
    assert stored() == [] and db.session.query(CalendarYear).count() == 0
    assert app.test_client().get(URL).status_code == 302  # anonymous: to the login page


@pytest.mark.parametrize("text, message", [
    ("2027-01-01 元旦", "第 1 行：格式应为“日期 名称 休/班”，例如 2027-01-01 元旦 休"),
    ("\n2027/01/01 元旦 休", "第 2 行：日期格式应为 YYYY-MM-DD"),
    ("2027-02-30 春节 休", "第 1 行：日期 2027-02-30 不存在"),
    ("2027-02-16~2027-02-10 春节 休", "第 1 行：结束日期早于开始日期"),
    ("2027-12-31~2028-01-02 元旦 休", "第 1 行：日期范围不能跨年度，请分年录入"),
    ("2027-02-10~2027-02-16 春节 休\n2027-02-16 春节 休", "第 2 行：2027-02-16 已在第 1 行录入"),
    ("2027-01-01 元旦 休\n2028-01-01 元旦 休", "第 2 行：日期不在 2027 年内"),
    ("2027-02-07 春节调休 班", "勾选“已全部录入”前，请至少录入 2027 年的一天放假"),
])
def test_the_schema_names_what_is_wrong(text, message):
    with pytest.raises(ValidationError) as invalid:
        YearEntriesSchema().load({"year": "2027", "entries": text, "complete": "on"})
    assert invalid.value.messages == {"entries": [message]}


def test_the_schema_expands_ranges_and_reads_back_as_pasted():
    form = YearEntriesSchema().load({"year": "2027", "entries": PASTE_2027, "csrf_token": "x"})
    assert (form["year"], form["complete"], form["note"]) == (2027, False, "")
    assert [(e.day, e.is_workday, e.name) for e in form["entries"][:5]] == [
        (date(2027, 1, 1), False, "元旦"), (date(2027, 1, 2), False, "元旦"), (date(2027, 1, 3), False, "元旦"),
        (date(2027, 1, 4), False, "元旦"), (date(2027, 1, 9), True, "元旦调休"),
    ]
    assert format_lines(form["entries"]) == (
        "2027-01-01~2027-01-04 元旦 休\n2027-01-09 元旦调休 班\n2027-02-06~2027-02-13 春节 休\n2027-02-14 春节调休 班")
