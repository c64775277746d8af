"""The supervision office's desk (督查室): every open instruction case at a glance, urging, the leader view."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="supervision", label="督查台",
    blueprints=(("webapp.supervision.views:bp", "/supervision"),),
)

