"""Users, units, roles and who may see what."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="auth", label="用户与登录",
    models=("webapp.auth.models",),
    blueprints=(("webapp.auth.views:bp", ""),),
    services={"org": "webapp.auth.org:service"},
)

