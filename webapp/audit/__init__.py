"""The audit trail: who did what, when and from where, in an append-only, hash-chained log."""
import os

from .operations import record, record_view

__all__ = ["init_app", "record", "record_view"]


def init_app(app):
    """Record every commit's queued entries (listeners on db.session) and add `flask audit`."""
    from . import operations
    from .cli import audit_cli

    app.config.setdefault("AUDIT_EXPORT_MAX_ROWS", int(os.environ.get("AUDIT_EXPORT_MAX_ROWS", "50000")))
    operations.install()
    app.cli.add_command(audit_cli)
