"""Webhooks (事件推送): an office's endpoints in other systems, told of its events by signed HTTP posts."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="webhooks", label="事件推送",
    models=("webapp.webhooks.models",),
    blueprints=(("webapp.webhooks.views:bp", "/admin/webhooks"),),
    receivers=(("task_opened", "webapp.webhooks.events:task_opened"),
               ("office_event", "webapp.webhooks.events:office_event")),
    setup="webapp.webhooks.dispatch:init_app",
)
