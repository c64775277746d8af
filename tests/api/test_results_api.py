"""/api/v1's results over time: the quarter's summary and the year's ranking are the pages' tables, for the pages'
readers; the published annual awards are read by the office and the units reporting to it, never before
publishing."""
from datetime import date

from tests.api.helpers import _bearer, _issue
from tests.exports import screen_table
from tests.scoring.helpers import adopted, at
from tests.web_helpers import login
from webapp.core import clock
from webapp.extensions import db
from webapp.scoring import awards
from webapp.scoring.models import UnitBonus


def _cells(rows):
    return [["" if c is None else str(c) for c in row] for row in rows]


def _first_quarter(org):
    adopted(org, "a", "2026-01-05 10:00", "2026-01-05 15:00", "汇要")
    adopted(org, "b", "2026-02-06 10:00", "2026-02-06 15:00", "专报")
    adopted(org, "a", "2026-03-06 10:00", "2026-03-06 15:00", "专报")
    adopted(org, "b", "2026-04-06 10:00", "2026-04-06 15:00", "专报")  # the second quarter, the same year
    db.session.add(UnitBonus(office_id=org.units["city-info"].id, unit_id=org.units["county-b"].id,
                             bonus_key="city_commended", reason="表扬", awarded_on=date(2026, 3, 1),
                             recorded_by_id=org.users["editor"].id, recorded_dt=clock.now()))
    db.session.commit()


def test_the_quarter_and_the_year_are_the_pages_tables_for_the_pages_readers(app, org):
    _first_quarter(org)
    at("2026-05-02 09:00")
    _c, _csrf, editor = _issue(app, "editor")
    _c, _csrf, writer = _issue(app, "writer_a")
    api, page_client = app.test_client(), app.test_client()
    login(page_client, "editor")
    for api_path, page_path, quarter in (("/api/v1/rankings/quarter?year=2026&quarter=1",
                                          "/scoring/quarter?year=2026&quarter=1", 1),
                                         ("/api/v1/rankings/year?year=2026", "/scoring/year?year=2026", None)):
        answer = api.get(api_path, headers=_bearer(editor))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        body = answer.get_json()
        page = page_client.get(page_path).get_data(as_text=True)
        assert (body["columns"], _cells(body["rows"])) == screen_table(page, "ranking-table")
        assert body["title"] in page and (body["year"], body["quarter"]) == (2026, quarter)
        assert body["office_id"] == org.units["city-info"].id and "奖励加分" in body["columns"]
        assert api.get(api_path, headers=_bearer(writer)).status_code == 403
    quarter = api.get("/api/v1/rankings/quarter?year=2026&quarter=1", headers=_bearer(editor)).get_json()
    year = api.get("/api/v1/rankings/year?year=2026", headers=_bearer(editor)).get_json()
    submitted = quarter["columns"].index("报送")
    assert {r[1]: r[submitted] for r in quarter["rows"]} == {"a县委办公室": 2, "b县委办公室": 1}
    assert {r[1]: r[submitted] for r in year["rows"]} == {"a县委办公室": 2, "b县委办公室": 2}
    # By default the quarter and the year last month falls in (April: the second quarter of 2026).
    default = api.get("/api/v1/rankings/quarter", headers=_bearer(editor)).get_json()
    assert (default["year"], default["quarter"]) == (2026, 2)
    assert {r[1]: r[submitted] for r in default["rows"]} == {"a县委办公室": 0, "b县委办公室": 1}
    bad = api.get("/api/v1/rankings/quarter?year=2026&quarter=5", headers=_bearer(editor))
    assert bad.status_code == 422 and "请选择有效的季度" in str(bad.get_json())
    assert api.get("/api/v1/rankings/year?year=1800", headers=_bearer(editor)).status_code == 422


def test_the_published_awards_are_read_by_the_office_and_its_units_only_once_published(app, org):
    _first_quarter(org)
    at("2027-01-05 09:00")
    office, editor = org.units["city-info"], org.users["editor"]
    _c, _csrf, editor_token = _issue(app, "editor")
    _c, _csrf, writer_token = _issue(app, "writer_b")
    api = app.test_client()
    awards.save_awards(office, {"year": "2026", "unit_ids": [str(org.units["county-a"].id)]}, editor)
    db.session.commit()
    for token in (editor_token, writer_token):  # saved, not published: nobody reads it here
        missing = api.get("/api/v1/awards?year=2026", headers=_bearer(token))
        assert missing.status_code == 404 and "尚未发布" in str(missing.get_json())
    awards.publish_awards(office, 2026, editor)
    db.session.commit()
    page_client = app.test_client()
    login(page_client, "writer_b")
    page = page_client.get(f"/scoring/awards?year=2026&office={office.id}").get_data(as_text=True)
    for token, query in ((editor_token, "year=2026"), (writer_token, "year=2026"),
                         (writer_token, f"year=2026&office={office.id}")):
        answer = api.get(f"/api/v1/awards?{query}", headers=_bearer(token))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        body = answer.get_json()
        assert (body["columns"], _cells(body["rows"])) == screen_table(page, "awards-table")
        assert body["rows"][0][:2] == ["先进单位", "a县委办公室"]
        assert (body["office_id"], body["year"]) == (office.id, 2026) and body["title"] in page
        assert body["state"].startswith("市委办信息科发布（已冻结）") and body["published_dt"]
    other = api.get(f"/api/v1/awards?year=2026&office={org.units['prov-info'].id}", headers=_bearer(writer_token))
    assert other.status_code == 404
    assert api.get("/api/v1/awards?year=2025", headers=_bearer(writer_token)).status_code == 404
    assert api.get("/api/v1/awards?office=0", headers=_bearer(writer_token)).status_code == 422
