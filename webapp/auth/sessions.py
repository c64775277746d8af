"""Starting a session after a login, ending it after the policy's idle time, and holding a user who must change the
password on 修改密码."""
import time

from flask import flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from webapp import audit
from webapp.extensions import db
from webapp.inputs.urls import safe_target

from .queries import must_change_password, policy

LAST_SEEN = "last_seen"
METHOD = "login_method"
TIMED_OUT = "登录已超时，请重新登录"
# What a user held on 修改密码 may still open: the page itself, logging out, and the files pages are made of.
OPEN_WHILE_HELD = {"auth.password", "auth.logout", "auth.login", "static", "vendor.asset"}
FORCED_REASONS = {"reset": "管理员已重置您的密码，请先修改密码。", "expired": "您的密码已过期，请先修改密码。"}


def start(user, method, summary):
    """Log `user` in on a fresh session, as a password login and a single sign-on both do; the caller commits."""
    # Nothing a visitor put in the session before logging in carries over but the form token (pages opened
    # before the login keep working).
    csrf_token = session.get("csrf_token")
    session.clear()
    if csrf_token:
        session["csrf_token"] = csrf_token
    login_user(user)
    session[LAST_SEEN] = _wall_clock()
    session[METHOD] = method
    audit.record("auth.login", summary=summary, user=user, detail={"method": method})


def _wall_clock():
    """Idleness is a person away from the keyboard, so it is measured on the machine's real time: moving the
    demo clock forward (or a test pinning the business clock days ahead) is not anyone being idle."""
    return int(time.time())


def end_if_idle():
    """Before every request: a session unused for longer than the policy's idle time is ended, whoever holds it."""
    if "_user_id" not in session or request.endpoint in ("static", "vendor.asset"):
        return None
    now, seen = _wall_clock(), session.get(LAST_SEEN)
    if seen is not None and now - seen > policy().session_idle_minutes * 60:
        user = current_user._get_current_object() if current_user.is_authenticated else None
        if user is not None:
            audit.record("auth.session_timeout", summary=f"空闲超过 {policy().session_idle_minutes} 分钟，会话已结束",
                         user=user)
            db.session.commit()
        logout_user()
        session.pop(LAST_SEEN, None)
        session.pop(METHOD, None)
        return _to_login(TIMED_OUT)
    session[LAST_SEEN] = now
    return None


def held_reason():
    """Why this session may open nothing but 修改密码 ("reset", "expired"), or None.

    Only a password login is held: after a single sign-on the identity provider's own password rules apply."""
    if not current_user.is_authenticated or session.get(METHOD) != "password":
        return None
    return must_change_password(current_user)


def hold_on_password_page():
    """Before every request: a password login whose password was reset or has expired opens only 修改密码."""
    if request.endpoint in OPEN_WHILE_HELD:
        return None
    reason = held_reason()
    if reason is None:
        return None
    from webapp.core.responses import respond, wants_json

    if wants_json():
        return respond(403, FORCED_REASONS[reason], "password_change_required")
    flash(FORCED_REASONS[reason], "error")
    return redirect(url_for("auth.password"))


def _to_login(message):
    from webapp.core.responses import respond, wants_json

    if wants_json():
        return respond(401, message, "session_timeout")
    flash(message, "error")
    target = safe_target(request.full_path if request.method == "GET" else None, None)
    return redirect(url_for("auth.login", next=target) if target else url_for("auth.login"))
