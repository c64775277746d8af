"""Results over time: a quarter is the sum of its months (each by its own version), bonuses count in the quarter
and the year, the annual awards refuse a vetoed unit and freeze when published, every export equals its page."""
from collections import Counter
from datetime import date
from io import BytesIO

import pytest
from lxml import html as lxml_html
from pdfminer.high_level import extract_text

from tests.exports import read_back, screen_table
from tests.scoring.helpers import adopted, at, fault
from tests.web_helpers import login, once
from webapp.core import clock
from webapp.core.errors import FormInvalid, TaskConflict
from webapp.extensions import db
from webapp.scoring import awards, queries
from webapp.scoring.models import AnnualAward, ScoringVersion, UnitBonus
from webapp.scoring.rules import DEFAULT_RULES

JAN, FEB, MAR, APR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)


def _scores(ranking):
    return {row.unit.code: row.score for row in ranking.rows}


@pytest.fixture
def quarter(org):
    """2026 Q1 of two counties, with a version from 15 February that raises 汇要 from 4 to 10."""
    adopted(org, "a", "2026-01-05 10:00", "2026-01-05 15:00", "汇要")       # 4
    adopted(org, "b", "2026-01-06 10:00", "2026-01-06 15:00", "专报")       # 6
    adopted(org, "a", "2026-02-10 10:00", "2026-02-10 15:00", "汇要")       # 4 (old version)
    adopted(org, "a", "2026-02-20 10:00", "2026-02-20 15:00", "汇要")       # 10 (new version)
    adopted(org, "b", "2026-03-05 10:00", "2026-03-05 15:00", "汇要")       # 10
    adopted(org, "a", "2026-03-06 10:00", "2026-03-06 15:00", "专报")       # 6
    rules = {**DEFAULT_RULES, "adoption": {**DEFAULT_RULES["adoption"], "汇要": 10}}
    db.session.add(ScoringVersion(effective_from=date(2026, 2, 15), rules=rules, comment="汇要加分提高",
                                  author_id=org.users["admin"].id, created_dt=clock.now()))
    db.session.commit()
    at("2026-04-02 09:00")
    return org


def test_a_quarter_is_the_sum_of_its_months_each_by_its_version(quarter):
    office = quarter.units["city-info"]
    summary = queries.quarter_ranking(office, 2026, 1)
    assert _scores(summary) == {"county-a": 4 + 4 + 10 + 6, "county-b": 6 + 10}
    months = [queries.month_ranking(office, first) for first in (JAN, FEB, MAR)]
    for code in ("county-a", "county-b"):
        assert _scores(summary)[code] == sum(_scores(m)[code] for m in months)
    a = {row.unit.code: row for row in summary.rows}["county-a"]
    assert (a.submitted, a.adopted, a.rank) == (4, {"汇要": 3, "专报": 1}, 1)
    assert [v.id is None for v in summary.versions] == [True, False]  # each version named once
    assert _scores(queries.quarter_ranking(office, 2026, 2)) == {"county-a": 0, "county-b": 0}


def test_a_bonus_counts_in_its_quarter_and_year_with_its_configured_points(quarter):
    office, editor = quarter.units["city-info"], quarter.users["editor"]
    awards.record_bonus(office, {"unit_id": str(quarter.units["county-b"].id), "bonus_key": "provincial_top",
                                 "reason": "进入全省信息工作排名前十", "awarded_on": "2026-03-20"}, editor)
    db.session.commit()
    assert _scores(queries.quarter_ranking(office, 2026, 1))["county-b"] == 16 + 50
    assert _scores(queries.year_ranking(office, 2026))["county-b"] == 16 + 50
    assert _scores(queries.month_ranking(office, MAR))["county-b"] == 10  # the month counts no bonus
    year = queries.year_ranking(office, 2026)
    assert [row.unit.code for row in year.rows] == ["county-b", "county-a"]
    line = queries.table_rows(year)[0]
    assert line[queries.columns(year).index("奖励加分")] == 50 and "进入全省信息工作排名前列" in line[-1]
    # The admin sets the entry's points: a version from 1 March makes it worth 30.
    rules = {**DEFAULT_RULES, "bonus": {**DEFAULT_RULES["bonus"], "provincial_top": 30}}
    db.session.add(ScoringVersion(effective_from=MAR, rules=rules, comment="调整", created_dt=clock.now()))
    db.session.commit()
    assert queries.year_ranking(office, 2026).rows[0].bonus == 30
    with pytest.raises(FormInvalid) as refused:
        awards.record_bonus(office, {"unit_id": str(quarter.units["city-dc"].id), "bonus_key": "nothing",
                                     "reason": "x", "awarded_on": "2030-01-01"}, editor)
    assert refused.value.fields == {"bonus_key": ["请选择有效的奖励项目"], "reason": ["奖励理由应为2到500字"],
                                    "awarded_on": ["奖励日期不能晚于今天"]}


