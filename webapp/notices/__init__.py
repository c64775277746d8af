"""Notices (消息提醒): what the system tells a unit's role or one user, in the app and over external channels."""


def init_app(app):
    """Check the channels' configuration, listen for opened tasks, hand deliveries on after commit."""
    from . import channels, dispatch, events

    channels.check(app.config)
    events.init_app(app)
    dispatch.init_app(app)
