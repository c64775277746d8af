"""Template filters: times shown in Asia/Shanghai, codes shown as Chinese labels."""
from flask_login import current_user

from webapp.auth.roles import IMPORTANCE_LEVELS, ROLES, SECRECY_LEVELS, URGENCY_LEVELS
from webapp.engine.clock import LOCAL_TZ


def local_dt(value, fmt="%Y-%m-%d %H:%M"):
    return value.astimezone(LOCAL_TZ).strftime(fmt) if value else ""


def init_app(app):
    app.jinja_env.filters["local_dt"] = local_dt
    app.jinja_env.filters["role_label"] = lambda code: ROLES.get(code, code)
    app.jinja_env.filters["secrecy_label"] = lambda v: SECRECY_LEVELS.get(int(v or 0), v)
    app.jinja_env.filters["urgency_label"] = lambda v: URGENCY_LEVELS.get(v, v)
    app.jinja_env.filters["importance_label"] = lambda v: IMPORTANCE_LEVELS.get(v, v)

    @app.context_processor
    def inbox_count():
        if not current_user.is_authenticated:
            return {}
        from webapp.inbox.queries import todo_count

        return {"todo_count": todo_count(current_user)}