def test_a_bonus_for_a_unit_the_office_does_not_rank_is_refused(quarter):
    with pytest.raises(FormInvalid) as refused:
        awards.record_bonus(quarter.units["city-info"], {"unit_id": str(quarter.units["city-dc"].id),
                                                         "bonus_key": "city_commended", "reason": "表扬",
                                                         "awarded_on": "2026-03-20"}, quarter.users["editor"])
    assert refused.value.fields == {"unit_id": ["只能为向本部门报送信息的单位登记奖励"]}


def _awards_form(org, units=(), officers=(), **reasons):
    return {"year": "2026", "unit_ids": [str(org.units[u].id) for u in units],
            "officer_ids": [str(org.users[u].id) for u in officers], **reasons}


def test_a_vetoed_unit_cannot_be_named_and_the_published_list_is_frozen(quarter):
    office, editor = quarter.units["city-info"], quarter.users["editor"]
    fault(quarter, "b", "concealed", "2026-02-10T08:00")
    with pytest.raises(FormInvalid) as refused:
        awards.save_awards(office, _awards_form(quarter, ("county-a", "county-b"), ("writer_a",)), editor)
    assert refused.value.fields == {
        "unit_ids": ["b县委办公室本年度有瞒报，一票否决，不能评为先进单位"],
        f"reason_officer_{quarter.users['writer_a'].id}": ["请填写用户writer_a的评选理由"]}
    with pytest.raises(FormInvalid) as refused:
        awards.save_awards(office, _awards_form(quarter, officers=("verifier_a",)), editor)
    assert refused.value.fields == {"officer_ids": ["优秀信息员只能从本部门排名单位的信息员中评选"]}
    db.session.rollback()
    reason = {f"reason_officer_{quarter.users['writer_a'].id}": "全年报送信息被采用4条"}
    award = awards.save_awards(office, _awards_form(quarter, ("county-a",), ("writer_a",), **reason), editor)
    db.session.commit()
    assert awards.award_rows(award, queries.year_ranking(office, 2026)) == [
        ["先进单位", "a县委办公室", "", 1, 24, "年度排名第1名，得分24"],
        ["优秀信息员", "a县委办公室", "用户writer_a", 1, 24, "全年报送信息被采用4条"]]
    awards.publish_awards(office, 2026, editor)
    db.session.commit()
    adopted(quarter, "a", "2026-04-03 10:00", "2026-04-03 11:00", "专报")  # the live ranking moves on
    assert awards.award_rows(db.session.get(AnnualAward, award.id), None)[0][4] == 24
    with pytest.raises(TaskConflict):
        awards.save_awards(office, _awards_form(quarter, ("county-a",)), editor)
    with pytest.raises(TaskConflict):
        awards.publish_awards(office, 2026, editor)


def test_a_concealment_found_after_saving_stops_the_publishing(quarter):
    office, editor = quarter.units["city-info"], quarter.users["editor"]
    awards.save_awards(office, _awards_form(quarter, ("county-b",)), editor)
    db.session.commit()
    fault(quarter, "b", "concealed", "2026-03-10T08:00")
    with pytest.raises(TaskConflict) as refused:
        awards.publish_awards(office, 2026, editor)
    assert "b县委办公室本年度有瞒报，一票否决" in refused.value.message


def _chars(text):
    return Counter(ch for ch in text if not ch.isspace())


def _printed(page, *ids):
    """The characters of what the page prints of itself: the title and the given elements."""
    doc = lxml_html.fromstring(page)
    return _chars(doc.find(".//h1").text_content() + "".join(doc.get_element_by_id(i).text_content() for i in ids))


@pytest.mark.parametrize("path", ["/scoring/quarter?year=2026&quarter=1", "/scoring/year?year=2026"])
def test_the_quarter_and_the_year_export_what_the_page_shows(quarter, client, path):
    db.session.add(UnitBonus(office_id=quarter.units["city-info"].id, unit_id=quarter.units["county-a"].id,
                             bonus_key="city_commended", reason="表扬", awarded_on=date(2026, 3, 1),
                             recorded_by_id=quarter.users["editor"].id, recorded_dt=clock.now()))
    db.session.commit()
    login(client, "editor")
    page = client.get(path).get_data(as_text=True)
    header, rows = screen_table(page, "ranking-table")
    assert header[-3:] == ["奖励加分", "得分", "备注"] and rows[0][:2] == ["1", "a县委办公室"]
    assert rows[0][-2] == "34" and "获市委、市政府通报表扬" in rows[0][-1]
    base, query = path.split("?")
    _title, xlsx_header, xlsx_rows = read_back(client.get(f"{base}.xlsx?{query}").data)
    assert (xlsx_header, xlsx_rows) == (header, rows)
    pdf = client.get(f"{base}.pdf?{query}")
    assert pdf.mimetype == "application/pdf"
    assert _chars(extract_text(BytesIO(pdf.data))) == _printed(page, "results-subtitle", "ranking-table")


