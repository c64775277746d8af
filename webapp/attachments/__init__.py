"""Attachments (附件) on items and steps: files kept outside the database, served only to who may see the item."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="attachments", label="附件",
    models=("webapp.attachments.models",),
    blueprints=(("webapp.attachments.views:bp", "/attachments"),),
    setup="webapp.attachments:init_app",
)



def init_app(app):
    """Check the limits and storage configuration, follow transactions for files, offer the panel to templates."""
    from . import limits, pending_files, storage

    limits.check_config(app.config)
    storage.check(app)
    pending_files.install()
    app.jinja_env.globals["attachment_panel"] = panel


def panel(instance, task=None):
    """The attachment panel's context for the signed-in user (`instance` or its id; `task` when on a step's page)."""
    from flask import current_app
    from flask_login import current_user

    from . import limits, queries
    from .models import size_label

    config = current_app.config
    return {**queries.panel(current_user, instance, task), "extensions": limits.extensions(config),
            "max_size": size_label(int(config["ATTACHMENT_MAX_BYTES"]))}
