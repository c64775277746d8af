"""Commissioned requests (约稿): an upper office asks chosen units for items on a topic by a deadline."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="commissions", label="约稿",
    models=("webapp.commissions.models",),
    blueprints=(("webapp.commissions.views:bp", "/commissions"),),
    projectors={"info_report": "webapp.commissions.operations:project_answer"},  # after the item's own
)

