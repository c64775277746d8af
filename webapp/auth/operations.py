"""Logging in with a per-account lockout, ending every session of a user, changing a password, setting the
password and session policy."""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, g
from sqlalchemy.dialects import postgresql, sqlite
from werkzeug.security import check_password_hash

from webapp import audit
from webapp.core import clock
from webapp.core.formats import local_dt
from webapp.extensions import db

from .models import LoginThrottle, PasswordHistory, SecurityPolicy, User, dummy_password_hash
from .queries import FIELDS, KINDS, policy

# Past hashes kept per user: the most the policy page lets the history be.
MAX_HISTORY = 24

WRONG_CREDENTIALS = "用户名或密码错误。"


@dataclass
class LoginResult:
    user: User | None = None
    error: str | None = None
    locked: bool = False


def attempt_login(username, password):
    """Check a username and password; count a failure against the name and lock it after too many.

    Known and unknown names take the same path and the same time: an unknown name is checked against a dummy
    hash, counts failures and gets locked like a real one. The caller commits (the audit entries go with it).
    """
    now = clock.now()
    throttle = _throttle_row(username)
    if throttle is not None and throttle.locked_until_dt and throttle.locked_until_dt > now:
        audit.record("auth.login_locked", summary=f"登录被拒绝（账号已临时锁定）：用户名 {username}",
                     username=username, detail={"username": username, "until": throttle.locked_until_dt})
        return LoginResult(error=locked_message(throttle.locked_until_dt), locked=True)
    user = db.session.query(User).filter_by(username=username).one_or_none()
    matches = check_password_hash(user.password_hash if user else dummy_password_hash(), password)
    if user is not None and matches and user.is_active and not user.is_service:
        if throttle is not None:
            db.session.delete(throttle)
        return LoginResult(user=user)
    audit.record("auth.login_failed", summary=f"登录失败：用户名 {username}", user=user, username=username,
                 detail={"username": username})
    locked_until, just_locked = _count_failure(username, now)
    if just_locked:
        audit.record("auth.account_locked", summary=f"连续登录失败，账号临时锁定至 {local_dt(locked_until)}：用户名 "
                     f"{username}", user=user, username=username, detail={"username": username, "until": locked_until})
    if locked_until is not None:
        return LoginResult(error=locked_message(locked_until), locked=True)
    return LoginResult(error=WRONG_CREDENTIALS)


def locked_message(until):
    return f"该账号连续登录失败次数过多，已临时锁定，请于 {local_dt(until)} 后再试。"


def _throttle_row(username, for_update=False):
    query = db.session.query(LoginThrottle).filter_by(username=username)
    if for_update:
        query = query.populate_existing().with_for_update()
    return query.one_or_none()


def _count_failure(username, now):
    """Add one failure to the name's window; returns (the lock's end or None, whether this failure locked it)."""
    cfg = current_app.config
    window = timedelta(minutes=cfg["LOGIN_LOCKOUT_WINDOW_MINUTES"])
    # Two failures at once must both count: create the row if missing, then lock it and add.
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(LoginThrottle)
    db.session.execute(insert.values(username=username, failures=0, first_failure_dt=now)
                       .on_conflict_do_nothing(index_elements=["username"]))
    throttle = _throttle_row(username, for_update=True)
    if throttle.first_failure_dt <= now - window or (throttle.locked_until_dt and throttle.locked_until_dt <= now):
        throttle.failures, throttle.first_failure_dt, throttle.locked_until_dt = 0, now, None
    throttle.failures += 1
    just_locked = throttle.locked_until_dt is None and throttle.failures >= cfg["LOGIN_LOCKOUT_FAILURES"]
    if just_locked:
        throttle.locked_until_dt = now + timedelta(minutes=cfg["LOGIN_LOCKOUT_MINUTES"])
    db.session.flush()
    return throttle.locked_until_dt, just_locked


def end_all_sessions(user):
    """Every session and remember cookie of `user`, on any browser or machine, stops naming the user."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def change_password(user, new_password):
    """Set the new password, keep the old hash for the history rule, lift a forced change, end every session."""
    db.session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash, replaced_dt=clock.now()))
    db.session.flush()
    stale = (db.session.query(PasswordHistory.id).filter_by(user_id=user.id)
             .order_by(PasswordHistory.replaced_dt.desc(), PasswordHistory.id.desc()).offset(MAX_HISTORY))
    db.session.query(PasswordHistory).filter(PasswordHistory.id.in_(stale.scalar_subquery())) \
        .delete(synchronize_session=False)
    user.set_password(new_password)
    user.must_change_password = False
    end_all_sessions(user)
    audit.record("auth.password_changed", summary="修改密码（其他会话全部失效）", user=user)


def save_policy(values, by):
    """Store the password and session policy (`values` as the policy form loads them) for every process."""
    row = db.session.get(SecurityPolicy, 1)
    before = policy()
    if row is None:
        row = SecurityPolicy(id=1)
        db.session.add(row)
    for name in FIELDS:
        setattr(row, name, values[name])
    row.updated_dt, row.updated_by_id = clock.now(), by.id
    db.session.flush()
    g.pop("security_policy", None)
    changes = {name: [getattr(before, name), values[name]] for name in FIELDS if getattr(before, name) != values[name]}
    audit.record("auth.policy_changed", summary="修改密码与会话安全策略：" + describe(values), target_type="policy",
                 target_id=1, detail={"changes": changes})


def describe(values):
    expiry = f"{values['password_max_age_days']} 天" if values["password_max_age_days"] else "不过期"
    history = (f"不得与最近 {values['password_history']} 个密码相同" if values["password_history"]
               else "不检查历史密码")
    return (f"密码至少 {values['password_min_length']} 位、{values['password_min_kinds']} 类字符（{'/'.join(KINDS)}），"
            f"{history}，有效期{expiry}；空闲 {values['session_idle_minutes']} 分钟退出登录")


def log_out(user):
    """退出登录: every session of the user ends (the request then forgets its own)."""
    audit.record("auth.logout", summary="退出登录", user=user)
    end_all_sessions(user)


def check_old_password(user, password):
    """Whether `password` is the user's current one (修改密码); a wrong one is recorded. The caller commits."""
    if user.check_password(password):
        return True
    audit.record("auth.password_change_failed", summary="修改密码失败：原密码不正确", user=user)
    return False


def refuse_sso(reason, username=None):
    """A single sign-on the app refused (provider error, or nobody of that name here), for the audit log."""
    audit.record("auth.sso_refused", summary=f"统一身份认证登录被拒绝：{username or reason}", username=username,
                 detail={"reason": reason, "username": username})


def note_rate_limited(address, path):
    """The login attempts of a client address were refused for coming too fast (one entry per address a minute)."""
    audit.record("auth.rate_limited", summary=f"登录尝试过于频繁，已限制来源地址 {address}", detail={"path": path})
