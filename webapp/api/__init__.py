"""JSON API: the same operations as the pages, answered as JSON."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="api", label="接口",
    blueprints=(("webapp.api.views:bp", "/api"),),
)

