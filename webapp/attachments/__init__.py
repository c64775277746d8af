"""Attachments (附件) on items and steps: files kept outside the database, served only to who may see the item."""


def init_app(app):
    """Check the limits and storage configuration, follow transactions for files.

    Pages pass the attachment panel in (`queries.page_panel`) as `attachment_panel`; no template queries it."""
    from . import limits, pending_files, storage

    limits.check_config(app.config)
    storage.check(app)
    pending_files.install()

