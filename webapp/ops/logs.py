"""Log output: JSON lines (LOG_FORMAT=json) or plain text lines (LOG_FORMAT=text), each naming its request id.

Unset LOG_FORMAT leaves logging as Python, Flask and the test runner set it up (development). The level is
LOG_LEVEL (default INFO). gunicorn's own lines (workers starting, timeouts) keep gunicorn's format. Timestamps
are the machine's real time in UTC: a log line says when it was written, whatever the demo clock says.
"""
import logging
import sys
import time

from pythonjsonlogger.json import JsonFormatter

FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(process)d"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
HANDING_OVER = ("rq.worker", "rq.scheduler")  # loggers with a handler of their own that should use ours


class _UTCText(logging.Formatter):
    converter = time.gmtime


class _UTCJson(JsonFormatter):
    converter = time.gmtime


def formatter(kind):
    if kind == "json":
        return _UTCJson(JSON_FIELDS, datefmt=DATE_FORMAT, json_ensure_ascii=False,
                        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"})
    return _UTCText(TEXT_FORMAT, datefmt=DATE_FORMAT)


def configure(kind, level="INFO", stream=None):
    """Send every log record of the process to `stream` (stderr: journald keeps it) in `kind` format."""
    if kind not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {kind!r}")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(kind))
    handler.govflow_handler = True
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "govflow_handler", False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in HANDING_OVER:
        # rq's command line gave its loggers a text handler before the app existed; from now on they go through
        # this one (once, in this format) instead of both.
        logging.getLogger(name).handlers = []
    return handler
