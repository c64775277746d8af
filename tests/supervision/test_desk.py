"""The supervision desk: lights and days computed from the clock, filters, sorting, paging, the last report columns.
Pages are read with lxml, as rendered."""
import pytest
from lxml import html

from tests.cases.helpers import PROGRESS, local
from tests.supervision.helpers import desk_of, nos
from tests.web_helpers import login
from webapp.core import clock
from webapp.supervision import queries


def test_each_open_case_has_its_light_and_days(org, cases):
    desk = desk_of(org)
    by_no = {r.case.case_no: r for r in desk.rows}
    a, b, c, d = (by_no[cases[k].case_no] for k in "abcd")
    assert (a.light, a.days_left) == ("yellow", 1)  # due 3-17, reminder from 3-14 23:59:59
    assert (b.light, b.days_left) == ("green", 17)  # city: one month, due 4-02
    assert (c.light, c.days_left) == ("red", -9)  # due 3-07
    assert (d.light, d.days_left, len(d.case.extensions)) == ("green", 4, 1)  # extended 3-07 → 3-20
    assert cases["e"].case_no not in by_no and cases["f"].case_no not in by_no  # closed: only with the status filter
    assert {k: v for k, v in desk.counts.items() if v} == {"red": 1, "yellow": 1, "green": 2}
    assert desk.total == 4
    assert nos(desk) == [cases[k].case_no for k in "cadb"]  # earliest deadline first


def test_the_light_follows_the_clock_not_the_timers(org, cases):
    clock.set_fixed(clock.now().replace(day=17, hour=16, minute=0, second=1))  # 3-18 00:00:01 local, no sweep ran
    by_no = {r.case.case_no: r for r in desk_of(org).rows}
    assert (by_no[cases["a"].case_no].light, by_no[cases["a"].case_no].days_left) == ("red", -1)


def test_closed_cases_on_time_and_late(org, cases):
    desk = desk_of(org, status="closed")
    assert nos(desk) == [cases["e"].case_no, cases["f"].case_no]
    assert [(r.light, r.days_left) for r in desk.rows] == [("closed", None), ("closed", None)]
    assert (cases["e"].closed_on_time, cases["f"].closed_on_time) == (True, False)
    assert desk.counts["closed"] == 2 and desk.counts["red"] == 0
    everything = desk_of(org, status="all")
    assert everything.total == 6 and everything.counts == {"red": 1, "yellow": 1, "green": 2, "pending": 0,
                                                           "unknown": 0, "closed": 2}


def test_filters(org, cases):
    assert nos(desk_of(org, light="red")) == [cases["c"].case_no]
    assert nos(desk_of(org, light="yellow")) == [cases["a"].case_no]
    assert nos(desk_of(org, light="green")) == [cases["d"].case_no, cases["b"].case_no]
    assert nos(desk_of(org, unit=str(org.units["county-b"].id))) == [cases["c"].case_no, cases["b"].case_no]
    assert nos(desk_of(org, level="city")) == [cases["b"].case_no]
    assert nos(desk_of(org, q="渔湾")) == [cases["c"].case_no]
    assert nos(desk_of(org, q="赵某")) == [cases["b"].case_no]  # the source leader
    assert nos(desk_of(org, q=cases["d"].case_no)) == [cases["d"].case_no]
    assert nos(desk_of(org, **{"from": "2026-03-01", "to": "2026-03-02"})) == [cases["a"].case_no, cases["b"].case_no]
    assert nos(desk_of(org, **{"to": "2026-02-20"})) == [cases[k].case_no for k in "cd"]
    # the light counts follow every filter but the light itself
    assert desk_of(org, light="red", unit=str(org.units["county-b"].id)).counts["green"] == 1


