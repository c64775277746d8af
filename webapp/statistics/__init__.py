"""Overdue-case and emergency-fault reports, and the monthly 领导批示件月报表 of each handling unit."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="statistics", label="统计报表",
    models=("webapp.statistics.models",),
    blueprints=(("webapp.statistics.views:bp", "/statistics"),),
)

