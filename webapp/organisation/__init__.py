"""系统管理 → 单位 / 用户 / 角色: the unit tree, user accounts, role grants and clearances, handing work over."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="organisation", label="单位与用户管理",
    models=("webapp.organisation.models",),
    blueprints=(("webapp.organisation.views:bp", "/admin"),
                ("webapp.organisation.import_views:bp", "/admin/organisation")),
)

