"""The organisation every creating form needs, and attachments kept under a temporary directory."""
import pytest

from tests.idempotency.forms import build_org


@pytest.fixture
def org():
    return build_org()


@pytest.fixture(autouse=True)
def files_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_DIR", str(tmp_path / "attachments"))
