"""The process designer: edit, validate, version and deploy BPMN in the browser."""


def init_app(app):
    from webapp.engine.diagram import diagram_state

    from .catalog import TIMER_KINDS

    app.jinja_env.globals.update(diagram_state=diagram_state, timer_kinds=TIMER_KINDS)
