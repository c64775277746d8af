"""A local receiver (http.server in a thread on 127.0.0.1), allowlisted for the test; the deliverer stopped
after it."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webapp.extensions import db
from webapp.webhooks import dispatch
from webapp.webhooks.models import WebhookDelivery


class Receiver:
    """What the server received, in order; it answers each request with the next of `answers` (then 200)."""

    def __init__(self):
        self.requests = []  # (path, headers dict, body bytes)
        self.answers = []
        self._arrived = threading.Condition()

    def wait_for(self, count, timeout=15):
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.requests) >= count, timeout=timeout)
        return list(self.requests)

    def json(self, index):
        return json.loads(self.requests[index][2])


def _handler(receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = receiver.answers.pop(0) if receiver.answers else 200
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(("好" if status < 300 else "坏" * 800).encode())
            with receiver._arrived:
                receiver.requests.append((self.path, dict(self.headers.items()), body))
                receiver._arrived.notify_all()

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def receiver(app):
    rx = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(rx))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    rx.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/govflow?src=test"
    before = app.config.get("WEBHOOK_ALLOW_HOSTS")
    app.config["WEBHOOK_ALLOW_HOSTS"] = "127.0.0.1"
    try:
        yield rx
    finally:
        dispatch.stop(app)
        app.config["WEBHOOK_ALLOW_HOSTS"] = before
        server.shutdown()
        server.server_close()


def wait_for_row(delivery_id, state, attempts, timeout=15):
    """The delivery row once the deliverer (its own thread and session) committed `state` after `attempts`."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        row = db.session.get(WebhookDelivery, delivery_id)
        if row is not None and (row.state, row.attempts) == (state, attempts) or time.monotonic() > deadline:
            return row
        time.sleep(0.05)
