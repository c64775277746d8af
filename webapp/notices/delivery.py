"""Deliveries of notices over external channels: one pending row per recipient and channel, one attempt at a time.

Writes here only flush: the request or job that called `send` commits, and the job or the in-process
deliverer that calls `attempt` commits each attempt (webapp/notices/dispatch.py).
"""
import logging
from datetime import timedelta

from flask import current_app

from webapp.config import ConfigError
from webapp.core import clock
from webapp.extensions import db

from . import channels, queries
from .models import NoticeDelivery

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 3600
SECRET_SUBJECT = "【GovFlow】您有一条非公开事项的新消息"
SECRET_TEXT = ("【GovFlow】您有一条非公开事项的新消息。按保密要求，标题和内容不通过邮件、短信、即时通信等外部渠道发送，"
               "请登录系统在“消息提醒”中查看。")


def create_for(notice):
    """Pending deliveries of `notice`: per recipient and enabled channel on which the recipient has an address."""
    enabled = channels.enabled(current_app.config)
    if not enabled:
        return []
    now = clock.now()
    rows = []
    for user in queries.recipients(notice):
        for name, channel in enabled.items():
            address = channel.address_of(user)
            if address:
                rows.append(NoticeDelivery(notice_id=notice.id, user_id=user.id, channel=name,
                                           address=str(address)[:256], state="pending", attempts=0,
                                           created_dt=now, next_attempt_dt=now))
    db.session.add_all(rows)
    db.session.flush()
    return rows


def external_message(notice, config):
    """(subject, text) of a notice leaving the system: a secret item's is generic, without title or body."""
    base = (config.get("NOTICE_BASE_URL") or "").rstrip("/")
    if notice.secrecy > 0:
        return SECRET_SUBJECT, SECRET_TEXT + (f"\n{base}/notices/" if base else "")
    parts = [notice.title]
    if notice.body:
        parts.append(notice.body)
    link = queries.link_of(notice)
    parts.append(f"查看：{base}{link}" if base and link else "详情请登录系统查看。")
    return f"【GovFlow】{notice.title}", "\n\n".join(parts)


def backoff(attempts, config):
    """How long to wait after the `attempts`-th failure: NOTICE_RETRY_SECONDS, doubled each time, at most an hour."""
    seconds = float(config["NOTICE_RETRY_SECONDS"]) * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, MAX_BACKOFF_SECONDS))


def attempt(delivery_id):
    """Try a pending delivery whose attempt is due; flushes. Returns its state afterwards, or None when
    nothing was due (already sent or failed, not due yet, or no such row: a duplicate job)."""
    row = db.session.query(NoticeDelivery).filter_by(id=delivery_id).with_for_update().one_or_none()
    now = clock.now()
    if row is None or row.state != "pending" or row.next_attempt_dt > now:
        return None
    config = current_app.config
    row.attempts += 1
    try:
        channel = channels.enabled(config).get(row.channel)
        if channel is None:
            raise ConfigError(f"notice channel {row.channel!r} is not enabled")
        channel.deliver(row.address, *external_message(row.notice, config))
    except Exception as exc:  # whatever the channel raised is kept on the row; the row is tried again
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if row.attempts >= int(config["NOTICE_MAX_ATTEMPTS"]):
            row.state = "failed"
        else:
            row.next_attempt_dt = now + backoff(row.attempts, config)
        log.warning("notice delivery %s via %s, attempt %d: %s (%s)", row.id, row.channel, row.attempts,
                    row.last_error, row.state if row.state == "failed" else f"next at {row.next_attempt_dt}")
    else:
        row.state, row.sent_dt = "sent", clock.now()  # an earlier attempt's error stays for the record
    db.session.flush()
    return row.state
