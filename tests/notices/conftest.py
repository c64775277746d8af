"""Notice fixtures: a real SMTP server in this process (aiosmtpd) and the app configured to mail through it."""
import socket
import threading
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from webapp.notices import dispatch


class Mailbox:
    """What the SMTP server received; with `refuse`, every recipient is refused (550) and only counted."""

    def __init__(self):
        self.messages = []
        self.refused = []  # when each refused RCPT came (time.monotonic())
        self.refuse = False
        self._arrived = threading.Condition()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            with self._arrived:
                self.refused.append(time.monotonic())
                self._arrived.notify_all()
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=15, refused=False):
        """Wait until `count` messages (or refusals) arrived; returns them."""
        seen = self.refused if refused else self.messages
        with self._arrived:
            self._arrived.wait_for(lambda: len(seen) >= count, timeout=timeout)
        return list(seen)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    mailbox.port = controller.port
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def mail_app(app, smtp):
    """The session app mailing through `smtp` (email is then the one channel on); the deliverer stopped after."""
    keys = ("MAIL_SERVER", "MAIL_PORT", "NOTICE_CHANNELS", "NOTICE_BASE_URL", "NOTICE_RETRY_SECONDS",
            "NOTICE_MAX_ATTEMPTS", "TIMER_SWEEP_SECONDS")
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, NOTICE_CHANNELS=None,
                      NOTICE_BASE_URL="https://govflow.example.gov.cn")
    try:
        yield app
    finally:
        dispatch.stop(app)
        app.config.update(saved)


@pytest.fixture
def client(app):
    return app.test_client()
