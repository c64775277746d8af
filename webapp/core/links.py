"""Paths to pages, built from the URL map (never by hand), in a request and in a background job alike.

In a request this is `url_for`. Outside one (an RQ job, a timer firing a handler) the app's URL map is bound to
`SERVER_NAME` (or "localhost": only the path is returned) under `APPLICATION_ROOT`, so a link made by a job is
the same path a page would make. External messages put `NOTICE_BASE_URL` in front.
"""
from flask import current_app, has_request_context, url_for

from . import hooks


def path_for(endpoint, **values):
    """The path of `endpoint` with `values`, e.g. path_for("cases.detail", case_id=3) -> "/cases/3"."""
    if has_request_context():
        return url_for(endpoint, **values)
    config = current_app.config
    adapter = current_app.url_map.bind(config.get("SERVER_NAME") or "localhost",
                                       script_name=config.get("APPLICATION_ROOT") or "/",
                                       url_scheme=config.get("PREFERRED_URL_SCHEME") or "http")
    return adapter.build(endpoint, values)


def instance_page(process_key, instance_id):
    """The page of an instance, as its domain builds it (`hooks.instance_link`), or the generic item page."""
    return hooks.ask(hooks.instance_link, process_key, instance_id=instance_id) or path_for(
        "inbox.item", instance_id=instance_id)
