"""Deleting an attachment (only its uploader, only while its step is open) and files that never outlive a rollback."""
import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import FileStorage

from tests.attachments.conftest import PDF, download_links, stored_files, upload
from tests.helpers import COMPOSE, act, new_item
from tests.web_helpers import login
from webapp.attachments import operations
from webapp.attachments.models import Attachment
from webapp.core import clock
from webapp.engine.models import InstanceEvent, ProcessInstance
from webapp.extensions import db
from webapp.reports.operations import create_item


def _login(app, username):
    client = app.test_client()
    return client, login(client, username)


def _draft(org):
    item, compose = create_item(org.users["writer_a"])
    db.session.commit()
    return item, compose


def test_the_uploader_deletes_while_the_step_is_open(app, org, files_dir):
    item, _compose = _draft(org)
    writer, csrf = _login(app, "writer_a")
    upload(writer, csrf, item.instance_id)
    attachment = db.session.query(Attachment).one()
    [path] = stored_files(files_dir)
    page = writer.get(f"/reports/{item.id}").get_data(as_text=True)
    assert f'action="/attachments/{attachment.token}/delete"' in page

    answer = writer.post(f"/attachments/{attachment.token}/delete",
                         data={"csrf_token": csrf, "next": f"/reports/{item.id}"}, follow_redirects=True)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "已删除附件“春耕数据.pdf”" in html and download_links(html) == []
    db.session.expire_all()
    assert db.session.get(Attachment, attachment.id).deleted_dt == clock.now()
    assert not path.exists()
    detach = db.session.query(InstanceEvent).filter_by(instance_id=item.instance_id, action="detach").one()
    assert (detach.actor_id, detach.step_key, detach.data["filename"]) == (org.users["writer_a"].id, "compose",
                                                                           "春耕数据.pdf")
    assert writer.get(f"/attachments/{attachment.token}").status_code == 404


def test_deleting_is_refused_once_the_step_completed_and_to_anyone_but_the_uploader(app, org, files_dir):
    item, _compose = _draft(org)
    writer, csrf = _login(app, "writer_a")
    upload(writer, csrf, item.instance_id)
    token = db.session.query(Attachment).one().token
    act(org, "writer_a", item.instance_id, COMPOSE)

    assert 'class="attachment-delete"' not in writer.get(f"/reports/{item.id}").get_data(as_text=True)
    refused = writer.post(f"/attachments/{token}/delete", data={"csrf_token": csrf},
                          headers={"Accept": "application/json"})
    assert refused.status_code == 409 and "“采编”已办理" in refused.get_json()["message"]

    verifier, verifier_csrf = _login(app, "verifier_a")
    not_theirs = verifier.post(f"/attachments/{token}/delete", data={"csrf_token": verifier_csrf},
                               headers={"Accept": "application/json"})
    assert not_theirs.status_code == 403 and not_theirs.get_json()["message"] == "只有上传人可以删除该附件。"
    assert db.session.query(Attachment).one().deleted_dt is None
    assert len(stored_files(files_dir)) == 1
    assert db.session.query(InstanceEvent).filter_by(action="detach").count() == 0


def test_the_starters_own_attachment_can_go_until_a_step_after_it_completes(app, org):
    item = new_item(org)  # the writer started it and has no open step now
    writer, csrf = _login(app, "writer_a")
    upload(writer, csrf, item.instance_id, filename="补充材料.pdf")
    upload(writer, csrf, item.instance_id, filename="再补充.pdf")
    first, second = db.session.query(Attachment).order_by(Attachment.id).all()
    assert first.task_id is None
    assert writer.post(f"/attachments/{first.token}/delete", data={"csrf_token": csrf}).status_code == 302

    clock.advance(timedelta(minutes=5))
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    refused = writer.post(f"/attachments/{second.token}/delete", data={"csrf_token": csrf},
                          headers={"Accept": "application/json"})
    assert refused.status_code == 409 and "上传后事项已有环节办理" in refused.get_json()["message"]


def test_a_rolled_back_upload_leaves_no_file(app, org, files_dir):
    item, compose = _draft(org)
    instance = db.session.get(ProcessInstance, item.instance_id)
    file = FileStorage(io.BytesIO(PDF), filename="春耕数据.pdf")
    operations.add(instance, org.users["writer_a"], file, compose)
    assert len(stored_files(files_dir)) == 1  # written before the transaction's end...
    db.session.rollback()
    assert stored_files(files_dir) == []  # ...and gone with it
    assert db.session.query(Attachment).count() == 0


def test_an_upload_whose_insert_fails_in_the_database_leaves_no_file(app, org, files_dir, monkeypatch):
    item, _compose = _draft(org)
    writer, csrf = _login(app, "writer_a")
    upload(writer, csrf, item.instance_id)
    taken = db.session.query(Attachment).one().token
    # The next token collides with the stored one: the database refuses the row after the file was written.
    monkeypatch.setattr(operations, "secrets", SimpleNamespace(token_urlsafe=lambda _n: taken))
    answer = upload(writer, csrf, item.instance_id, filename="第二份.pdf", json=True)
    assert answer.status_code == 409
    assert db.session.query(Attachment).count() == 1
    assert len(stored_files(files_dir)) == 1


@pytest.mark.parametrize("committed", [True, False])
def test_a_removed_file_goes_only_when_the_removal_commits(app, org, files_dir, committed):
    item, _compose = _draft(org)
    writer, csrf = _login(app, "writer_a")
    upload(writer, csrf, item.instance_id)
    attachment = db.session.query(Attachment).one()
    operations.remove(attachment, org.users["writer_a"])
    assert len(stored_files(files_dir)) == 1
    db.session.commit() if committed else db.session.rollback()
    assert len(stored_files(files_dir)) == (0 if committed else 1)
