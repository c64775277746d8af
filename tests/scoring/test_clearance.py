"""The ranking counts a unit's secret items as numbers for every reader (docs/scoring.md says why) and never names
them: no title of a secret item reaches a reader below its clearance through the ranking or its export."""
from tests.exports import read_back
from tests.scoring.helpers import adopted, at
from tests.scoring.test_pages import _cells
from tests.web_helpers import login


def test_the_ranking_counts_secret_items_alike_for_every_reader_and_lists_none(app, org):
    adopted(org, "a", "2026-03-05 10:00", "2026-03-05 15:00", "专报")
    adopted(org, "a", "2026-03-06 10:00", "2026-03-06 15:00", "汇要", title="某涉密项目进展", secrecy="1")
    at("2026-04-02 09:00")
    seen = {}
    for username in ("editor", "editor_low"):
        client = app.test_client()
        login(client, username)
        page = client.get("/scoring/?month=2026-03").get_data(as_text=True)
        export = client.get("/scoring/ranking.xlsx?month=2026-03")
        _title, _header, rows = read_back(export.data)
        assert "某涉密项目进展" not in page and "某涉密项目进展" not in str(rows)
        seen[username] = (_cells(page)[0][:3], rows[0][:3])
    assert seen["editor"] == seen["editor_low"] == (["1", "a县委办公室", "2"], ["1", "a县委办公室", "2"])
