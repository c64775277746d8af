"""A request id on every log line, RQ job and audit entry: taken from a sane `X-Request-ID`, else made here.

The id lives in a context variable: bound for each request (and echoed in the response header), carried into the
RQ jobs the request enqueues (`job.meta["request_id"]`, through `TracedQueue`), and bound again by the worker
while it runs such a job, so its log lines and the audit entries it writes name the request that caused them.
"""
import logging
import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, request
from rq import Queue

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")  # what a proxy's id looks like; nothing to inject in a log
META_KEY = "request_id"

_current = ContextVar("govflow_request_id", default=None)


def current():
    return _current.get()


def new_id():
    return uuid.uuid4().hex


def from_header(value):
    return value if value and SANE.fullmatch(value) else None


@contextmanager
def bound(request_id=None):
    """Run a block (an RQ job, a command) under `request_id`, or a fresh one."""
    token = _current.set(request_id or new_id())
    try:
        yield _current.get()
    finally:
        _current.reset(token)


# --- requests ------------------------------------------------------------------------------------------------------

def _bind_request():
    g.ops_request_token = _current.set(from_header(request.headers.get(HEADER)) or new_id())


def _echo(response):
    if current():
        response.headers[HEADER] = current()
    return response


def _unbind(_exc=None):
    token = g.pop("ops_request_token", None)
    if token is not None:
        _current.reset(token)


def init_app(app):
    app.before_request(_bind_request)
    app.after_request(_echo)
    app.teardown_request(_unbind)
    install_log_records()


# --- log records ---------------------------------------------------------------------------------------------------

def install_log_records():
    """Every log record of the process gets `request_id` (None outside a request or job), whatever handler
    formats it: gunicorn's, RQ's, or ours."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "govflow_request_ids", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = _current.get()
        return record

    factory.govflow_request_ids = True
    logging.setLogRecordFactory(factory)


# --- RQ jobs -------------------------------------------------------------------------------------------------------

class TracedQueue(Queue):
    """An rq Queue whose jobs carry the request id of the code enqueueing them (repeating jobs, the sweep, do not:
    they belong to no one request)."""

    def create_job(self, *args, **kwargs):
        request_id = current()
        if request_id and kwargs.get("repeat") is None:
            kwargs["meta"] = {**(kwargs.get("meta") or {}), META_KEY: request_id}
        return super().create_job(*args, **kwargs)


def of_job(job):
    return (job.meta or {}).get(META_KEY)
