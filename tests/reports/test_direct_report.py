"""直报点: a county configured to report directly to the province sends an item there past the city; the province
sees it and ranks the county, and the city's ranking credits the county with the provincial adoption."""
import pytest

from tests.helpers import COMPOSE, act
from tests.reports.chain_helpers import adopt, build_chain_org, month
from tests.scoring.helpers import at
from tests.web_helpers import login, once
from webapp.core.errors import FormInvalid
from webapp.extensions import db
from webapp.reports.models import InfoItem
from webapp.reports.operations import create_item
from webapp.scoring import queries as scoring


@pytest.fixture
def chain():
    return build_chain_org()


def _direct(app, chain, office_code):
    client = app.test_client()
    token = login(client, "admin")
    unit = chain.units["county-a"]
    return client.post(f"/admin/units/{unit.id}/direct-report",
                       data={"csrf_token": token, **once(), "direct_report_unit_id": str(chain.units[office_code].id)})


def _written(chain, county, report_to):
    at("2026-03-02 09:00")
    item, _task = create_item(chain.users[f"writer_{county}"])
    db.session.commit()
    act(chain, f"writer_{county}", item.instance_id, {**COMPOSE, "report_to": str(report_to)})
    return item


def test_the_admin_sets_a_direct_report_office_above_the_usual_one_only(app, chain):
    refused = _direct(app, chain, "city-info")  # where county a reports anyway
    assert refused.status_code == 422 and "直报单位应为本单位上级单位以上的信息部门" in refused.get_data(as_text=True)
    assert chain.units["county-a"].direct_report_unit_id is None
    assert _direct(app, chain, "prov-info").status_code == 302
    db.session.expire_all()
    assert chain.units["county-a"].direct_report_unit_id == chain.units["prov-info"].id


def test_a_direct_report_point_reports_to_the_province_and_is_credited_there_and_at_the_city(app, chain):
    _direct(app, chain, "prov-info")
    writer = app.test_client()
    login(writer, "writer_a")
    assert "省委办公厅信息处（直报）" in writer.get("/reports/compose").get_data(as_text=True)

    item = _written(chain, "a", chain.units["prov-info"].id)
    act(chain, "verifier_a", item.instance_id, {"decision": "pass"})
    act(chain, "leader_a", item.instance_id, {"decision": "pass"})
    db.session.expire_all()
    item = db.session.get(InfoItem, item.id)
    assert (item.status, item.target_unit_id) == ("editing", chain.units["prov-info"].id)
    province, city = app.test_client(), app.test_client()
    login(province, "editor_prov")
    login(city, "editor")
    assert province.get(f"/reports/{item.id}").status_code == 200
    assert city.get(f"/reports/{item.id}").status_code == 404

    adopt(chain, "editor_prov", item, "2026-03-05 10:00", "专报")
    at_province = {row.unit.code: row for row in scoring.month_ranking(chain.units["prov-info"], month("2026-03")).rows}
    assert at_province["county-a"].adopted == {"专报": 1} and at_province["city"].adopted == {}
    at_city = {row.unit.code: row for row in scoring.month_ranking(chain.units["city-info"], month("2026-03")).rows}
    assert (at_city["county-a"].adopted, at_city["county-a"].adopted_above) == ({}, {"province": 1})


def test_a_unit_that_is_no_direct_report_point_cannot_choose_the_province(chain):
    with pytest.raises(FormInvalid) as refused:
        _written(chain, "b", chain.units["prov-info"].id)
    assert refused.value.fields == {"report_to": ["本单位不是该信息部门的直报点，请选择本单位的报送单位"]}
