"""Prometheus metrics: request latency, step latency and SQL statements per step, timer lag; the exposition.

With PROMETHEUS_MULTIPROC_DIR set (gunicorn, several RQ workers on one machine) prometheus-client keeps each
process's values in files of that directory and `/metrics` adds them up; without it, this process's values.
Gauges about the whole system (timers armed and due, queue depth, incidents, notices, audit chain) are not
kept here: `collector.SystemCollector` reads them from the database at scrape time, whichever process answers.
"""
import os
import time

from flask import g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Histogram, generate_latest
from sqlalchemy import inspect

from webapp.core.hooks import listen_on_session
from webapp.engine.models import Timer

from .collector import SystemCollector

REQUEST_SECONDS = Histogram(
    "govflow_http_request_duration_seconds", "Time to answer an HTTP request, by Flask endpoint.",
    ("endpoint", "method", "status"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
STEP_SECONDS = Histogram(
    "govflow_step_duration_seconds", "Time to complete a human task: lock, restore, run, engine steps, save, "
    "projection (before the commit).", ("process", "step", "outcome"),
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
STEP_STATEMENTS = Histogram(
    "govflow_step_sql_statements", "SQL statements sent while completing one human task.",
    ("process", "step", "outcome"), buckets=(5, 10, 20, 30, 50, 75, 100, 150, 250, 500, 1000))
TIMER_LAG_SECONDS = Histogram(
    "govflow_timer_lag_seconds", "How late a timer fired: committed fired time minus due time.", ("kind",),
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600))

_LAGS = "govflow_ops_timer_lags"  # session.info key: lags of timers fired in the current transaction


# --- request latency -----------------------------------------------------------------------------------------------

def _start_timer():
    g.ops_request_start = time.perf_counter()


def _observe_request(response):
    start = g.pop("ops_request_start", None)
    if start is not None:
        REQUEST_SECONDS.labels(request.endpoint or "unmatched", request.method,
                               str(response.status_code)).observe(time.perf_counter() - start)
    return response


# --- timer lag, observed when the transaction that fired the timers commits ----------------------------------------

def _after_flush(session, _flush_context):
    for obj in session.dirty:
        if isinstance(obj, Timer) and obj.state == "fired" and inspect(obj).attrs.state.history.has_changes():
            session.info.setdefault(_LAGS, []).append(
                (obj.kind, (obj.fired_dt - obj.due_dt).total_seconds()))


def _after_commit(session):
    for kind, lag in session.info.pop(_LAGS, ()):
        TIMER_LAG_SECONDS.labels(kind).observe(max(lag, 0.0))


def _after_transaction_end(session, transaction):
    if transaction.parent is None:  # a rollback: those timers did not fire
        session.info.pop(_LAGS, None)


_LISTENERS = (("after_flush", _after_flush), ("after_commit", _after_commit),
              ("after_transaction_end", _after_transaction_end))


def init_app(app):
    app.before_request(_start_timer)
    app.after_request(_observe_request)
    listen_on_session(_LISTENERS)


# --- exposition ----------------------------------------------------------------------------------------------------

class _ProcessMetrics:
    """This process's own metrics (single-process mode), as one more collector of a scrape's registry."""

    def collect(self):
        return REGISTRY.collect()


def multiprocess_dir():
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def scrape_registry():
    """A registry for one scrape: the processes' metrics and the system gauges read now."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessMetrics())
    registry.register(SystemCollector())
    return registry


def exposition():
    """(body, content type) of the text format."""
    return generate_latest(scrape_registry()), CONTENT_TYPE_LATEST
