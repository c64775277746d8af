"""The shell's search box: it finds by number, title and text, and only what the person's lists would show them
(unit, role, clearance)."""
import pytest

from tests.cases.helpers import new_case
from tests.emergencies import conftest as emergency_fixtures
from tests.emergencies.helpers import report
from tests.helpers import act, new_item
from tests.web_helpers import page_doc, signed_in, text_of
from webapp.core import clock
from webapp.extensions import db
from webapp.reports.models import InfoItem
from webapp.search.queries import pattern

org = emergency_fixtures.org


def _found(app, username, q, kind=None):
    """{kind: [ids]} the search page lists for `username`."""
    client, _token = signed_in(app, username)
    doc = page_doc(client.get("/search/", query_string={"q": q, **({"kind": kind} if kind else {})}))
    found = {h.get("id").removeprefix("results-"): [] for h in doc.xpath("//h2[starts-with(@id, 'results-')]")}
    for table in doc.xpath("//table[contains(@class, 'search-results')]"):
        found[table.get("data-kind")] = [int(tr.get("data-id")) for tr in table.xpath("./tbody/tr")]
    return found


@pytest.fixture
def world(org):
    secret = new_item(org, title="关于春耕备耕情况的内部信息", body="全县春耕备耕进展顺利，化肥储备充足，内部掌握。",
                      secrecy="1")
    public = new_item(org, title="某县夏粮收购进展", body="夏粮收购已完成七成，粮价平稳。")
    act(org, "verifier_a", public.instance_id, {"decision": "pass"})
    act(org, "leader_a", public.instance_id, {"decision": "pass"})  # submitted to the city: a receipt number
    case = new_case(org, title="关于龙头村滑坡隐患整治的批示")
    emergency = report(org, clock.now().astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%dT%H:%M"),
                       title="白石镇山体滑坡")
    return {"secret": secret.id, "public": public.id, "receipt": db.session.get(InfoItem, public.id).receipt_no,
            "case": case.id, "case_no": case.case_no, "emergency": emergency.id}


def test_it_finds_by_title_text_and_number(app, world):
    assert _found(app, "writer_a", "春耕备耕")["item"] == [world["secret"]]  # title
    assert _found(app, "writer_a", "化肥储备")["item"] == [world["secret"]]  # text
    assert world["receipt"] and _found(app, "editor", world["receipt"])["item"] == [world["public"]]  # number
    assert _found(app, "dc", world["case_no"])["case"] == [world["case"]]
    found = _found(app, "writer_a", "滑坡")  # one word over the three kinds (the case is led by the writer's unit)
    assert found == {"item": [], "case": [world["case"]], "emergency": [world["emergency"]]}
    assert _found(app, "handler_a", "滑坡隐患", kind="case") == {"case": [world["case"]]}


def test_a_user_outside_the_unit_or_below_the_clearance_does_not_find_it(app, world):
    assert _found(app, "writer_a", "春耕备耕")["item"] == [world["secret"]]
    assert _found(app, "writer_b", "春耕备耕")["item"] == []  # another county
    assert _found(app, "writer_a2", "春耕备耕")["item"] == []  # same unit, cleared for 公开 only: it is 内部
    assert _found(app, "editor", "春耕备耕")["item"] == []  # the city sees only what was submitted to it
    assert _found(app, "handler_b", "滑坡隐患")["case"] == []  # another county's case
    assert _found(app, "writer_b", "白石镇")["emergency"] == []


def test_wildcards_are_plain_characters_and_a_short_query_is_refused_in_chinese(app, world):
    assert pattern("5%_\\") == "%5\\%\\_\\\\%"
    assert _found(app, "writer_a", "%%") == {"item": [], "case": [], "emergency": []}
    client, _token = signed_in(app, "writer_a")
    doc = page_doc(client.get("/search/", query_string={"q": "春"}), status=422)
    assert "搜索内容应为2到100字" in text_of(doc)


def test_the_box_is_in_the_shell(app, world):
    client, _token = signed_in(app, "writer_a")
    box = page_doc(client.get("/")).xpath("//header//form[@id='shell-search']")[0]
    assert box.get("action") == "/search/" and box.xpath(".//input[@name='q']")
