"""Files follow the transaction: one written in it is deleted unless it commits; one removed goes only once it does."""
import logging

from webapp.core.hooks import listen_on_session
from webapp.extensions import db

log = logging.getLogger(__name__)

_WRITTEN = "govflow_attachment_files_written"  # session.info key: [(backend, key)] to undo unless committed
_DOOMED = "govflow_attachment_files_doomed"  # session.info key: [(backend, key)] to delete after commit


def written(backend, key):
    """A file was stored for a row of the current transaction."""
    db.session.info.setdefault(_WRITTEN, []).append((backend, key))


def doomed(backend, key):
    """A file's row was marked deleted in the current transaction."""
    db.session.info.setdefault(_DOOMED, []).append((backend, key))


def _delete(files, why):
    for backend, key in files:
        try:
            backend.delete(key)
        except Exception:  # the row is the truth; a file left behind is only wasted space
            log.exception("could not delete attachment file %s (%s)", key, why)


def _after_commit(session):
    session.info.pop(_WRITTEN, None)
    _delete(session.info.pop(_DOOMED, None) or [], "removed")


def _after_transaction_end(session, transaction):
    if transaction.parent is not None:
        return
    # Still listed here: the transaction rolled back or was closed without a commit.
    _delete(session.info.pop(_WRITTEN, None) or [], "transaction not committed")
    session.info.pop(_DOOMED, None)


_LISTENERS = (("after_commit", _after_commit), ("after_transaction_end", _after_transaction_end))


def install():
    listen_on_session(_LISTENERS)
