"""China's working-day calendar and deadline arithmetic."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="workcal", label="工作日历",
    models=("webapp.workcal.models",),
    blueprints=(("webapp.workcal.views:bp", "/admin/calendar"),),
)

