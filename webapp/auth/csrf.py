"""CSRF protection for every state-changing request: a per-session token in a form field or header."""
import hmac
import secrets

from flask import abort, request, session

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def token():
    if "csrf_token" not in session:
        session["csrf_token"] = secrets.token_urlsafe(32)
    return session["csrf_token"]


def _check():
    if request.method in SAFE_METHODS or not request.endpoint:
        return
    if request.path.startswith("/api/v1/") and (
            request.headers.get("Authorization", "").lower().startswith("bearer ") or "_user_id" not in session):
        # Judged by its token alone (webapp/api/bearer.py: a cross-site page cannot set the header), or by nobody:
        # without a signed-in session there is no one to forge a request for, and the API answers 401.
        return
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf_token", "")
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, description="页面已过期，请刷新后重试。")


def init_app(app):
    app.before_request(_check)
    app.jinja_env.globals["csrf_token"] = token
