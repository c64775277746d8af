"""The leader view's figures, hand-computed, with closings on both sides of a month boundary in Shanghai."""
from tests.cases.helpers import CLOSE, local, new_case
from tests.helpers import act
from tests.web_helpers import login
from webapp.engine import clock
from webapp.extensions import db


def _close(org, case, county, signer):
    act(org, f"handler_{county}", case.instance_id, CLOSE)
    act(org, signer, case.instance_id, {"decision": "sign"})
    act(org, "dc", case.instance_id, {"decision": "accept"})


def test_cockpit_figures(app, client, org):
    clock.set_fixed(local("2026-03-02 09:00:00"))
    f, g = new_case(org), new_case(org, lead="county-b")  # provincial: due 2026-03-17 23:59:59
    h = new_case(org, level="city")  # due 2026-04-02 23:59:59
    clock.set_fixed(local("2026-03-10 09:00:00"))
    _close(org, h, "a", "leader_a")  # 8 days, on time
    clock.set_fixed(local("2026-03-31 23:30:00"))
    _close(org, f, "a", "principal_a")  # late, still March in Shanghai (15:30 UTC)
    clock.set_fixed(local("2026-04-01 00:10:00"))
    _close(org, g, "b", "principal_b")  # late, April in Shanghai though still 31 March in UTC
    clock.set_fixed(local("2026-04-02 09:00:00"))
    new_case(org, instruction_date="2026-04-01")

    login(client, "dc")
    data = client.get("/supervision/cockpit.json").get_json()
    trend = {m["month"]: (m["received"], m["closed"], m["closed_on_time"]) for m in data["trend"]}
    assert list(trend)[0] == "2025-05" and list(trend)[-1] == "2026-04"
    assert trend["2026-03"] == (3, 2, 1) and trend["2026-04"] == (1, 1, 0) and trend["2026-02"] == (0, 0, 0)
    assert (data["assigned"], data["closed"], data["closure_rate"], data["closure_rate_12m"]) == (4, 3, 0.75, 0.75)
    days = (8 + (29 + 14.5 / 24) + (29 + (15 + 10 / 60) / 24)) / 3
    assert data["average_handling_days"] == round(days, 1) == 22.4
    assert data["lights"] == {"red": 0, "yellow": 0, "green": 1, "unknown": 0, "pending": 0}
    assert data["by_unit"] == [{"unit": "a县委办公室", "red": 0, "yellow": 0, "green": 1, "unknown": 0, "pending": 0}]

    page = client.get("/supervision/cockpit").get_data(as_text=True)
    assert 'id="kpi-closure">75.0%' in page and 'id="kpi-days">22.4' in page
    assert "<td>2026-03</td><td>3</td><td>2</td><td>1</td>" in page
    assert "/vendor/echarts.min.js" in page


def test_a_city_leader_reads_the_cockpit_of_its_office(app, client, org):
    org.user("leader_city", "city", ["leader"])
    db.session.commit()
    login(client, "leader_city")
    assert client.get("/supervision/cockpit.json").status_code == 200
    assert client.get("/supervision/").status_code == 200
