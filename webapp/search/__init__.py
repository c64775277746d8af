"""One search box over items, cases and emergencies (number, title, text), scoped exactly like their lists."""
from webapp.core.domain import Domain

DOMAIN = Domain(
    name="search", label="搜索",
    models=("webapp.search.models",),
    blueprints=(("webapp.search.views:bp", "/search"),),
)
