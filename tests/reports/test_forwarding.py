"""转报 up the chain (issue 22, items 4 and 6): a township's item adopted at the county, forwarded and adopted at the
city and the province, with a 批示 at the province — each level credited once to the township, in its month."""
import pytest

from tests.editorial.helpers import publication, signed_issue, staff
from tests.engine.test_concurrency import _in_threads
from tests.helpers import act, open_task
from tests.reports.chain_helpers import adopt, build_chain_org, forward, instruct, month, township_item
from tests.scoring.helpers import at
from tests.web_helpers import login, once, page_doc, text_of
from webapp.auth.models import User
from webapp.core.errors import NotAllowed, TaskConflict
from webapp.extensions import db
from webapp.reports import forwarding
from webapp.reports.models import InfoItem
from webapp.scoring import queries as scoring


@pytest.fixture
def chain():
    return build_chain_org()


def _rank(org, office, text):
    return {row.unit.code: row for row in scoring.month_ranking(org.units[office], month(text)).rows}


@pytest.fixture
def climbed(chain):
    """Township item: adopted at the county in January, at the city in February (forwarded in January), at the
    province in March (forwarded in February), a provincial 批示 on 2 April."""
    first = adopt(chain, "editor_county", township_item(chain, "2026-01-10 09:00", secrecy="1", urgency="urgent"),
                  "2026-01-12 10:00", "汇要")
    at_city = adopt(chain, "editor", forward(chain, "editor_county", first, "2026-01-20 10:00"),
                    "2026-02-03 10:00", "专报")
    at_province = adopt(chain, "editor_prov", forward(chain, "editor", at_city, "2026-02-25 10:00"),
                        "2026-03-04 10:00", "内参")
    instruct(chain, "editor_prov", at_province, "2026-04-02")
    return first, at_city, at_province


def test_each_level_is_credited_once_to_the_township_in_its_month(chain, climbed):
    first, at_city, at_province = climbed
    assert (at_city.unit_id, at_city.target_unit_id, at_city.origin_unit_id, at_city.forwarded_from_id) == (
        chain.units["county-a"].id, chain.units["city-info"].id, chain.units["town-a"].id, first.id)
    assert (at_province.unit_id, at_province.target_unit_id, at_province.origin_item_id) == (
        chain.units["city"].id, chain.units["prov-info"].id, first.id)

    county = {text: _rank(chain, "county-a-info", text)["town-a"] for text in ("2026-01", "2026-02", "2026-03",
                                                                                 "2026-04")}
    assert (county["2026-01"].adopted, county["2026-01"].adopted_above, county["2026-01"].score) == (
        {"汇要": 1}, {}, 4)
    assert (county["2026-02"].adopted, county["2026-02"].adopted_above, county["2026-02"].score) == (
        {}, {"city": 1}, 6)
    assert (county["2026-03"].adopted_above, county["2026-03"].instructions, county["2026-03"].score) == (
        {"province": 1}, {}, 10)
    assert (county["2026-04"].adopted_above, county["2026-04"].instructions, county["2026-04"].score) == (
        {}, {"provincial": 1}, 10)

    # The city ranks the forwarding county: its own adoption in February, the province's in March, the 批示 in April.
    city = {text: _rank(chain, "city-info", text)["county-a"] for text in ("2026-02", "2026-03", "2026-04")}
    assert (city["2026-02"].submitted, city["2026-02"].adopted, city["2026-02"].adopted_above) == (0, {"专报": 1}, {})
    assert (city["2026-03"].adopted, city["2026-03"].adopted_above, city["2026-03"].score) == (
        {}, {"province": 1}, 10)
    assert (city["2026-04"].instructions, city["2026-04"].score) == ({"provincial": 1}, 10)
    assert _rank(chain, "city-info", "2026-01")["county-a"].submitted == 1  # forwarded on 20 January
    assert _rank(chain, "city-info", "2026-02")["county-b"].score == 0
    # The province ranks the city (its reporting unit); the county and the township are below it.
    assert _rank(chain, "prov-info", "2026-03")["city"].adopted == {"内参": 1}
    assert _rank(chain, "prov-info", "2026-04")["city"].instructions == {"provincial": 1}

    ranking = scoring.month_ranking(chain.units["county-a-info"], month("2026-03"))
    table = scoring.table_rows(ranking)
    column = scoring.columns(ranking).index("上级采用")
    assert [line[column] for line in table if line[1] == "白石镇党委办公室"] == ["1（省级1）"]


