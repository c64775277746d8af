"""Channels that carry notices out of the system: email over SMTP built in, SMS and government IM as adapters.

A channel is a class with a `name`, `address_of(user)` and `deliver(address, subject, text)`; it is built
with its name and the app's configuration. Which channels are on is `NOTICE_CHANNELS`; the class of
channel `x` is the dotted path in `NOTICE_ADAPTER_X`, so a site plugs in its own gateway without touching
GovFlow (docs/notifications.md).
"""
import importlib
import logging
import os
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from webapp.config import ConfigError

log = logging.getLogger(__name__)


class Channel:
    """What every channel is: built with its name and the app's config; `deliver` raises when it failed."""

    def __init__(self, name, config):
        self.name = name
        self.config = config

    def address_of(self, user):
        """Where `user` is reached on this channel, or None (then nothing is sent to them here)."""
        raise NotImplementedError

    def deliver(self, address, subject, text):
        """Send one message; any exception is recorded on the delivery and the delivery is tried again."""
        raise NotImplementedError


class EmailChannel(Channel):
    """Email over SMTP: MAIL_SERVER, MAIL_PORT, MAIL_USE_SSL / MAIL_USE_TLS, MAIL_USERNAME, MAIL_PASSWORD, MAIL_FROM."""

    def address_of(self, user):
        return user.email or None

    def _port(self):
        if self.config.get("MAIL_PORT"):
            return int(self.config["MAIL_PORT"])
        if self.config.get("MAIL_USE_SSL"):
            return 465
        return 587 if self.config.get("MAIL_USE_TLS") else 25

    def message(self, address, subject, text):
        msg = EmailMessage()  # non-ASCII headers are encoded (RFC 2047), the body as UTF-8
        msg["From"] = self.config["MAIL_FROM"]
        msg["To"] = address
        msg["Subject"] = subject
        msg["Message-ID"] = make_msgid(domain="govflow")
        msg.set_content(text, charset="utf-8")
        return msg

    def deliver(self, address, subject, text):
        host, timeout = self.config["MAIL_SERVER"], float(self.config.get("MAIL_TIMEOUT") or 10)
        if not host:
            raise ConfigError("MAIL_SERVER is not set")
        smtp_class = smtplib.SMTP_SSL if self.config.get("MAIL_USE_SSL") else smtplib.SMTP
        with smtp_class(host, self._port(), timeout=timeout) as smtp:
            if self.config.get("MAIL_USE_TLS") and not self.config.get("MAIL_USE_SSL"):
                smtp.starttls()
            if self.config.get("MAIL_USERNAME"):
                smtp.login(self.config["MAIL_USERNAME"], self.config.get("MAIL_PASSWORD") or "")
            smtp.send_message(self.message(address, subject, text))


class LoggingChannel(Channel):
    """The default adapter for SMS and government IM: logs what it would send, delivers nothing.

    The address is the user's mobile number on "sms" and the username elsewhere (an IM account is usually
    the login name); a site's adapter overrides `address_of` when its accounts differ.
    """

    def address_of(self, user):
        return (user.mobile if self.name == "sms" else user.username) or None

    def deliver(self, address, subject, text):
        log.info("notice via %s (logging adapter, nothing sent) to %s: %s | %s", self.name, address, subject, text)


def names(config):
    """The enabled channel names, in order: NOTICE_CHANNELS, or "email" when only MAIL_SERVER is set."""
    listed = config.get("NOTICE_CHANNELS")
    if listed is None:
        return ["email"] if config.get("MAIL_SERVER") else []
    return list(dict.fromkeys(n.strip().lower() for n in listed.split(",") if n.strip()))


def adapter_path(name, config):
    key = f"NOTICE_ADAPTER_{name.upper()}"
    return config.get(key) or os.environ.get(key)


def _load(path, name):
    module_name, _, class_name = (path or "").rpartition(".")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ConfigError(f"notice channel {name!r}: adapter {path!r} cannot be imported: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Channel)):
        raise ConfigError(f"notice channel {name!r}: {path!r} is not a webapp.notices.channels.Channel")
    return cls


def enabled(config):
    """{name: channel} for every enabled channel; ConfigError when one has no usable adapter."""
    channels = {}
    for name in names(config):
        path = adapter_path(name, config)
        if not path:
            raise ConfigError(f"notice channel {name!r} has no adapter: set NOTICE_ADAPTER_{name.upper()}")
        channels[name] = _load(path, name)(name, config)
    return channels


def check(config):
    """At start-up: fail fast on a channel without a usable adapter or email without a server."""
    channels = enabled(config)
    if "email" in channels and isinstance(channels["email"], EmailChannel) and not config.get("MAIL_SERVER"):
        raise ConfigError("NOTICE_CHANNELS lists email but MAIL_SERVER is not set")
    return channels

