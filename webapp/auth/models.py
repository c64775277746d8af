"""Units (a tree) and users with their roles and secrecy clearance; failed-login counts per account name; the
password and session policy with each user's past password hashes."""
from functools import cache

from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.core import clock
from webapp.core.roles import ADMIN_ROLES, ROLES
from webapp.core.types import UTCDateTime
from webapp.extensions import db

UNIT_KINDS = {
    "province": "省",
    "city": "市",
    "county": "县（区）",
    "township": "乡镇（街道）",
    "department": "市直部门",
    "office": "内设机构",
}


class Unit(db.Model):
    __tablename__ = "units"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(64), unique=True, nullable=False)
    name = db.Column(db.String(128), nullable=False)
    kind = db.Column(db.String(16), nullable=False)
    # Office sub-units (信息处/督查室/总值班室) carry a function tag.
    function = db.Column(db.String(16))
    parent_id = db.Column(db.Integer, db.ForeignKey("units.id"), index=True)
    parent = db.relationship("Unit", remote_side=[id], foreign_keys=[parent_id], backref="children")
    # 直报点: the unit may also submit its information straight to this higher information office (docs/editorial.md).
    direct_report_unit_id = db.Column(db.Integer, db.ForeignKey("units.id"))
    direct_report_unit = db.relationship("Unit", remote_side=[id], foreign_keys=[direct_report_unit_id])
    # Units are deactivated, never deleted: steps, items and the audit log of the past still name them.
    is_active_unit = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())

    def office(self, function):
        """This unit's internal office with the given function, or None."""
        return next((c for c in self.children if c.function == function), None)

    def upward_info_unit(self):
        """Where this unit submits information: the parent's information office (or the parent)."""
        parent = self.parent
        if parent is None:
            return None
        if parent.kind == "office":
            parent = parent.parent
        return parent.office("info") or parent

    def __repr__(self):
        return f"<Unit {self.code}>"


_ADMIN_ROLE_SQL = db.text("role IN (" + ", ".join(f"'{code}'" for code in ADMIN_ROLES) + ")")

user_roles = db.Table(
    "user_roles",
    db.Column("user_id", db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    db.Column("role", db.String(16), primary_key=True),
    # 三员分立 in the database too: at most one of the three administrator roles per account (docs/security.md).
    db.Index("uq_user_roles_one_admin_role", "user_id", unique=True,
             postgresql_where=_ADMIN_ROLE_SQL, sqlite_where=_ADMIN_ROLE_SQL),
)


class UserRole(db.Model):
    __table__ = user_roles


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), unique=True, nullable=False)
    name = db.Column(db.String(64), nullable=False, index=True)  # the user list is ordered and paged by it
    password_hash = db.Column(db.String(256), nullable=False)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False, index=True)
    unit = db.relationship("Unit")
    clearance = db.Column(db.SmallInteger, nullable=False, default=0)
    is_active_user = db.Column(db.Boolean, nullable=False, default=True)
    # 服务账号: another system's account (docs/api.md). It never signs in — no password, no single sign-on — and
    # acts only through the access tokens an administrator issues for it.
    is_service = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    # Where notices reach the user outside the system (docs/notifications.md); empty: in-app only.
    email = db.Column(db.String(254))
    mobile = db.Column(db.String(32))
    role_rows = db.relationship("UserRole", cascade="all, delete-orphan", lazy="selectin")
    # Part of the id kept in every session and remember cookie: raising it (logout, password change) ends
    # every session of the user on every machine at once.
    session_version = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # Set when an administrator resets the password: the next password login goes to 修改密码 and nowhere else.
    must_change_password = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    # When the password was last set (NULL: before this was kept, so its age is unknown and counts as expired
    # once the policy sets an expiry).
    password_changed_dt = db.Column(UTCDateTime())

    @property
    def is_active(self):
        return self.is_active_user

    @property
    def roles(self):
        return {r.role for r in self.role_rows}

    @roles.setter
    def roles(self, codes):
        unknown = set(codes) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles: {sorted(unknown)}")
        if len(set(codes) & set(ADMIN_ROLES)) > 1:
            raise ValueError("an account holds at most one of the three administrator roles")
        self.role_rows = [UserRole(role=c) for c in sorted(set(codes))]

    def has_role(self, code):
        return code in self.roles

    def get_id(self):
        """Flask-Login's alternative id: a cookie made before the version was raised names no user."""
        return f"{self.id}:{self.session_version}"

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)
        self.password_changed_dt = clock.now()

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    @property
    def role_labels(self):
        return "、".join(ROLES[r] for r in sorted(self.roles))

    def __repr__(self):
        return f"<User {self.username}>"


@cache
def dummy_password_hash():
    """A hash made like real ones, checked for unknown names so they cost a login the same time."""
    return generate_password_hash("not a password of anyone")


class LoginThrottle(db.Model):
    """Recent failed logins of one account name, known or not (so a lockout tells nothing about who exists)."""

    __tablename__ = "login_throttles"

    username = db.Column(db.String(64), primary_key=True)
    failures = db.Column(db.Integer, nullable=False, default=0)
    first_failure_dt = db.Column(UTCDateTime(), nullable=False)
    locked_until_dt = db.Column(UTCDateTime())


class PasswordHistory(db.Model):
    """A password a user had before (its hash only), so the policy can refuse it again."""

    __tablename__ = "password_history"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    password_hash = db.Column(db.String(256), nullable=False)
    replaced_dt = db.Column(UTCDateTime(), nullable=False)


class SecurityPolicy(db.Model):
    """The password and session policy the 安全保密管理员 sets; one row (id 1), absent until first saved, so that
    every web process and worker reads the same values. Absent: the defaults from the configuration."""

    __tablename__ = "security_policies"

    id = db.Column(db.Integer, primary_key=True)
    password_min_length = db.Column(db.Integer, nullable=False)
    password_min_kinds = db.Column(db.Integer, nullable=False)
    password_history = db.Column(db.Integer, nullable=False)
    password_max_age_days = db.Column(db.Integer, nullable=False)
    session_idle_minutes = db.Column(db.Integer, nullable=False)
    updated_dt = db.Column(UTCDateTime(), nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
