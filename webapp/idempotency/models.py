"""A one-time key of a creating request: whose, for which URL and payload, and what the first answer was."""
from webapp.core import clock
from webapp.core.types import UTCDateTime
from webapp.extensions import db


class IdempotencyKey(db.Model):
    """Inserted in the transaction that creates the thing, so a repeat of the request finds it (or waits for it on
    the unique index) and answers with the first result instead of creating again."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (db.UniqueConstraint("user_id", "key"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    key = db.Column(db.String(100), nullable=False)
    endpoint = db.Column(db.String(255), nullable=False)  # the path posted to, ids included
    fingerprint = db.Column(db.String(64), nullable=False)  # sha256 of the payload: a reused key must match it
    location = db.Column(db.String(1000))  # a page's form: where the first post redirected to
    response_status = db.Column(db.Integer)  # an API call: the first answer, replayed as it was
    response_body = db.Column(db.Text)
    created_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now, index=True)  # pruned after N days
