"""A 约稿's page lists only the answers its reader may open: never an item above their clearance, never another
unit's draft."""
from lxml import html

from tests.scoring.helpers import at, submitted_item
from tests.web_helpers import login, once
from webapp.commissions.models import Commission
from webapp.commissions.operations import answer
from webapp.extensions import db


def _answers(app, username, commission):
    client = app.test_client()
    login(client, username)
    response = client.get(f"/commissions/{commission.id}")
    assert response.status_code == 200
    doc = html.fromstring(response.get_data(as_text=True))
    return sorted(a.text_content() for a in doc.xpath("//table[@id='commission-targets']//td[4]/a"))


def test_a_secret_answer_is_listed_only_to_cleared_readers(app, org):
    at("2026-03-02 09:00")
    editor = app.test_client()
    token = login(editor, "editor")
    editor.post("/commissions/new", data={**once(), "csrf_token": token, "topic": "春耕备耕情况",
                                          "due": "2026-03-10T18:00",
                                          "unit_ids": [str(org.units["county-a"].id)]})
    commission = db.session.query(Commission).one()
    submitted_item(org, "a", "2026-03-05 09:00", commission_id=commission.id, title="春耕公开信息")
    submitted_item(org, "a", "2026-03-05 10:00", commission_id=commission.id, title="春耕涉密信息", secrecy="1")
    answer(org.users["writer_a"], commission.id, {"title": "春耕草稿"}, submit=False)  # a draft, never submitted
    db.session.commit()

    assert _answers(app, "editor", commission) == ["春耕公开信息", "春耕涉密信息"]
    assert _answers(app, "editor_low", commission) == ["春耕公开信息"]
    unit_view = _answers(app, "writer_a", commission)
    assert "春耕涉密信息" in unit_view and len(unit_view) == 3  # the unit's own draft is its own to see
    assert "春耕涉密信息" not in _answers(app, "writer_a2", commission)  # clearance 公开
