"""Emergency information (紧急信息): timed reports from the event, relays, follow-ups and the record."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="emergencies", label="紧急信息",
    models=("webapp.emergencies.models",),
    blueprints=(("webapp.emergencies.views:bp", "/emergencies"),),
    process_keys={"emergency_report": ("emergency", "emergency"), "emergency_followup": ("emergency", "emergency")},
    forms="webapp.emergencies.process:forms",
    projectors={"emergency_report": "webapp.emergencies.process:project_emergency",
                "emergency_followup": "webapp.emergencies.process:project_followup"},
    task_pages={"emergency_report": "webapp.emergencies.views:task_subject",
                "emergency_followup": "webapp.emergencies.views:task_subject"},
    done_messages={"emergency_report": "webapp.emergencies.views:done_message"},
    visibility={"emergency_report": "webapp.emergencies.queries:visible_instance",
                "emergency_followup": "webapp.emergencies.queries:visible_followup_instance"},
    links={"emergency_report": "webapp.emergencies.queries:link_for_instance",
           "emergency_followup": "webapp.emergencies.queries:link_for_followup_instance"},
    services={"emergencies": "webapp.emergencies.services:service"},
    handlers=("handlers.emergencies",),
    setup="webapp.emergencies.limits:check_config",
)

