"""Shared notice test steps."""
import time

from webapp.extensions import db
from webapp.notices.models import NoticeDelivery


def wait_for_state(delivery_id, states, timeout=15):
    """The delivery row once its state is one of `states` (or when `timeout` seconds passed)."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        row = db.session.get(NoticeDelivery, delivery_id)
        if row.state in states or time.monotonic() > deadline:
            return row
        time.sleep(0.1)