def test_secrecy_and_urgency_travel_as_the_instance_markings(chain, climbed):
    first, at_city, at_province = climbed
    for item in (at_city, at_province):
        assert (item.secrecy, item.urgency) == (1, "urgent")
        assert (item.instance.secrecy, item.instance.urgency) == (1, "urgent")
        assert item.title == first.title and item.body == first.body


def test_a_secret_item_is_not_forwarded_where_no_editor_is_cleared(chain):
    chain.users["editor"].clearance = 0
    chain.users["editor_low"].clearance = 0
    db.session.commit()
    first = adopt(chain, "editor_county", township_item(chain, "2026-01-10 09:00", secrecy="1"), "2026-01-12 10:00")
    with pytest.raises(NotAllowed, match="市委办信息科没有密级相符的编辑"):
        forwarding.forward(chain.users["editor_county"], first)


def test_forward_refusals(chain):
    item = township_item(chain, "2026-01-10 09:00")
    with pytest.raises(NotAllowed):  # not adopted yet
        forwarding.forward(chain.users["editor_county"], item)
    item = adopt(chain, "editor_county", item, "2026-01-12 10:00")
    with pytest.raises(NotAllowed):  # not the adopting office
        forwarding.forward(chain.users["editor"], item)
    forward(chain, "editor_county", item, "2026-01-13 10:00")
    with pytest.raises(TaskConflict, match="已转报"):
        forwarding.forward(chain.users["editor_county"], item)


def test_a_repeated_post_forwards_once_and_a_second_post_is_refused(app, chain):
    first = adopt(chain, "editor_county", township_item(chain, "2026-01-10 09:00"), "2026-01-12 10:00")
    client = app.test_client()
    token = login(client, "editor_county")
    page = client.get(f"/reports/{first.id}").get_data(as_text=True)
    assert "转报市委办信息科" in page
    key = once()
    responses = [client.post(f"/reports/{first.id}/forward", data={"csrf_token": token, **key}) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0].headers["Location"] == responses[1].headers["Location"]
    assert db.session.query(InfoItem).filter_by(forwarded_from_id=first.id).count() == 1
    again = client.post(f"/reports/{first.id}/forward", data={"csrf_token": token, **once()})
    assert again.status_code == 409 and "不能重复转报" in again.get_data(as_text=True)
    assert db.session.query(InfoItem).filter(InfoItem.origin_item_id == first.id).count() == 1


def test_the_writer_sees_every_level_and_outsiders_see_nothing(app, chain, climbed):
    first, at_city, at_province = climbed
    at("2026-04-03 09:00")
    writer = app.test_client()
    login(writer, "writer_t")
    doc = page_doc(writer.get(f"/reports/{first.id}"))
    levels = [text_of(row) for row in doc.xpath("//section[@id='item-chain']//tr[@class='chain-level']")]
    assert len(levels) == 3
    assert levels[0].startswith("a县委办信息科") and "采用" in levels[0] and "《汇要》" in levels[0]
    assert levels[1].startswith("市委办信息科（转报）") and "《专报》" in levels[1] and "2026-02-03" in levels[1]
    assert levels[2].startswith("省委办公厅信息处（转报）") and "《内参》" in levels[2]
    assert "省委书记 王某" in levels[2] and "2026-04-02" in levels[2]
    # The township sees the outcomes on its own item, not the upper offices' items.
    assert writer.get(f"/reports/{at_city.id}").status_code == 404
    # A writer below the item's secrecy sees none of it.
    low = app.test_client()
    login(low, "writer_t0")
    assert low.get(f"/reports/{first.id}").status_code == 404

    for username in ("writer_b", "editor_county_b"):  # another county: outside the chain
        outsider = app.test_client()
        login(outsider, username)
        for item in climbed:
            assert outsider.get(f"/reports/{item.id}").status_code == 404
    # The forwarding county office follows its forward; the city follows the one it sent to the province.
    county = app.test_client()
    login(county, "editor_county")
    assert county.get(f"/reports/{at_city.id}").status_code == 200
    assert county.get(f"/reports/{at_province.id}").status_code == 404
    city = app.test_client()
    login(city, "editor")
    assert city.get(f"/reports/{at_province.id}").status_code == 200


