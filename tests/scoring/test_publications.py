"""Scoring weighs the office's own publications: its active ones are the ranking's columns and the table's entries,
a new one is worth the default of its kind, and an adoption into one no longer listed still counts."""
import re
from datetime import date

from tests.editorial.helpers import LINJIANG
from tests.scoring.helpers import adopted, at
from tests.web_helpers import login
from webapp.editorial import publications
from webapp.extensions import db
from webapp.scoring import queries

MARCH = date(2026, 3, 1)


def test_the_ranking_lists_the_offices_publications_and_weighs_a_new_one_by_its_kind(app, client, org):
    editor = org.users["editor"]
    publications.create(editor, {**LINJIANG, "name": "临江专报", "kind": "special"})
    db.session.commit()
    adopted(org, "a", "2026-03-05 10:00", "2026-03-05 15:00", "临江专报")
    adopted(org, "b", "2026-03-06 10:00", "2026-03-06 15:00", "上报")
    at("2026-03-10 09:00")
    shangbao = publications.by_name(org.units["city-info"].id, "上报")
    publications.update(editor, shangbao, {**LINJIANG, "name": "上报", "kind": "upward", "active": False})
    db.session.commit()
    ranking = queries.month_ranking(org.units["city-info"], MARCH)
    columns = queries.columns(ranking)
    assert "采用《临江专报》" in columns and "采用《上报》" not in columns
    rows = {row[1]: row for row in queries.table_rows(ranking)}
    assert rows["a县委办公室"][columns.index("采用《临江专报》")] == 1
    assert rows["a县委办公室"][columns.index("得分")] == 6  # 专报 kind: 6 by default
    b = rows["b县委办公室"]
    assert (b[columns.index("采用合计")], b[columns.index("得分")]) == (1, 3)  # 上报 still counts, by its old points
    assert b[-1] == "另有1条采用于其他刊物"
    token = login(client, "admin")
    form = client.get("/scoring/rules").get_data(as_text=True)
    assert re.search(r'name="adoption\.临江专报" value="6"', form) and 'name="adoption.上报"' not in form
    values = {"csrf_token": token, "effective_from": "2026-03-16", "comment": "提高临江专报", "veto_concealed": "1"}
    groups = "adoption|instruction|forwarded|penalty|bonus"
    values.update(dict(re.findall(rf'name="((?:{groups})\.[^"]+)" value="([^"]*)"', form)))
    values.update({"adoption.临江专报": "9", "idempotency_key": "publications-test-key"})
    assert client.post("/scoring/rules", data=values).status_code == 302
    adopted(org, "a", "2026-03-20 10:00", "2026-03-20 15:00", "临江专报")
    assert {r.unit.code: r.score for r in queries.month_ranking(org.units["city-info"], MARCH).rows}["county-a"] == 15
