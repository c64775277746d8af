"""Step latency and SQL statements per step: `observe` is the engine's `observe_step` around each submit.

Statements are counted by a listener on every SQLAlchemy engine that counts only while a step is measured in
this thread (a context variable), so other requests and threads are not mixed in.
"""
import time
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

from webapp.extensions import db

_statements = ContextVar("govflow_step_statements", default=None)


def _count(conn, cursor, statement, parameters, context, executemany):
    counter = _statements.get()
    if counter is not None:
        counter[0] += 1


def install():
    if not event.contains(Engine, "before_cursor_execute", _count):
        event.listen(Engine, "before_cursor_execute", _count)


def _task_row(task_row_id):
    """The task row, loaded before the step and held for it: the step's own first read of it then costs no
    query, so the statement count is the step's, and the row's labels are at hand afterwards."""
    from webapp.engine.models import HumanTask

    try:
        return db.session.get(HumanTask, task_row_id)
    except Exception:  # a malformed id: the step itself fails on it the same way
        return None


@contextmanager
def observe(task_row_id):
    """Around one submit (`engine.configure(observe_step=observe)`): its duration and statements by process and
    step, with its outcome."""
    from .metrics import STEP_SECONDS, STEP_STATEMENTS

    counter = [0]
    token = _statements.set(counter)
    start = time.perf_counter()
    row = _task_row(task_row_id)
    labels = (row.process_key, row.step_key) if row is not None else ("unknown", "unknown")
    outcome = "error"
    try:
        yield
        outcome = "ok"
    finally:
        elapsed = time.perf_counter() - start
        _statements.reset(token)
        STEP_SECONDS.labels(*labels, outcome).observe(elapsed)
        STEP_STATEMENTS.labels(*labels, outcome).observe(counter[0])