def test_a_returned_forward_goes_back_to_the_forwarding_editor_and_up_again(chain):
    first = adopt(chain, "editor_county", township_item(chain, "2026-01-10 09:00"), "2026-01-12 10:00")
    upper = forward(chain, "editor_county", first, "2026-01-13 10:00")
    at("2026-01-14 10:00")
    act(chain, "editor", upper.instance_id, {"decision": "return", "opinion": "请补充数据来源"})
    row = open_task(upper.instance_id)
    assert (row.step_key, row.unit_id, row.assignee_id) == (
        "forward_revise", chain.units["county-a-info"].id, chain.users["editor_county"].id)
    db.session.expire_all()
    assert db.session.get(InfoItem, upper.id).status == "returned"
    revised = {**upper.form_values(), "body": upper.body + "（来源：县农业农村局）"}
    act(chain, "editor_county", upper.instance_id, revised)
    row = open_task(upper.instance_id)
    assert (row.step_key, row.unit_id) == ("edit", chain.units["city-info"].id)
    db.session.expire_all()
    assert db.session.get(InfoItem, upper.id).status == "editing"


def test_a_county_without_an_information_office_forwards_what_its_editors_adopted(chain):
    first = adopt(chain, "editor_county_b", township_item(chain, "2026-01-10 09:00", town="tb"), "2026-01-12 10:00")
    assert first.target_unit_id == chain.units["county-b"].id
    upper = forward(chain, "editor_county_b", first, "2026-01-13 10:00")
    assert (upper.unit_id, upper.target_unit_id, upper.origin_unit_id) == (
        chain.units["county-b"].id, chain.units["city-info"].id, chain.units["town-b"].id)
    adopt(chain, "editor", upper, "2026-02-03 10:00")
    assert _rank(chain, "county-b", "2026-02")["town-b"].adopted_above == {"city": 1}


def test_two_editors_forwarding_at_once_forward_once(app, chain):
    chain.user("editor_county2", "county-a-info", ["editor"])
    db.session.commit()
    first = adopt(chain, "editor_county", township_item(chain, "2026-01-10 09:00"), "2026-01-12 10:00")
    editors = [chain.users["editor_county"].id, chain.users["editor_county2"].id]

    def forward_it(index):
        forwarding.forward(db.session.get(User, editors[index]), db.session.get(InfoItem, first.id))
        return "forwarded"

    results = _in_threads(app, 2, forward_it)
    assert sorted(results, key=str) == [("conflict", "该信息已转报上级，不能重复转报。"), "forwarded"]
    db.session.expire_all()
    assert db.session.query(InfoItem).filter_by(forwarded_from_id=first.id).count() == 1


def test_the_writer_sees_the_upper_issue_the_forwarded_item_was_printed_in(app, chain):
    staff(chain)
    pub = publication(chain)
    first = adopt(chain, "editor_county", township_item(chain, "2026-01-10 09:00"), "2026-01-12 10:00")
    at_city = adopt(chain, "editor", forward(chain, "editor_county", first, "2026-01-13 10:00"), "2026-01-14 10:00",
                    pub.name)
    at("2026-01-15 10:00")
    signed_issue(chain, pub, [(at_city, "", "")])
    writer = app.test_client()
    login(writer, "writer_t")
    doc = page_doc(writer.get(f"/reports/{first.id}"))
    levels = [text_of(row) for row in doc.xpath("//section[@id='item-chain']//tr[@class='chain-level']")]
    assert "已刊用于《临江信息》2026年第1期" in levels[1] and "已刊用于" not in levels[0]
