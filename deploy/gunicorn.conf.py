"""gunicorn settings for GovFlow (deploy/systemd/govflow-web.service): `gunicorn -c deploy/gunicorn.conf.py`."""
import os

wsgi_app = "webapp:create_app()"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))  # about 2 per core; each holds a database pool
worker_class = "sync"
timeout = 60  # an export of a large month runs longest; nginx's proxy_read_timeout is the same
graceful_timeout = 30
keepalive = 5
accesslog = None  # nginx logs each request with the same X-Request-ID the application logs
errorlog = "-"
capture_output = True
forwarded_allow_ips = "127.0.0.1"  # the app reads X-Forwarded-* itself (GOVFLOW_PROXY_FIX)


def child_exit(server, worker):
    """A worker that exits leaves its metric files for the others to add up, marked dead (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
