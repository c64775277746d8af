"""Decision supervision (决策督查): yearly key-task ledgers, checkpoint progress reports, the leaders' lights."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="keytasks", label="决策督查",
    models=("webapp.keytasks.models",),
    blueprints=(("webapp.keytasks.views:bp", "/keytasks"),),
    routes=("webapp.keytasks.import_views", "webapp.keytasks.circular_views", "webapp.keytasks.project_views"),
    process_keys={"key_task": ("keytask", "keytask"), "special_project": ("keytask", "keytask"),
                  "key_task_circular": ("keytask", "keytask")},
    forms="webapp.keytasks.process:forms",
    projectors={"key_task": "webapp.keytasks.process:project_report",
                "special_project": "webapp.keytasks.projects:project_row",
                "key_task_circular": "webapp.keytasks.circulars:project_circular"},
    task_pages={"key_task": "webapp.keytasks.views:task_subject",
                "special_project": "webapp.keytasks.project_views:task_subject",
                "key_task_circular": "webapp.keytasks.circular_views:task_subject"},
    visibility={"key_task": "webapp.keytasks.queries:visible_instance",
                "special_project": "webapp.keytasks.projects:visible_instance",
                "key_task_circular": "webapp.keytasks.circulars:visible_instance"},
    links={"key_task": "webapp.keytasks.queries:link_for_instance",
           "special_project": "webapp.keytasks.projects:link_for_instance",
           "key_task_circular": "webapp.keytasks.circulars:link_for_instance"},
    page_extras={"supervision.cockpit": "webapp.keytasks.views:cockpit_panel"},
    services={"project_units": "webapp.keytasks.project_units:service"},
    handlers=("handlers.keytasks",),
    setup="webapp.keytasks.process:init_app",
)
