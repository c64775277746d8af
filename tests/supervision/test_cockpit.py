"""The leader view's figures, hand-computed, with closings on both sides of a month boundary in Shanghai."""
from lxml import html

from tests.cases.helpers import local, new_case
from tests.supervision.helpers import close
from tests.web_helpers import login
from webapp.core import clock


def test_cockpit_figures(app, client, org):
    clock.set_fixed(local("2025-02-10 09:00:00"))
    new_case(org, lead="county-b", instruction_date="2025-02-09")  # before the 12 months, never closed: red
    clock.set_fixed(local("2026-03-02 09:00:00"))
    f, g = new_case(org), new_case(org, lead="county-b")  # provincial: due 2026-03-17 23:59:59
    h = new_case(org, level="city")  # due 2026-04-02 23:59:59
    clock.set_fixed(local("2026-03-10 09:00:00"))
    close(org, h, "a", "leader_a")  # 8 days, on time
    clock.set_fixed(local("2026-03-31 23:30:00"))
    close(org, f, "a", "principal_a")  # late, still March in Shanghai (15:30 UTC)
    clock.set_fixed(local("2026-04-01 00:10:00"))
    close(org, g, "b", "principal_b")  # late, April in Shanghai though still 31 March in UTC
    clock.set_fixed(local("2026-04-02 09:00:00"))
    new_case(org, instruction_date="2026-04-01")

    login(client, "dc")
    data = client.get("/supervision/cockpit.json").get_json()
    trend = {m["month"]: (m["received"], m["closed"], m["closed_on_time"]) for m in data["trend"]}
    assert list(trend)[0] == "2025-05" and list(trend)[-1] == "2026-04"
    assert trend["2026-03"] == (3, 2, 1) and trend["2026-04"] == (1, 1, 0) and trend["2026-02"] == (0, 0, 0)
    assert sum(m["received"] for m in data["trend"]) == 4  # the 2025-02 case is before the window
    assert (data["assigned"], data["closed"], data["closure_rate"], data["closure_rate_12m"]) == (5, 3, 0.6, 0.75)
    days = (8 + (29 + 14.5 / 24) + (29 + (15 + 10 / 60) / 24)) / 3
    assert data["average_handling_days"] == round(days, 1) == 22.4
    assert data["lights"] == {"red": 1, "yellow": 0, "green": 1, "unknown": 0, "pending": 0}
    assert data["by_unit"] == [{"unit": "a县委办公室", "red": 0, "yellow": 0, "green": 1, "unknown": 0, "pending": 0},
                               {"unit": "b县委办公室", "red": 1, "yellow": 0, "green": 0, "unknown": 0, "pending": 0}]

    response = client.get("/supervision/cockpit")
    doc = html.fromstring(response.get_data(as_text=True))
    kpi = {e.get("id"): e.text for e in doc.xpath("//*[@id='kpis']//strong")}
    assert kpi == {"kpi-open": "2", "kpi-red": "1", "kpi-closure": "60.0%", "kpi-closure-12m": "75.0%",
                   "kpi-days": "22.4"}
    rows = [[td.text for td in tr.xpath("td")] for tr in doc.xpath("//table[@id='trend-table']/tbody/tr")]
    assert len(rows) == 12 and rows[-2:] == [["2026-03", "3", "2", "1"], ["2026-04", "1", "1", "0"]]
    units = [[td.text for td in tr.xpath("td")] for tr in doc.xpath("//table[@id='unit-table']/tbody/tr")]
    assert units == [["a县委办公室", "0", "0", "1", "0", "0"], ["b县委办公室", "1", "0", "0", "0", "0"]]
    assert doc.xpath("//script[@src='/vendor/echarts.min.js']")
    assert client.get("/vendor/echarts.min.js").status_code == 200

