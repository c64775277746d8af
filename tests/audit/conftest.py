"""Audit fixtures: the sealer stopped, or run as the embedded default's thread."""
import pytest

from webapp.audit import sealer


@pytest.fixture
def no_sealer(monkeypatch):
    """A sealer that is not running: commits append, nothing seals."""
    monkeypatch.setattr(sealer, "request", lambda: None)


@pytest.fixture
def sealing_thread(app):
    """The embedded default's mode: a sealing thread woken after each commit; stopped before the tables are emptied."""
    saved = app.config["AUDIT_SEALER"]
    app.config["AUDIT_SEALER"] = "thread"
    try:
        yield app
    finally:
        sealer.stop(app)
        app.config["AUDIT_SEALER"] = saved
