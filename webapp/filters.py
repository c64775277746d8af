"""Template filters: times shown in Asia/Shanghai, codes shown as Chinese labels."""
from flask_login import current_user

from webapp.core.formats import DECISIONS, iso_local, local_dt, secrecy_choices
from webapp.core.roles import IMPORTANCE_LEVELS, ROLES, SECRECY_LEVELS, URGENCY_LEVELS


def init_app(app):
    app.jinja_env.filters["local_dt"] = local_dt
    app.jinja_env.filters["iso_local"] = iso_local
    app.jinja_env.filters["role_label"] = lambda code: ROLES.get(code, code)
    app.jinja_env.filters["secrecy_label"] = lambda v: SECRECY_LEVELS.get(int(v or 0), v)
    app.jinja_env.filters["urgency_label"] = lambda v: URGENCY_LEVELS.get(v, v)
    app.jinja_env.filters["decision_label"] = lambda v: DECISIONS.get(v, v)
    app.jinja_env.filters["importance_label"] = lambda v: IMPORTANCE_LEVELS.get(v, v)
    app.jinja_env.globals["secrecy_choices"] = secrecy_choices

    # The one context processor that queries: four COUNTs for the navigation badges that every signed-in page
    # shows, and whether the user has an office's results to read (the menu lists them). Cheap, and the same on every
    # page, so no view passes them; anything a single page needs comes from its view (no template global queries the
    # database or restores a workflow).
    @app.context_processor
    def inbox_count():
        if not current_user.is_authenticated:
            return {}
        from webapp.inbox.queries import nav_counts
        from webapp.notices.queries import unread_count
        from webapp.scoring.queries import ranking_office

        counts = nav_counts(current_user)
        return {"todo_count": counts["todo"], "inbox_counts": counts, "notice_count": unread_count(current_user),
                "results_office": ranking_office(current_user) is not None}
