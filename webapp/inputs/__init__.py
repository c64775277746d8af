"""The shared input layer: base schemas and fields for forms, query strings and JSON bodies, and bounded URL ids.

Fields live in `fields.py`, the base schemas in `schemas.py`; `init_app` bounds what the URL map and the JSON
loader accept before any route is added.
"""
from .bodies import BoundedJSONProvider, BoundedRequest
from .urls import register


def init_app(app):
    register(app.url_map)  # before the blueprints add their rules
    app.json = BoundedJSONProvider(app)
    app.request_class = BoundedRequest
