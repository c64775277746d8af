"""Access tokens for other systems (个人访问令牌): stored as a SHA-256 of the secret, shown once."""
from webapp.core.types import UTCDateTime
from webapp.extensions import db

SCOPES = {"read": "只读", "act": "办理", "admin": "管理"}


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    user = db.relationship("User")
    name = db.Column(db.String(80), nullable=False)
    prefix = db.Column(db.String(16), nullable=False)  # the first characters, shown to tell tokens apart
    secret_hash = db.Column(db.String(64), nullable=False, unique=True)
    scopes = db.Column(db.JSON, nullable=False, default=list)
    created_dt = db.Column(UTCDateTime, nullable=False)
    expires_dt = db.Column(UTCDateTime, nullable=True)
    revoked_dt = db.Column(UTCDateTime, nullable=True)
    last_used_dt = db.Column(UTCDateTime, nullable=True)
    last_used_ip = db.Column(db.String(64), nullable=True)

    def state(self, now):
        if self.revoked_dt is not None:
            return "revoked"
        if self.expires_dt is not None and self.expires_dt <= now:
            return "expired"
        return "active"
