"""Readiness checks behind /readyz: database, Redis (when configured), migrations at head, next year's calendar.

Each check answers only "ok" or "fail"; why it failed goes to the log, never to the (unauthenticated) caller.
"""
import logging

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text

from webapp.config import ROOT
from webapp.core import clock
from webapp.extensions import db

log = logging.getLogger(__name__)

OK, FAIL = "ok", "fail"
CALENDAR_WARN_MONTH = 11  # 国务院办公厅 publishes next year's arrangement in late autumn (docs/calendar.md)
REDIS_TIMEOUT_SECONDS = 2

_script_heads = None  # the migration heads of this checkout: read once per process


def code_heads():
    """The Alembic head revisions shipped with this code."""
    global _script_heads
    if _script_heads is None:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(ROOT / "migrations"))
        _script_heads = frozenset(ScriptDirectory.from_config(config).get_heads())
    return _script_heads


def database_heads():
    """The revisions the database is stamped with (empty when it never ran `flask db upgrade`)."""
    with db.engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


def check_database():
    db.session.execute(text("SELECT 1"))
    db.session.rollback()


def check_redis():
    from redis import Redis

    Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=REDIS_TIMEOUT_SECONDS,
                   socket_connect_timeout=REDIS_TIMEOUT_SECONDS).ping()


def check_migrations():
    if database_heads() != code_heads():
        raise RuntimeError(f"database at {sorted(database_heads())}, code at {sorted(code_heads())}")


def calendar_covers(year):
    from webapp.workcal.queries import load_calendar

    covered = load_calendar().covers(year)
    db.session.rollback()
    return covered


def _run(name, check):
    try:
        check()
        return OK
    except Exception:
        log.warning("readiness check %s failed", name, exc_info=True)
        db.session.rollback()
        return FAIL


def readiness():
    """(ready, checks, warnings): checks maps each name to ok/fail; warnings name what needs an admin soon."""
    checks = {"database": _run("database", check_database)}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _run("redis", check_redis)
    checks["migrations"] = _run("migrations", check_migrations) if checks["database"] == OK else FAIL
    return all(v == OK for v in checks.values()), checks, calendar_warnings() if checks["database"] == OK else []


def calendar_warnings():
    """From November on, next year's holidays must be entered: a warning, never a failure (every node would fail
    together and take the site down over a data chore)."""
    today = clock.local_today()
    try:
        if today.month >= CALENDAR_WARN_MONTH and not calendar_covers(today.year + 1):
            return ["calendar_next_year"]
        if not calendar_covers(today.year):
            return ["calendar_this_year"]
    except Exception:
        log.warning("readiness: calendar coverage could not be read", exc_info=True)
        db.session.rollback()
    return []
