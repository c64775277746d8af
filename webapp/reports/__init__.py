"""Information reporting (信息报送): items, their forms and their pages."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="reports", label="信息报送",
    models=("webapp.reports.models",),
    blueprints=(("webapp.reports.views:bp", "/reports"),),
    # compose, first save and 作废; 转报 — they join the reports blueprint
    routes=("webapp.reports.draft_views", "webapp.reports.forward_views"),
    process_keys={"info_report": ("info", "emergency")},  # an item sent 特急 is 紧急信息 in the inbox
    forms="webapp.reports.process:forms",
    projectors={"info_report": "webapp.reports.process:project_item"},
    task_pages={"info_report": "webapp.reports.views:task_subject"},
    visibility={"info_report": "webapp.reports.queries:visible_instance"},
    links={"info_report": "webapp.reports.queries:link_for_instance"},
    handlers=("handlers.reports",),
)

