"""Scoring of information work (考核): versioned scoring tables, 批示 on adopted items, monthly ranking and 通报."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="scoring", label="考核计分",
    models=("webapp.scoring.models",),
    blueprints=(("webapp.scoring.views:bp", "/scoring"),),
    routes=("webapp.scoring.results_views",),
    page_extras={"reports.detail": "webapp.scoring.queries:item_page"},
)

