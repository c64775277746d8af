"""Shared audit test steps: read the log back and run `flask audit verify` as an operator would."""
from sqlalchemy import text

from webapp.audit.models import AuditEntry
from webapp.extensions import db


def entries(**filters):
    db.session.expire_all()
    return db.session.query(AuditEntry).filter_by(**filters).order_by(AuditEntry.seq).all()


def actions():
    return [e.action for e in entries()]


def verify_cli(app):
    """(exit code, output) of `flask audit verify`."""
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def sql(statement, **params):
    """Raw SQL, as someone with database access would tamper with the log."""
    db.session.execute(text(statement), params)
    db.session.commit()
