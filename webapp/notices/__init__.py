"""Notices (消息提醒): what the system tells a unit's role or one user, in the app and over external channels."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="notices", label="消息提醒",
    models=("webapp.notices.models",),
    blueprints=(("webapp.notices.views:bp", "/notices"),),
    services={"notices": "webapp.notices.operations:sender_for"},
    receivers=(("task_opened", "webapp.notices.events:task_opened"),),
    setup="webapp.notices:init_app",
)



def init_app(app):
    """Check the channels' configuration and hand deliveries on after commit."""
    from . import channels, dispatch

    channels.check(app.config)
    dispatch.init_app(app)