def test_the_awards_pages_and_exports_agree_and_units_read_the_published_list(app, quarter, client):
    token = login(client, "editor")
    writer = quarter.users["writer_a"]
    response = client.post("/scoring/awards?year=2026", data={
        "csrf_token": token, **once(), "year": "2026", "unit_ids": [str(quarter.units["county-b"].id)],
        "officer_ids": [str(writer.id)], f"reason_officer_{writer.id}": "报送及时", "remark": "予以通报表扬。"})
    assert response.status_code == 302
    refused = client.post("/scoring/awards?year=2026", data={"csrf_token": token, **once(), "year": "2026",
                                                               "officer_ids": [str(writer.id)]})
    assert refused.status_code == 422 and "请填写用户writer_a的评选理由" in refused.get_data(as_text=True)
    assert client.post("/scoring/awards/publish", data={"csrf_token": token, "year": "2026"}).status_code == 302
    page = client.get("/scoring/awards?year=2026").get_data(as_text=True)
    header, rows = screen_table(page, "awards-table")
    assert rows == [["先进单位", "b县委办公室", "", "2", "16", "年度排名第2名，得分16"],
                    ["优秀信息员", "a县委办公室", "用户writer_a", "1", "24", "报送及时"]]
    assert 'id="awards-form"' not in page
    assert read_back(client.get("/scoring/awards.xlsx?year=2026").data)[1:] == (header, rows)
    pdf = client.get("/scoring/awards.pdf?year=2026")
    assert _chars(extract_text(BytesIO(pdf.data))) == _printed(page, "awards-state", "awards-table", "awards-remark")
    reader = app.test_client()
    login(reader, "writer_b")
    office = quarter.units["city-info"].id
    assert "2026年度信息工作先进单位" in reader.get("/scoring/").get_data(as_text=True)
    own = reader.get(f"/scoring/awards?year=2026&office={office}").get_data(as_text=True)
    assert screen_table(own, "awards-table") == (header, rows)
    assert reader.get("/scoring/awards?year=2025&office=" + str(office)).status_code == 404
    assert reader.get("/scoring/year?year=2026").status_code == 403


def _menu(client):
    """(id, href, label) of the main navigation's links."""
    tree = lxml_html.fromstring(client.get("/scoring/").get_data(as_text=True))
    return {(a.get("id"), a.get("href"), a.text_content().strip()) for a in tree.xpath("//*[@id='main-nav']//a")}


def test_the_menu_leads_an_editor_and_a_leader_to_the_results_and_not_a_writer(app, org):
    org.user("leader_city", "city", ["leader"])
    db.session.commit()
    results = {("nav-quarter", "/scoring/quarter", "季度汇总"), ("nav-year", "/scoring/year", "年度排名"),
               ("nav-bonuses", "/scoring/bonuses", "奖励加分"), ("nav-awards", "/scoring/awards", "年度评选")}
    merge = ("nav-merge", "/editorial/merge", "综合信息")
    editor, leader, writer = app.test_client(), app.test_client(), app.test_client()
    login(editor, "editor")
    login(leader, "leader_city")
    login(writer, "writer_a")
    assert results | {merge} <= _menu(editor)
    assert results <= _menu(leader) and merge not in _menu(leader)
    assert not (results | {merge}) & _menu(writer)
    assert {"/scoring/quarter", "/scoring/year"} & {href for _, href, _ in _menu(writer)} == set()
    for _, href, _ in results | {merge}:
        assert editor.get(href).status_code == 200, href
    for _, href, _ in results:
        assert leader.get(href).status_code == 200, href
    index = lxml_html.fromstring(editor.get("/scoring/").get_data(as_text=True))
    assert [index.get_element_by_id(i).get("href") for i in ("bonuses-link", "awards-page-link")] == [
        "/scoring/bonuses", "/scoring/awards"]
    active = lxml_html.fromstring(editor.get("/scoring/year").get_data(as_text=True))
    assert [a.get("id") for a in active.xpath("//*[@id='main-nav']//a[contains(@class, 'active')]")] == ["nav-year"]
