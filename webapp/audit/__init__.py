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
    from webapp.config import ConfigError

    from . import operations, sealer
    from .cli import audit_cli

    app.config.setdefault("AUDIT_EXPORT_MAX_ROWS", int(os.environ.get("AUDIT_EXPORT_MAX_ROWS", "50000")))
    # Sealing (docs/audit.md "The chain"): who seals (rq / thread / inline; unset: rq with REDIS_URL, else thread),
    # how often the sealing thread looks without being woken, and how long an entry may wait unsealed before
    # `flask audit verify` reports it.
    app.config.setdefault("AUDIT_SEALER", os.environ.get("AUDIT_SEALER") or None)
    app.config.setdefault("AUDIT_SEAL_SECONDS", float(os.environ.get("AUDIT_SEAL_SECONDS", "1")))
    app.config.setdefault("AUDIT_UNSEALED_ALERT_SECONDS",
                          float(os.environ.get("AUDIT_UNSEALED_ALERT_SECONDS", "60")))
    if app.config["AUDIT_SEALER"] not in (None, *sealer.MODES):
        raise ConfigError(f"AUDIT_SEALER must be one of {', '.join(sealer.MODES)}")
    operations.install()
    app.cli.add_command(audit_cli)
