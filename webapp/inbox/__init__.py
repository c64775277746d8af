"""The task inbox of each user and the generic task page."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="inbox", label="待办与任务页",
    models=("webapp.inbox.models",),
    blueprints=(("webapp.inbox.views:bp", ""),),
    routes=("webapp.inbox.verb_routes",),  # the verbs' routes join the inbox blueprint
    services={"history": "webapp.inbox.history:service"},
)

