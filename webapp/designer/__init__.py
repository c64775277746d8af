"""The process designer: edit, validate, version and deploy BPMN in the browser."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="designer", label="流程设计",
    blueprints=(("webapp.designer.views:bp", "/admin/designer"),),
    setup="webapp.designer:init_app",
)



def init_app(app):
    from webapp.engine.diagram import diagram_state

    from .catalog import TIMER_KINDS

    app.jinja_env.globals.update(diagram_state=diagram_state, timer_kinds=TIMER_KINDS)
