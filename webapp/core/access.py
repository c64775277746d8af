"""Role checks for views."""
from functools import wraps

from flask_login import current_user, login_required

from webapp.core.errors import NotAllowed


def role_required(*roles):
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.roles & set(roles):
                raise NotAllowed("您没有执行此操作的权限。")
            return view(*args, **kwargs)

        return wrapped

    return decorate
