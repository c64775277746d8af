"""Per-dialect database settings: SQLite waits for the write lock and uses WAL."""
from sqlalchemy import event

from webapp.extensions import db


def init_app(app):
    """After `db.init_app`: the engine options were read then (`config.load` sets them, SQLite's wait included)."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
