"""Who calls /api/v1: a token in `Authorization: Bearer …`, or the browser session (then with its CSRF token).

A request carrying a bearer header is judged by the token alone (a bad token is 401 whatever cookie comes with
it), needs no CSRF token (a cross-site page cannot set the header) and starts no session.
"""
from functools import wraps

from flask import current_app, g, request
from flask_login import current_user

from webapp.core.errors import AppError, NotAllowed
from webapp.extensions import limiter

from . import tokens

ROLE_REFUSALS = {"admin": "只有系统管理员可以管理流程定义。"}


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


class ScopeMissing(AppError):
    status = 403
    code = "insufficient_scope"


def bearer_secret():
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else None


def authenticate():
    """Before every /api/v1 request."""
    g.api_token = None
    secret = bearer_secret()
    if secret is None:
        if not current_user.is_authenticated:
            raise Unauthorized("请先登录，或在 Authorization 头中提供有效的访问令牌。")
        return
    row = tokens.resolve(secret, request.remote_addr)
    if row is None:
        raise Unauthorized("访问令牌无效、已过期或已被吊销。")
    g._login_user = row.user  # Flask-Login's current_user for this request only; nothing goes in a session
    g.api_token = row


def token_key():
    """The rate limit's key: the token, else the session's user, else the address."""
    row = getattr(g, "api_token", None)
    if row is not None:
        return f"token:{row.id}"
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return request.remote_addr or ""


def requires(scope, role=None, refusal=None):
    """A token must carry `scope`, and the caller hold `role` when one is named (else 403 with `refusal`); a session
    acts with its user's own rights (the operations decide the rest). Put right under the route: it is judged before
    the body is read."""
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            row = getattr(g, "api_token", None)
            if row is not None and scope not in row.scopes:
                raise ScopeMissing(f"该访问令牌没有“{scope}”权限范围。", required_scope=scope)
            if role is not None and not current_user.has_role(role):
                raise NotAllowed(refusal or ROLE_REFUSALS.get(role, "您无权使用此接口。"))
            return view(*args, **kwargs)
        # Counted per token (or session user) once the caller is known: the limiter runs inside the view.
        return limiter.limit(_rate_limit, key_func=token_key)(wrapped)
    return decorate


def _rate_limit():
    return current_app.config["API_RATE_LIMIT"]