def test_sorting(org, cases):
    assert nos(desk_of(org, sort="overdue")) == [cases[k].case_no for k in "cadb"]
    assert nos(desk_of(org, sort="unit")) == [cases[k].case_no for k in "adcb"]  # county-a first, then by deadline
    assert nos(desk_of(org, sort="level")) == [cases[k].case_no for k in "bcad"]  # "city" < "provincial"
    # latest report first: D's extension request (2-25 10:00), C's progress (2-25 09:00), then none
    assert nos(desk_of(org, sort="report")) == [cases[k].case_no for k in "dcab"]


def test_paging(org, cases, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 3)
    first, second = desk_of(org), desk_of(org, page="2")
    assert (first.pages, nos(first), nos(second)) == (2, [cases[k].case_no for k in "cad"], [cases["b"].case_no])
    assert nos(desk_of(org, page="9")) == [cases["b"].case_no]  # past the end: the last page


def test_the_last_report_is_projected(cases):
    c, d, a = cases["c"], cases["d"], cases["a"]
    assert (c.last_report_kind, c.last_report_text) == ("progress", PROGRESS["progress"])
    assert c.last_report_dt == local("2026-02-25 09:00:00")
    assert d.last_report_kind == "extension"
    assert d.last_report_text == "延至 2026-03-20：涉及多部门协调，需补充现场核查。"
    assert (cases["e"].last_report_kind, cases["e"].last_report_text[:8]) == ("close", "经查，河道污染系")
    assert a.last_report_dt is None and a.last_report_kind is None


def _rows(client, query=""):
    response = client.get(f"/supervision/{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    doc = html.fromstring(response.get_data(as_text=True))
    return doc, {tr.get("data-case-no"): tr for tr in doc.xpath("//table[@id='desk']/tbody/tr[@data-case-no]")}


def _cells(tr):
    return [" ".join(td.text_content().split()) for td in tr.xpath("td")]


def test_the_page_shows_the_columns_and_colours(app, client, org, cases):
    login(client, "dc")
    doc, rows = _rows(client)
    assert list(rows) == [cases[k].case_no for k in "cadb"]
    c = _cells(rows[cases["c"].case_no])
    assert c[:7] == ["已超期", "超期 9 天", cases["c"].case_no, "关于渔湾港口整治的批示", "省领导批示", "b县委办公室",
                     "办理中"]
    assert c[7].startswith("02-25 进展反馈 已成立专班") and c[8:10] == ["0", "2026-03-07"]
    assert rows[cases["c"].case_no].get("class") == "case-red"
    assert rows[cases["a"].case_no].get("class") == "case-yellow"
    assert _cells(rows[cases["a"].case_no])[1] == "剩余 1 天" and _cells(rows[cases["a"].case_no])[7] == "尚无反馈"
    d = _cells(rows[cases["d"].case_no])
    assert d[7:10] == ["02-25 申请延期 延至 2026-03-20：涉及多部门协调，需补充现场核查。", "1", "2026-03-20"]
    counts = {a.get("data-light"): a.xpath("strong")[0].text for a in doc.xpath("//*[@id='light-counts']/a")}
    assert (counts["red"], counts["yellow"], counts["green"]) == ("1", "1", "2")
    assert "/cases/rules" in doc.xpath("//*[@id='light-rules']")[0].text_content()
    assert len(doc.xpath("//button[@name='urge'][@data-case-no]")) == 4 and doc.xpath("//*[@id='bulk-urge']")


def test_the_page_filters_from_the_query_string(app, client, org, cases):
    login(client, "dc")
    _doc, rows = _rows(client, "?light=red")
    assert list(rows) == [cases["c"].case_no]
    doc, rows = _rows(client, "?status=closed")
    assert list(rows) == [cases["e"].case_no, cases["f"].case_no]
    assert not doc.xpath("//button[@name='urge']")  # nothing to urge on a closed case
    assert doc.xpath("//select[@id='status-filter']/option[@selected]")[0].get("value") == "closed"


@pytest.mark.parametrize("query", ["?light=purple", "?from=2026-03-05&to=2026-03-01", "?page=0", "?unit=x"])
def test_a_malformed_filter_is_refused(app, client, org, query):
    login(client, "dc")
    assert client.get(f"/supervision/{query}").status_code == 422

