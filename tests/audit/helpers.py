"""Shared audit test steps: read the log back and run `flask audit verify` as an operator would."""
import time

from sqlalchemy import func, select, text

from webapp.audit.models import AuditEntry
from webapp.extensions import db


def entries(**filters):
    """The entries in chain order, those not sealed yet after them in the order they were appended."""
    db.session.expire_all()
    query = db.session.query(AuditEntry).filter_by(**filters)
    return query.order_by(AuditEntry.seq.is_(None), AuditEntry.seq, AuditEntry.id).all()


SEALED_WITHIN = 5.0  # seconds allowed in a test (the sealer's aim is one second; the test machine is shared)


def unsealed():
    db.session.rollback()
    return db.session.execute(select(func.count()).where(AuditEntry.seq.is_(None))).scalar()


def wait_until_sealed(timeout=SEALED_WITHIN):
    """Seconds it took until no entry was left unsealed; fails after `timeout`."""
    started = time.monotonic()
    while unsealed():
        assert time.monotonic() - started < timeout, f"{unsealed()} entries still unsealed after {timeout} s"
        time.sleep(0.02)
    return time.monotonic() - started


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
