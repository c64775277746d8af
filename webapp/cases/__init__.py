"""Leader-instruction cases (领导批示件): registered, assigned, handled and reviewed under deadlines."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="cases", label="领导批示件",
    models=("webapp.cases.models",),
    blueprints=(("webapp.cases.views:bp", "/cases"),),
    process_keys={"instruction_case": ("case", "case")},
    forms="webapp.cases.process:forms",
    projectors={"instruction_case": "webapp.cases.process:project_case"},
    task_pages={"instruction_case": "webapp.cases.views:task_subject"},
    visibility={"instruction_case": "webapp.cases.queries:visible_instance"},
    links={"instruction_case": "webapp.cases.queries:link_for_instance"},
    services={"deadlines": "webapp.cases.deadlines:service"},
    handlers=("handlers.cases",),
    receivers=(("calendar_year_ready", "webapp.cases.operations:on_calendar_year_ready"),),
    setup="webapp.cases.process:init_app",
)

