"""Login, logout and 修改密码; the login POST is limited per client address."""
import math
import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_required, login_user, logout_user
from limits import parse as parse_limit
from marshmallow import ValidationError

from webapp import audit
from webapp.extensions import db, limiter, login_manager
from webapp.inputs.urls import safe_target

from . import operations
from .models import User
from .schemas import ChangePasswordSchema, LoginSchema

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(alternative_id):
    """The user a session names, if the session is as recent as the user's last logout or password change."""
    user_id, _, version = alternative_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None  # a cookie from before sessions carried a version
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    from webapp.errors import respond, wants_json

    if wants_json():
        return respond(401, "请先登录。", "unauthorized")
    return redirect(url_for("auth.login", next=request.full_path))


def _failed(response):
    """Only failed attempts count against the address: an office behind one NAT logs in at nine."""
    return response.status_code >= 400


_attempts = limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed)
# A flood of refused attempts writes one audit entry per address and minute, not one per request.
_AUDIT_REFUSALS = parse_limit("1 per minute")


@bp.errorhandler(RateLimitExceeded)
def too_many_attempts(exc):
    from webapp.errors import respond, wants_json

    current = limiter.current_limit
    seconds = int(current.reset_at - time.time()) if current else 60  # as the Retry-After header counts them
    minutes = max(1, math.ceil(seconds / 60))
    message = f"登录尝试过于频繁，请 {minutes} 分钟后再试。"
    if limiter.limiter.hit(_AUDIT_REFUSALS, "auth.rate_limited", request.remote_addr or ""):
        audit.record("auth.rate_limited", summary=f"登录尝试过于频繁，已限制来源地址 {request.remote_addr}",
                     detail={"path": request.path})
        db.session.commit()
    if wants_json() or request.endpoint != "auth.login":
        return respond(429, message, "too_many_requests")
    return render_template("auth/login.html", error=message), 429


@bp.route("/login", methods=["GET", "POST"])
@_attempts
def login():
    target = safe_target(request.args.get("next"), url_for("inbox.todo"))
    if current_user.is_authenticated:
        return redirect(target)
    error, status = None, 200
    if request.method == "POST":
        try:
            form = LoginSchema().load(request.form.to_dict())
        except ValidationError:
            error, status = "请输入用户名和密码。", 401
        else:
            result = operations.attempt_login(form["username"], form["password"])
            if result.user is None:
                error, status = result.error, (429 if result.locked else 401)
                db.session.commit()
            else:
                # Nothing a visitor put in the session before logging in carries over but the form token
                # (pages opened before the login keep working).
                csrf_token = session.get("csrf_token")
                session.clear()
                if csrf_token:
                    session["csrf_token"] = csrf_token
                login_user(result.user)
                audit.record("auth.login", summary="登录", user=result.user)
                db.session.commit()
                return redirect(target)
    return render_template("auth/login.html", error=error), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    audit.record("auth.logout", summary="退出登录")
    operations.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    flash("您已退出登录。")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
@_attempts
def password():
    errors = {}
    if request.method == "POST":
        try:
            form = ChangePasswordSchema().load(request.form.to_dict())
        except ValidationError as exc:
            errors = exc.messages
        else:
            if not current_user.check_password(form["old_password"]):
                errors = {"old_password": ["原密码不正确。"]}
                audit.record("auth.password_change_failed", summary="修改密码失败：原密码不正确")
                db.session.commit()
            else:
                operations.change_password(current_user, form["new_password"])
                db.session.commit()
                logout_user()
                flash("密码已修改，所有已登录的会话均已退出，请用新密码重新登录。")
                return redirect(url_for("auth.login"))
    return render_template("auth/password.html", errors=errors,
                           min_length=current_app.config["PASSWORD_MIN_LENGTH"]), (422 if errors else 200)
