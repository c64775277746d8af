"""The process designer: edit, validate, version and deploy BPMN in the browser."""


def init_app(app):
    """The timer kinds' labels for the instance diagram (a constant; the diagram's state is passed in by the view,
    `queries.instance_diagram`, so no page restores a workflow while it renders)."""
    from .catalog import TIMER_KINDS

    app.jinja_env.globals.update(timer_kinds=TIMER_KINDS)
