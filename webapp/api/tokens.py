"""Issuing, listing, revoking and resolving access tokens; every change is audited in the owner's name.

A token is `gf_` + 40 random url-safe characters. Only its SHA-256 is stored: the secret is shown once, when it is
issued, and a lost token is revoked and replaced, never recovered. A token acts as its owner with at most its
scopes (read: GET; act: 办理 and creating; admin: process definitions), and only while the owner is active.
"""
import hashlib
import secrets
from datetime import timedelta

from webapp import audit
from webapp.auth.models import User
from webapp.core import clock
from webapp.core.errors import FormInvalid, NotFound
from webapp.extensions import db

from .models import SCOPES, ApiToken

PREFIX = "gf_"
MAX_ACTIVE = 20  # per user
USE_WRITE_INTERVAL = timedelta(minutes=1)  # last use is written at most this often (no write per request)


def _digest(secret):
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue(user, name, scopes, days, issued_by=None):
    """A new token for `user` (issued by `issued_by`: the administrator, for a service account; else the user
    themself): returns (row, secret); the caller commits and shows the secret once."""
    scopes = sorted(set(scopes))
    if not scopes or any(s not in SCOPES for s in scopes):
        raise FormInvalid({"scopes": ["请至少选择一项有效的权限范围"]})
    if "admin" in scopes and "admin" not in user.roles:
        raise FormInvalid({"scopes": ["只有系统管理员可以申请“管理”权限的令牌"]})
    now = clock.now()
    active = [t for t in listed(user) if t.state(now) == "active"]
    if len(active) >= MAX_ACTIVE:
        raise FormInvalid({"name": [f"有效令牌已达 {MAX_ACTIVE} 个，请先吊销不用的令牌"]})
    secret = PREFIX + secrets.token_urlsafe(30)
    row = ApiToken(user_id=user.id, name=name, prefix=secret[:10], secret_hash=_digest(secret), scopes=scopes,
                   created_dt=now, expires_dt=now + timedelta(days=days) if days else None)
    db.session.add(row)
    db.session.flush()
    owner = "" if issued_by is None else f"为服务账号 {user.name}（{user.username}）"
    audit.record("api.token_issued",
                 summary=f"{owner}签发访问令牌“{name}”（{'、'.join(SCOPES[s] for s in scopes)}）",
                 target_type="api_token", target_id=row.id, user=issued_by or user,
                 detail={"name": name, "scopes": scopes, "expires": row.expires_dt, "prefix": row.prefix,
                         "owner": user.username})
    return row, secret


def listed(user):
    return db.session.query(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.created_dt.desc()).all()


def revoke(user, token_id, service=False):
    """The user's own token revoked — or with `service`, a service account's (the caller checked the admin)."""
    row = db.session.get(ApiToken, token_id)
    if row is None or (row.user_id != user.id if not service else not row.user.is_service):
        raise NotFound("令牌不存在。")
    if row.revoked_dt is None:
        row.revoked_dt = clock.now()
        owner = f"服务账号 {row.user.name} 的" if row.user_id != user.id else ""
        audit.record("api.token_revoked", summary=f"吊销{owner}访问令牌“{row.name}”", target_type="api_token",
                     target_id=row.id, user=user, detail={"name": row.name, "prefix": row.prefix,
                                                          "owner": row.user.username})
    return row


def on_credentials_reset(sender, user, actor, **kwargs):
    """An administrator reset the user's password: the user's tokens stop working too (whoever knew the password
    may have made one), each revoked in the actor's name. Tokens are for systems, made again after signing in."""
    now = clock.now()
    for row in db.session.query(ApiToken).filter(ApiToken.user_id == user.id, ApiToken.revoked_dt.is_(None)):
        row.revoked_dt = now
        audit.record("api.token_revoked", summary=f"重置密码时吊销 {user.name} 的访问令牌“{row.name}”",
                     target_type="api_token", target_id=row.id, user=actor,
                     detail={"name": row.name, "prefix": row.prefix, "owner": user.username,
                             "reason": "password_reset"})


def service_accounts():
    """Every service account, active first, with its tokens (newest first)."""
    accounts = (db.session.query(User).filter_by(is_service=True)
                .order_by(User.is_active_user.desc(), User.username).all())
    return [(account, listed(account)) for account in accounts]


def service_account(user_id):
    account = db.session.get(User, user_id)
    if account is None or not account.is_service:
        raise FormInvalid({"account_id": ["请选择服务账号"]})
    if not account.is_active:
        raise FormInvalid({"account_id": ["该服务账号已停用"]})
    return account


def resolve(secret, ip):
    """The active token of a presented secret, or None; its last use is brought up to date now and then."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    row = db.session.query(ApiToken).filter_by(secret_hash=_digest(secret)).one_or_none()
    now = clock.now()
    if row is None or row.state(now) != "active" or not row.user.is_active:
        return None
    if row.last_used_dt is None or now - row.last_used_dt >= USE_WRITE_INTERVAL or row.last_used_ip != ip:
        row.last_used_dt, row.last_used_ip = now, (ip or "")[:64]
        db.session.commit()
    return row
