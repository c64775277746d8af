"""An office's publications: started from the former fixed list, configured by its editors, and what the adoption
form offers and accepts."""
import pytest

from tests.editorial.helpers import LINJIANG, publication, staff
from tests.helpers import act, new_item, open_task
from tests.web_helpers import once, page_doc, signed_in, text_of
from webapp.core.errors import FormInvalid
from webapp.editorial import publications
from webapp.editorial.models import Publication
from webapp.engine import runner
from webapp.extensions import db
from webapp.reports.models import InfoItem
from webapp.reports.schemas import PUBLICATIONS


def _at_edit(org):
    item = new_item(org)
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    act(org, "leader_a", item.instance_id, {"decision": "pass"})
    return item


def test_an_office_starts_with_the_former_list_and_adopts_from_its_own(org):
    office = org.units["city-info"].id
    assert [p.name for p in publications.of_unit(office)] == PUBLICATIONS
    huiyao = publications.by_name(office, "汇要")
    publications.update(org.users["editor"], huiyao, {**LINJIANG, "name": "汇要", "active": False})
    publication(org)
    item = _at_edit(org)
    row = open_task(item.instance_id)
    for name in ("汇要", "不存在的刊物"):  # stopped, and never one of the office's
        with pytest.raises(FormInvalid) as refused:
            runner.complete(row.id, org.users["editor"], {"decision": "adopt", "publication": name})
        assert refused.value.fields == {"publication": ["请选择本单位的刊物"]}
        db.session.rollback()
    act(org, "editor", item.instance_id, {"decision": "adopt", "publication": "临江信息"})
    assert db.session.get(InfoItem, item.id).publication == "临江信息"


def test_an_office_that_stopped_every_publication_adopts_into_none(org):
    office = org.units["city-info"].id
    for row in publications.of_unit(office):
        row.active = False
    db.session.commit()
    item = _at_edit(org)
    with pytest.raises(FormInvalid) as refused:
        runner.complete(open_task(item.instance_id).id, org.users["editor"],
                        {"decision": "adopt", "publication": "专报"})
    assert refused.value.fields == {"publication": ["请选择本单位的刊物"]}


def test_the_adoption_form_lists_the_offices_publications(app, org):
    publication(org)
    item = _at_edit(org)
    client, _token = signed_in(app, "editor")
    doc = page_doc(client.get(f"/tasks/{open_task(item.instance_id).id}"))
    options = [text_of(o) for o in doc.get_element_by_id("publication").xpath("option")][1:]
    assert options == [*PUBLICATIONS, "临江信息"]


def test_editors_configure_their_offices_publications_on_its_pages(app, org):
    staff(org)
    client, token = signed_in(app, "editor")
    doc = page_doc(client.get("/editorial/"))
    assert [text_of(a) for a in doc.xpath("//table[@id='publications']//a")] == [f"《{p}》" for p in PUBLICATIONS]
    form = {"csrf_token": token, "name": "临江信息", "kind": "regular", "frequency": "weekly",
            "numbered_per_year": "1", "signer_role": "leader", "bao": "市委领导", "song": "", "fa": "",
            "recipient_unit_ids": [str(org.units["county-a"].id)], "active": "1"}
    created = client.post("/editorial/publications/new", data={**form, **once()})
    assert created.status_code == 302
    row = db.session.query(Publication).filter_by(name="临江信息").one()
    assert (row.unit_id, row.recipient_unit_ids, row.frequency) == (org.units["city-info"].id,
                                                                    [org.units["county-a"].id], "weekly")
    elsewhere = client.post("/editorial/publications/new", data={**form, **once(), "name": "别处信息",
                                                                 "recipient_unit_ids": [str(org.units["prov"].id)]})
    assert elsewhere.status_code == 422 and "分发单位只能是" in elsewhere.get_data(as_text=True)
    again = client.post("/editorial/publications/new", data={**form, **once()})
    assert again.status_code == 422 and "本单位已有同名刊物" in again.get_data(as_text=True)
    edited = client.post(f"/editorial/publications/{row.id}/edit", data={**form, "signer_role": "principal"})
    assert edited.status_code == 302
    db.session.expire_all()
    assert db.session.get(Publication, row.id).signer_role == "principal"
    started = client.post(f"/editorial/publications/{row.id}/issues", data={"csrf_token": token, **once()})
    assert started.status_code == 302 and "/tasks/" in started.headers["Location"]
    task_page = page_doc(client.get(started.headers["Location"]))
    assert task_page.get_element_by_id("item_1") is not None
    writer, _token = signed_in(app, "writer_a")
    assert writer.get("/editorial/").status_code == 403
    assert writer.get(f"/editorial/publications/{row.id}").status_code == 403


def test_another_offices_editor_cannot_manage_the_publication(app, org):
    org.unit("prov-editor-unit", "省信息处二科", "office", "prov", "info")
    org.user("editor_prov", "prov-info", ["editor"])
    db.session.commit()
    row = publication(org)
    client, token = signed_in(app, "editor_prov")
    assert client.get(f"/editorial/publications/{row.id}").status_code == 404
    assert client.post(f"/editorial/publications/{row.id}/issues", data={"csrf_token": token, **once()}
                       ).status_code == 404
