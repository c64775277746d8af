"""Login (password or single sign-on), logout, 修改密码 and the 安全策略 page; the login POST is limited per client
address."""
import math
import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_required, logout_user
from limits import parse as parse_limit
from marshmallow import ValidationError

from webapp.core.access import role_required
from webapp.extensions import db, limiter, login_manager
from webapp.inputs.urls import safe_target

from . import oidc, operations, sessions
from .models import SecurityPolicy, User
from .queries import FIELDS, must_change_password, policy, user_for_request
from .schemas import ChangePasswordSchema, LoginSchema, SecurityPolicySchema

bp = Blueprint("auth", __name__)
bp.before_app_request(sessions.end_if_idle)
bp.before_app_request(sessions.hold_on_password_page)
NOT_ENROLLED = "该账号未在本系统开通，请联系系统管理员。"


@login_manager.user_loader
def load_user(alternative_id):
    """The user a session names, if the session is as recent as the user's last logout or password change."""
    user_id, _, version = alternative_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None  # a cookie from before sessions carried a version
    user = user_for_request(int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    from webapp.core.responses import respond, wants_json

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
    from webapp.core.responses import respond, wants_json

    current = limiter.current_limit
    seconds = int(current.reset_at - time.time()) if current else 60  # as the Retry-After header counts them
    minutes = max(1, math.ceil(seconds / 60))
    message = f"登录尝试过于频繁，请 {minutes} 分钟后再试。"
    if limiter.limiter.hit(_AUDIT_REFUSALS, "auth.rate_limited", request.remote_addr or ""):
        operations.note_rate_limited(request.remote_addr, request.path)
        db.session.commit()
    if wants_json() or request.endpoint != "auth.login":
        return respond(429, message, "too_many_requests")
    return _login_page(message), 429


def _login_page(error):
    return render_template("auth/login.html", error=error, sso=oidc.enabled(),
                           next=safe_target(request.args.get("next"), None))


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
                sessions.start(result.user, "password", "登录")
                db.session.commit()
                reason = must_change_password(result.user)
                if reason:
                    flash(sessions.FORCED_REASONS[reason], "error")
                    return redirect(url_for("auth.password"))
                return redirect(target)
    return _login_page(error), status


@bp.route("/login/sso")
def sso_start():
    """统一身份认证登录: off to the identity provider, which comes back to sso_callback."""
    if not oidc.enabled():
        abort(404)
    target = safe_target(request.args.get("next"), url_for("inbox.todo"))
    if current_user.is_authenticated:
        return redirect(target)
    try:
        return redirect(oidc.authorization_url(url_for("auth.sso_callback", _external=True), target))
    except oidc.SignOnError as exc:
        return _sso_refused(exc.message, exc.reason)


@bp.route("/login/sso/callback")
def sso_callback():
    if not oidc.enabled():
        abort(404)
    try:
        username, target = oidc.finish(request.args, url_for("auth.sso_callback", _external=True))
    except oidc.SignOnError as exc:
        return _sso_refused(exc.message, exc.reason)
    # Only someone GovFlow already knows, by the exact username; nobody is created from a provider's word.
    user = db.session.query(User).filter_by(username=username).one_or_none()
    if user is None or not user.is_active or user.is_service:
        return _sso_refused(NOT_ENROLLED, "no active user of that name", username=username)
    sessions.start(user, "sso", "统一身份认证登录")
    db.session.commit()
    return redirect(safe_target(target, url_for("inbox.todo")))


def _sso_refused(message, reason, username=None):
    operations.refuse_sso(reason, username)
    db.session.commit()
    return _login_page(message), 401


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    operations.log_out(current_user._get_current_object())
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
            if not operations.check_old_password(current_user, form["old_password"]):
                errors = {"old_password": ["原密码不正确。"]}
                db.session.commit()
            else:
                operations.change_password(current_user, form["new_password"])
                db.session.commit()
                logout_user()
                flash("密码已修改，所有已登录的会话均已退出，请用新密码重新登录。")
                return redirect(url_for("auth.login"))
    return render_template("auth/password.html", errors=errors, rules=policy(),
                           held=sessions.held_reason() is not None), (422 if errors else 200)


@bp.route("/admin/security", methods=["GET", "POST"])
@role_required("secadmin")
def security_policy():
    """安全策略: the password rule, history, expiry and the idle timeout, set by the 安全保密管理员."""
    errors, values = {}, {name: getattr(policy(), name) for name in FIELDS}
    if request.method == "POST":
        try:
            form = SecurityPolicySchema().load(request.form.to_dict())
        except ValidationError as exc:
            errors, values = exc.messages, {**values, **request.form.to_dict()}
        else:
            operations.save_policy(form, by=current_user)
            db.session.commit()
            flash("安全策略已保存，对所有用户立即生效。")
            return redirect(url_for("auth.security_policy"))
    saved = db.session.get(SecurityPolicy, 1)
    return render_template("auth/policy.html", values=values, errors=errors, saved=saved), (422 if errors else 200)
