"""Attachments (附件) on items and steps: files kept outside the database, served only to who may see the item."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="attachments", label="附件",
    models=("webapp.attachments.models",),
    blueprints=(("webapp.attachments.views:bp", "/attachments"),),
    page_extras={page: "webapp.attachments.queries:page_extras"  # the panel on every page of an instance
                 for page in ("reports.detail", "cases.detail", "emergencies.detail", "inbox.task", "inbox.item")},
    setup="webapp.attachments:init_app",
)



def init_app(app):
    """Check the limits and storage configuration, follow transactions for files.

    Pages pass the attachment panel in (`queries.page_panel`) as `attachment_panel`; no template queries it."""
    from . import limits, pending_files, storage

    limits.check_config(app.config)
    storage.check(app)
    pending_files.install()

