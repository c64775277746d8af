"""Reads of idempotency keys."""
from webapp.extensions import db

from .models import IdempotencyKey


def find(user_id, key):
    return db.session.query(IdempotencyKey).filter_by(user_id=user_id, key=key).one_or_none()
