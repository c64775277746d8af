"""The process designer: edit, validate, version and deploy BPMN in the browser."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="designer", label="流程设计",
    blueprints=(("webapp.designer.views:bp", "/admin/designer"),),
    setup="webapp.designer:init_app",
)



def init_app(app):
    """The timer kinds' labels for the instance diagram (a constant; the diagram's state is passed in by the view,
    `queries.instance_diagram`, so no page restores a workflow while it renders)."""
    from .catalog import TIMER_KINDS

    app.jinja_env.globals.update(timer_kinds=TIMER_KINDS)
