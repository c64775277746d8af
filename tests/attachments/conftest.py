"""Attachment fixtures: files kept under a temporary ATTACHMENT_DIR, and uploads through the real form."""
import io
import re
from pathlib import Path

import pytest

from tests.web_helpers import once

PDF = b"%PDF-1.4\n% GOVFLOW-ATTACHMENT-MARKER-7f3a\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
MARKER = "GOVFLOW-ATTACHMENT-MARKER-7f3a"


@pytest.fixture(autouse=True)
def files_dir(app, tmp_path, monkeypatch):
    root = tmp_path / "attachments"
    monkeypatch.setitem(app.config, "ATTACHMENT_DIR", str(root))
    return root


@pytest.fixture
def client(app):
    return app.test_client()


def upload(client, csrf, instance_id, filename="春耕数据.pdf", data=PDF, json=False, **fields):
    headers = {"Accept": "application/json"} if json else {}
    return client.post(f"/attachments/instance/{instance_id}", headers=headers, content_type="multipart/form-data",
                       data={"csrf_token": csrf, **once(), "file": (io.BytesIO(data), filename), **fields})


def stored_files(root):
    """Every stored file under the attachment directory (the spool of unfinished uploads included)."""
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


def download_links(html):
    return re.findall(r'href="(/attachments/[^"/]+)" class="attachment-download"', html)
