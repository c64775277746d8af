"""Who gets an attachment: the people of the flow and the copied; never another unit, never below its secrecy."""
from urllib.parse import quote

import pytest
from sqlalchemy import select

from tests.attachments.conftest import MARKER, PDF, download_links, stored_files, upload
from tests.cases.helpers import new_case
from tests.helpers import COMPOSE, act, new_item, open_task
from tests.web_helpers import login
from webapp.attachments.models import Attachment
from webapp.engine.models import InstanceEvent
from webapp.extensions import db
from webapp.inbox.models import InstanceCopy
from webapp.reports.operations import create_item


def _draft(org):
    item, compose = create_item(org.users["writer_a"])
    db.session.commit()
    return item, compose


def _login(app, username):
    client = app.test_client()
    return client, login(client, username)


def test_the_writer_attaches_at_compose_and_the_verifier_downloads(app, org, files_dir):
    item, compose = _draft(org)
    writer, csrf = _login(app, "writer_a")
    page = writer.get(f"/reports/{item.id}").get_data(as_text=True)
    assert 'id="attachment-upload"' in page and f'name="task_id" value="{compose.id}"' in page

    answer = upload(writer, csrf, item.instance_id, task_id=str(compose.id), next=f"/reports/{item.id}")
    assert answer.status_code == 302 and answer.headers["Location"] == f"/reports/{item.id}"
    page = writer.get(answer.headers["Location"]).get_data(as_text=True)
    assert "已上传附件“春耕数据.pdf”" in page and "春耕数据.pdf" in page and "采编" in page

    attachment = db.session.query(Attachment).one()
    assert (attachment.task_id, attachment.uploaded_by_id, attachment.size_bytes) == (
        compose.id, org.users["writer_a"].id, len(PDF))
    event = db.session.query(InstanceEvent).filter_by(instance_id=item.instance_id, action="attach").one()
    assert (event.actor_id, event.task_id, event.step_key, event.data) == (
        org.users["writer_a"].id, compose.id, "compose", {"filename": "春耕数据.pdf", "size": len(PDF)})

    act(org, "writer_a", item.instance_id, COMPOSE)  # the item goes on to the verifier
    verifier, _ = _login(app, "verifier_a")
    page = verifier.get(f"/reports/{item.id}").get_data(as_text=True)
    assert "上传附件「采编」" in page  # the history says who attached what at which step
    [link] = download_links(page)
    got = verifier.get(link)
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote('春耕数据.pdf')}" in disposition
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Cache-Control"] == "private, no-store"


def test_the_bytes_live_under_the_attachment_dir_and_in_no_database_column(app, org, files_dir):
    item, compose = _draft(org)
    writer, csrf = _login(app, "writer_a")
    assert upload(writer, csrf, item.instance_id, filename="../../etc/passwd.pdf").status_code == 302
    attachment = db.session.query(Attachment).one()
    assert attachment.filename == "passwd.pdf"
    [path] = stored_files(files_dir)
    assert path.read_bytes() == PDF and path == files_dir / attachment.storage_key
    assert "passwd" not in attachment.storage_key

    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                for value in row:
                    if isinstance(value, bytes):
                        assert MARKER.encode() not in value, table.name
                    elif value is not None:
                        assert MARKER not in str(value), table.name


@pytest.mark.parametrize(("secrecy", "status"), [("0", 200), ("1", 404)])
def test_a_colleague_below_the_items_secrecy_gets_404_even_with_the_token(app, org, secrecy, status):
    item = new_item(org, secrecy=secrecy)
    verifier, csrf = _login(app, "verifier_a")
    assert upload(verifier, csrf, item.instance_id).status_code == 302
    token = db.session.query(Attachment).one().token

    low, _ = _login(app, "writer_a2")  # same county office as the item, clearance 0
    got = low.get(f"/attachments/{token}")
    assert got.status_code == status
    assert (got.data == PDF) == (status == 200)


def test_another_unit_gets_the_same_404_as_for_a_token_that_does_not_exist(app, org):
    item = new_item(org)
    verifier, csrf = _login(app, "verifier_a")
    upload(verifier, csrf, item.instance_id)
    token = db.session.query(Attachment).one().token

    other, other_csrf = _login(app, "writer_b")
    json = {"Accept": "application/json"}
    hidden = other.get(f"/attachments/{token}", headers=json)
    missing = other.get(f"/attachments/{token[:-2]}xx", headers=json)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()
    assert other.post(f"/attachments/{token}/delete", data={"csrf_token": other_csrf}).status_code == 404
    assert upload(other, other_csrf, item.instance_id, json=True).status_code == 404
    assert db.session.query(Attachment).count() == 1


def test_a_copied_user_downloads_but_may_not_upload(app, org):
    item = new_item(org)
    verifier, csrf = _login(app, "verifier_a")
    upload(verifier, csrf, item.instance_id)
    token = db.session.query(Attachment).one().token

    copied, copied_csrf = _login(app, "handler_b")
    assert copied.get(f"/attachments/{token}").status_code == 404
    db.session.add(InstanceCopy(instance_id=item.instance_id, user_id=org.users["handler_b"].id,
                                sender_id=org.users["verifier_a"].id))
    db.session.commit()
    got = copied.get(f"/attachments/{token}")
    assert got.status_code == 200 and got.data == PDF
    refused = upload(copied, copied_csrf, item.instance_id, filename="意见.pdf", json=True)
    assert refused.status_code == 403 and "不能向该事项上传附件" in refused.get_json()["message"]
    assert db.session.query(Attachment).count() == 1


def test_tokens_are_random_and_row_ids_lead_nowhere(app, org):
    item = new_item(org)
    verifier, csrf = _login(app, "verifier_a")
    first = upload(verifier, csrf, item.instance_id, json=True).get_json()["attachment"]
    second = upload(verifier, csrf, item.instance_id, json=True).get_json()["attachment"]
    assert len(first["token"]) >= 32 and len(second["token"]) >= 32
    shared_prefix = next(i for i, (a, b) in enumerate(zip(first["token"], second["token"], strict=True)) if a != b)
    assert shared_prefix < 8
    rows = db.session.query(Attachment).order_by(Attachment.id).all()
    assert verifier.get(f"/attachments/{rows[0].token}").status_code == 200
    for guess in ("1", "2", str(rows[0].id), str(rows[1].id), rows[0].storage_key.rsplit("/", 1)[1]):
        assert verifier.get(f"/attachments/{guess}").status_code == 404
        assert guess not in (first["token"], second["token"])


def test_on_a_case_the_handler_attaches_and_the_supervision_office_downloads(app, org):
    case = new_case(org)
    handle = open_task(case.instance_id)
    handler, csrf = _login(app, "handler_a")
    page = handler.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="attachment-upload"' in page
    answer = upload(handler, csrf, case.instance_id, filename="整改方案.docx", data=b"PK\x03\x04" + b"\x00" * 64,
                    next=f"/cases/{case.id}")
    assert answer.status_code == 302
    attachment = db.session.query(Attachment).one()
    assert attachment.task_id == handle.id  # no task named: the open step the handler acts on

    dc, _ = _login(app, "dc")
    page = dc.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "整改方案.docx" in page
    [link] = download_links(page)
    assert dc.get(link).status_code == 200
    outsider, _ = _login(app, "handler_b")
    assert outsider.get(link).status_code == 404
