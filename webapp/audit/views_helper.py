"""The one way a page showing a secret subject leaves its trace: `viewed(subject, user)` after rendering it."""
from webapp.extensions import db

from .operations import record_view


def viewed(subject, user):
    """Record that `user` was shown `subject` (an item, case, emergency, instance or task) when it is secret, and
    commit that entry; returns whether one was recorded. A public subject records nothing and commits nothing.

    Call it once the page is rendered: a page that failed to render was not seen.
    """
    if not record_view(subject, user):
        return False
    db.session.commit()
    return True
