"""Administration: deployed processes, incidents, the demo clock."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="admin", label="流程管理",
    blueprints=(("webapp.admin.views:bp", "/admin"),),
)

