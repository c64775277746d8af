"""The audit trail: who did what, when and from where, in an append-only, hash-chained log."""
import os

from webapp.core.domain import Domain

from .operations import record, record_view

__all__ = ["DOMAIN", "init_app", "record", "record_view"]

DOMAIN = Domain(
    name="audit", label="审计日志",
    models=("webapp.audit.models",),
    blueprints=(("webapp.audit.views:bp", "/admin/audit"),),
    setup="webapp.audit:init_app",
)


def init_app(app):
    """Record every commit's queued entries (listeners on db.session) and add `flask audit`."""
    from . import operations
    from .cli import audit_cli

    app.config.setdefault("AUDIT_EXPORT_MAX_ROWS", int(os.environ.get("AUDIT_EXPORT_MAX_ROWS", "50000")))
    operations.install()
    app.cli.add_command(audit_cli)
