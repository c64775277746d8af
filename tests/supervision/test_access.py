"""Who may use the desk and the leader view, and what each sees: one office's cases, up to their clearance."""
import pytest

from tests.cases.helpers import new_case
from tests.supervision.helpers import desk_of, nos
from tests.web_helpers import login
from webapp.extensions import db
from webapp.inbox.models import Urge

PAGES = ("/supervision/", "/supervision/cockpit", "/supervision/cockpit.json")


@pytest.mark.parametrize("username", ["handler_a", "writer_a", "editor", "verifier_a", "admin"])
def test_other_roles_get_403(app, client, org, username):
    token = login(client, username)
    for page in PAGES:
        assert client.get(page).status_code == 403, page
    assert client.post("/supervision/urge", data={"csrf_token": token}).status_code == 403


def test_a_county_leader_has_no_desk_and_cannot_urge(app, client, org, cases):
    token = login(client, "leader_a")  # a leader, but county-a has no 督查室
    for page in PAGES:
        assert client.get(page).status_code == 403, page
    assert client.post(f"/supervision/cases/{cases['c'].id}/urge", data={"csrf_token": token}).status_code == 403
    assert db.session.query(Urge).count() == 0


def test_the_city_leader_reads_the_desk_but_does_not_urge(app, client, org, cases):
    org.user("leader_city", "city", ["leader"])
    db.session.commit()
    token = login(client, "leader_city")
    page = client.get("/supervision/").get_data(as_text=True)
    assert cases["c"].case_no in page and 'name="urge"' not in page and 'id="bulk-urge"' not in page
    assert client.get("/supervision/cockpit.json").get_json()["lights"]["red"] == 1
    assert client.post(f"/supervision/cases/{cases['c'].id}/urge", data={"csrf_token": token}).status_code == 403


def test_another_city_sees_nothing_of_these_cases(app, client, org, cases):
    org.unit("city2", "滨海市委办公室", "city", "prov")
    org.unit("city2-dc", "滨海市委督查室", "office", "city2", "supervision")
    org.user("leader_city2", "city2", ["leader"])
    org.user("dc2", "city2-dc", ["supervisor"])
    db.session.commit()
    assert nos(desk_of(org, "dc2", status="all")) == [] and desk_of(org, "leader_city2").total == 0
    login(client, "leader_city2")
    data = client.get("/supervision/cockpit.json").get_json()
    assert sum(data["lights"].values()) == 0 and data["assigned"] == 0 and data["by_unit"] == []
    assert cases["c"].case_no not in client.get("/supervision/?status=all").get_data(as_text=True)
    other = app.test_client()
    token = login(other, "dc2")
    assert other.post(f"/supervision/cases/{cases['c'].id}/urge", data={"csrf_token": token}).status_code == 404
    other.post("/supervision/urge", data={"csrf_token": token})
    assert db.session.query(Urge).count() == 0


def test_a_secret_case_is_left_out_below_its_clearance(app, org, cases):
    secret = new_case(org, title="关于某涉密事项的批示", secrecy="1")
    assert secret.case_no in nos(desk_of(org, "dc"))
    assert secret.case_no not in nos(desk_of(org, "dc_low"))  # clearance 0
    assert desk_of(org, "dc").total == desk_of(org, "dc_low").total + 1


def test_desk_counts_and_the_leader_view_count_a_secret_case_only_for_a_cleared_reader(app, org, cases):
    secret = new_case(org, title="关于某涉密事项的批示", secrecy="2")  # county-a, green, assigned today
    high, low = desk_of(org, "dc"), desk_of(org, "dc_low")
    assert high.total - low.total == 1 and high.counts["green"] - low.counts["green"] == 1
    assert {k for k in high.counts if high.counts[k] != low.counts[k]} == {"green"}
    charts = {}
    for username in ("dc", "dc_low"):
        client = app.test_client()
        login(client, username)
        charts[username] = client.get("/supervision/cockpit.json").get_json()
    assert charts["dc"]["lights"]["green"] - charts["dc_low"]["lights"]["green"] == 1
    assert charts["dc"]["assigned"] - charts["dc_low"]["assigned"] == 1
    assert sum(m["received"] for m in charts["dc"]["trend"]) - sum(m["received"] for m in charts["dc_low"]["trend"]) \
        == 1
    by_unit = {u: {r["unit"]: r for r in charts[u]["by_unit"]} for u in charts}
    assert by_unit["dc"]["a县委办公室"]["green"] - by_unit["dc_low"]["a县委办公室"]["green"] == 1
    assert secret.case_no not in client.get("/supervision/?status=all").get_data(as_text=True)
