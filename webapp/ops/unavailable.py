"""A database that cannot be reached (restarting, failing over) answers 503 with Retry-After, not a 500.

Clients and load balancers retry a 503; nothing was done, since the transaction never committed.
"""
import logging

from flask import make_response
from sqlalchemy.exc import OperationalError

from webapp.core.responses import respond
from webapp.extensions import db

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = "系统暂时无法访问数据库，请稍后重试。"


def _database_unavailable(exc):
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: the pool replaces it on the next checkout
        log.debug("rollback after a lost database connection failed", exc_info=True)
    log.warning("database unavailable: %s", str(exc.orig or exc).splitlines()[0])
    response = make_response(respond(503, MESSAGE, "database_unavailable"))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app):
    app.register_error_handler(OperationalError, _database_unavailable)
