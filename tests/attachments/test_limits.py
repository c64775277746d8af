"""What may be uploaded: size, extension, and content that matches the extension; a refusal stores nothing."""
import pytest

from tests.attachments.conftest import stored_files, upload
from tests.helpers import new_item
from tests.web_helpers import login
from webapp.attachments.models import Attachment
from webapp.extensions import db

MB = 1024 * 1024
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 56
ZIP = b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 56


@pytest.fixture
def verifier(app, org):
    item = new_item(org)
    client = app.test_client()
    return client, login(client, "verifier_a"), item


def _nothing_stored(files_dir):
    assert db.session.query(Attachment).count() == 0
    assert stored_files(files_dir) == []


@pytest.mark.parametrize(("filename", "data"), [
    ("报告.pdf", b"%PDF-1.7\n%%EOF\n"),
    ("电子公文.ofd", ZIP),
    ("说明.doc", OLE2), ("说明.wps", OLE2), ("台账.xls", OLE2), ("台账.et", OLE2), ("汇报.ppt", OLE2),
    ("说明.docx", ZIP), ("台账.xlsx", ZIP), ("汇报.pptx", ZIP), ("材料.zip", ZIP),
    ("现场.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"), ("现场.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ("纪要.txt", "会议纪要：一、春耕进展顺利。".encode()),
    ("纪要（国标）.txt", "会议纪要：春耕进展顺利。".encode("gb18030")),
])
def test_the_allowed_types_with_matching_content_are_stored(verifier, filename, data):
    client, csrf, item = verifier
    answer = upload(client, csrf, item.instance_id, filename=filename, data=data, json=True)
    assert answer.status_code == 201, answer.get_json()
    token = answer.get_json()["attachment"]["token"]
    assert client.get(f"/attachments/{token}").data == data


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("setup.exe", EXE, "不支持的文件类型 .exe"),
    ("通知.pdf", EXE, "文件内容与扩展名不符"),
    ("台账.xlsx", EXE, "文件内容与扩展名不符"),
    ("说明.doc", ZIP, "文件内容与扩展名不符"),
    ("现场.png", b"%PDF-1.4\n", "文件内容与扩展名不符"),
    ("纪要.txt", EXE, "文件内容与扩展名不符"),
    ("脚本.html", b"<script>alert(1)</script>", "不支持的文件类型 .html"),
    ("无扩展名", b"%PDF-1.4\n", "不支持的文件类型（文件名没有扩展名）"),
    ("空文件.pdf", b"", "文件是空的"),
])
def test_other_types_and_renamed_files_are_refused(verifier, files_dir, filename, data, message):
    client, csrf, item = verifier
    answer = upload(client, csrf, item.instance_id, filename=filename, data=data, json=True)
    assert answer.status_code in (415, 422)
    assert answer.get_json()["message"].startswith(message)
    page = upload(client, csrf, item.instance_id, filename=filename, data=data).get_data(as_text=True)
    assert message in page  # a person reads the same reason
    _nothing_stored(files_dir)


def test_a_file_at_the_limit_is_stored_and_one_byte_more_is_refused(app, verifier, files_dir):
    client, csrf, item = verifier
    limit = app.config["ATTACHMENT_MAX_BYTES"]
    assert limit == 20 * MB
    over = upload(client, csrf, item.instance_id, data=b"%PDF-1.4\n" + b"\x00" * (limit - 8), json=True)
    assert over.status_code == 413 and over.get_json()["message"] == "文件过大（上限 20 MB）"
    _nothing_stored(files_dir)

    at_limit = upload(client, csrf, item.instance_id, data=b"%PDF-1.4\n" + b"\x00" * (limit - 9), json=True)
    assert at_limit.status_code == 201 and at_limit.get_json()["attachment"]["size"] == limit


def test_a_huge_upload_is_cut_early_with_the_chinese_message(app, verifier, files_dir):
    client, csrf, item = verifier
    huge = b"%PDF-1.4\n" + b"\x00" * app.config["MAX_CONTENT_LENGTH"]
    page = upload(client, csrf, item.instance_id, data=huge)
    assert page.status_code == 413 and "文件过大（上限 20 MB）" in page.get_data(as_text=True)
    answer = upload(client, csrf, item.instance_id, data=huge, json=True)
    assert answer.status_code == 413
    assert answer.get_json() == {"error": "too_large", "message": "文件过大（上限 20 MB）"}
    _nothing_stored(files_dir)


def test_an_upload_without_a_file_or_without_the_csrf_token_is_refused(verifier, files_dir):
    client, csrf, item = verifier
    empty = client.post(f"/attachments/instance/{item.instance_id}", data={"csrf_token": csrf},
                        headers={"Accept": "application/json"})
    assert empty.status_code == 422 and empty.get_json()["message"] == "请选择要上传的文件。"
    forged = upload(client, "forged", item.instance_id)
    assert forged.status_code == 400
    _nothing_stored(files_dir)
