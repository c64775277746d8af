"""Units (a tree) and users with their roles and secrecy clearance."""
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db

from .roles import ROLES

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
    parent = db.relationship("Unit", remote_side=[id], backref="children")

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


user_roles = db.Table(
    "user_roles",
    db.Column("user_id", db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    db.Column("role", db.String(16), primary_key=True),
)


class UserRole(db.Model):
    __table__ = user_roles


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), unique=True, nullable=False)
    name = db.Column(db.String(64), nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False, index=True)
    unit = db.relationship("Unit")
    clearance = db.Column(db.SmallInteger, nullable=False, default=0)
    is_active_user = db.Column(db.Boolean, nullable=False, default=True)
    # Where notices reach the user outside the system (docs/notifications.md); empty: in-app only.
    email = db.Column(db.String(254))
    mobile = db.Column(db.String(32))
    role_rows = db.relationship("UserRole", cascade="all, delete-orphan", lazy="selectin")

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
        self.role_rows = [UserRole(role=c) for c in sorted(set(codes))]

    def has_role(self, code):
        return code in self.roles

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    @property
    def role_labels(self):
        return "、".join(ROLES[r] for r in sorted(self.roles))

    def __repr__(self):
        return f"<User {self.username}>"
