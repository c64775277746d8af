"""JSON API: the same operations as the pages, answered as JSON; /api/v1 (OpenAPI, tokens) is the public one."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="api", label="接口",
    models=("webapp.api.models",),
    blueprints=(("webapp.api.views:bp", "/api"), ("webapp.api.token_views:bp", None)),
    setup="webapp.api.openapi:init_app",
    receivers=(("credentials_reset", "webapp.api.tokens:on_credentials_reset"),),
)
