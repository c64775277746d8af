"""The password and session policy in force, and what it says of a user's password."""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, g
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash

from webapp.core import clock
from webapp.extensions import db

from .models import PasswordHistory, SecurityPolicy, User, UserRole

KINDS = ("大写字母", "小写字母", "数字", "特殊字符")


@dataclass(frozen=True)
class Policy:
    password_min_length: int
    password_min_kinds: int
    password_history: int
    password_max_age_days: int
    session_idle_minutes: int

    def rule_text(self):
        """The password rule as the 修改密码 page and its refusal word it."""
        text = f"新密码至少 {self.password_min_length} 位"
        if self.password_min_kinds > 1:
            text += f"，且须包含{'、'.join(KINDS)}中的至少{'二三四'[self.password_min_kinds - 2]}种"
        return text


FIELDS = tuple(Policy.__dataclass_fields__)


def policy():
    """The saved policy, else the configured defaults; read once per request (every request checks idleness)."""
    if "security_policy" not in g:
        row = db.session.get(SecurityPolicy, 1)
        cfg = current_app.config
        if row is None:
            g.security_policy = Policy(cfg["PASSWORD_MIN_LENGTH"], cfg["PASSWORD_MIN_KINDS"],
                                       cfg["PASSWORD_HISTORY"], cfg["PASSWORD_MAX_AGE_DAYS"],
                                       cfg["SESSION_IDLE_MINUTES"])
        else:
            g.security_policy = Policy(*(getattr(row, name) for name in FIELDS))
    return g.security_policy


def character_kinds(password):
    """How many of the four kinds of character (upper case, lower case, digit, other) the password uses."""
    return sum([any(c.isupper() for c in password), any(c.islower() for c in password),
                any(c.isdigit() for c in password), any(not c.isalnum() for c in password)])


def password_expired(user, rules=None):
    rules = rules or policy()
    if rules.password_max_age_days <= 0:
        return False
    changed = user.password_changed_dt
    return changed is None or clock.now() >= changed + timedelta(days=rules.password_max_age_days)


def must_change_password(user):
    """Why the user must change the password before anything else ("reset" or "expired"), or None."""
    if user.must_change_password:
        return "reset"
    if password_expired(user):
        return "expired"
    return None


def recently_used(user, password, rules=None):
    """Whether `password` is the user's current one or one of the previous (history - 1) ones."""
    rules = rules or policy()
    if rules.password_history <= 0:
        return False
    earlier = (db.session.query(PasswordHistory.password_hash).filter_by(user_id=user.id)
               .order_by(PasswordHistory.replaced_dt.desc(), PasswordHistory.id.desc())
               .limit(rules.password_history - 1).all())
    return any(check_password_hash(h, password) for h in [user.password_hash, *(row[0] for row in earlier)])


def person(user_id):
    """The user of that id, or None (the engine's `host.person`)."""
    return db.session.get(User, user_id) if user_id else None


def colleagues(unit_id, role, secrecy):
    """Who may take over a task of that unit, role and secrecy: active, cleared for it; by name."""
    return (
        db.session.query(User)
        .join(UserRole, UserRole.user_id == User.id)
        .filter(User.unit_id == unit_id, UserRole.role == role, User.is_active_user.is_(True),
                User.clearance >= secrecy)
        .order_by(User.name)
        .all()
    )


def user_for_request(user_id):
    """The user a request acts as, with their unit and roles in the same statement: every request needs them
    (access checks, the audit entry's actor), so none is a lazy load later; None when there is no such user."""
    return (db.session.query(User).options(joinedload(User.unit), joinedload(User.role_rows))
            .filter(User.id == user_id).one_or_none())
