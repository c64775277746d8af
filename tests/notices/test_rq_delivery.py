"""Deliveries through real RQ workers on real Redis, mailing to a real SMTP server (aiosmtpd) in this process.

Workers and Redis databases are run as in tests/engine/test_rq_timers.py (its `rq_workers` and its leased
Redis database); the workers read the real clock, so these tests release the pinned one.
"""
import uuid

import pytest
from rq.job import Job

from tests.engine.test_rq_timers import _redis_url, rq_workers  # noqa: F401  (_redis_url is a fixture)
from tests.helpers import COMPOSE, new_item
from tests.notices.helpers import wait_for_state
from webapp.core import clock
from webapp.engine import scheduling
from webapp.extensions import db
from webapp.notices import dispatch, operations
from webapp.notices.models import NoticeDelivery

ADDRESS = "verifier.a@county-a.example.gov.cn"


@pytest.fixture
def rq_mail_app(mail_app, _redis_url, monkeypatch):  # noqa: F811
    """The mailing app with REDIS_URL and a queue of this test's own; the workers get the same settings."""
    saved = {key: mail_app.config.get(key) for key in ("REDIS_URL", "RQ_QUEUE")}
    mail_app.config.update(REDIS_URL=_redis_url, RQ_QUEUE=f"govflow-test-{uuid.uuid4().hex[:10]}")
    for key in ("MAIL_SERVER", "MAIL_PORT", "NOTICE_BASE_URL"):
        monkeypatch.setenv(key, str(mail_app.config[key]))
    monkeypatch.setenv("NOTICE_RETRY_SECONDS", "1")
    monkeypatch.setenv("NOTICE_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("NOTICE_REQUEUE_AFTER_SECONDS", "0")
    clock.set_fixed(None)  # the workers read the real clock
    try:
        yield mail_app
    finally:
        scheduling.connection(_redis_url).flushdb()
        mail_app.config.update(saved)


def _redis(app):
    return scheduling.connection(app.config["REDIS_URL"])


def _verifier_delivery(org):
    return db.session.query(NoticeDelivery).filter_by(user_id=org.users["verifier_a"].id).one()


@pytest.fixture
def verifier_mail(org):
    org.users["verifier_a"].email = ADDRESS
    db.session.commit()


def test_deliveries_are_enqueued_only_after_commit(rq_mail_app, org, verifier_mail):
    user = org.users["verifier_a"]
    notice = operations.send("测试通知", user_id=user.id, body="正文")
    row = db.session.query(NoticeDelivery).filter_by(notice_id=notice.id).one()  # flushed, not committed
    job_id = dispatch.job_id(row.id, 0)
    assert not Job.exists(job_id, connection=_redis(rq_mail_app))
    db.session.commit()
    job = Job.fetch(job_id, connection=_redis(rq_mail_app))
    assert job.func_name == "webapp.jobs.deliver_notice" and job.args == (row.id,)

    operations.send("回滚的通知", user_id=user.id)
    db.session.rollback()
    assert sorted(k.decode() for k in _redis(rq_mail_app).scan_iter("rq:job:notice-delivery-*")) == [f"rq:job:{job_id}"]


def test_a_worker_mails_the_new_task(rq_mail_app, smtp, org, verifier_mail, tmp_path):
    new_item(org)
    row = _verifier_delivery(org)
    assert row.state == "pending"
    with rq_workers(rq_mail_app, tmp_path, count=1):
        [message] = smtp.wait_for(1)
        row = wait_for_state(row.id, {"sent", "failed"})
    assert message["To"] == ADDRESS and message["Subject"] == f"【GovFlow】新待办「核实审核」：{COMPOSE['title']}"
    assert (row.state, row.attempts) == ("sent", 1)
    assert Job.fetch(dispatch.job_id(row.id, 0), connection=_redis(rq_mail_app)).return_value() == "sent"


def test_a_refused_delivery_is_retried_with_backoff_then_failed_with_its_error(rq_mail_app, smtp, org, verifier_mail,
                                                                            tmp_path):
    smtp.refuse = True
    new_item(org)
    row = _verifier_delivery(org)
    with rq_workers(rq_mail_app, tmp_path, count=1):
        refused = smtp.wait_for(3, timeout=30, refused=True)
        row = wait_for_state(row.id, {"failed"}, timeout=10)
    assert (row.state, row.attempts, row.sent_dt) == ("failed", 3, None)
    assert "SMTPRecipientsRefused" in row.last_error and "mailbox unavailable" in row.last_error
    assert len(refused) == 3 and smtp.messages == []
    assert refused[1] - refused[0] >= 1 and refused[2] - refused[1] >= 2  # NOTICE_RETRY_SECONDS=1, doubled
    results = [Job.fetch(dispatch.job_id(row.id, n), connection=_redis(rq_mail_app)).return_value() for n in range(3)]
    assert results == ["pending", "pending", "failed"]  # one job per attempt


def test_the_sweep_re_enqueues_a_delivery_whose_job_redis_lost(rq_mail_app, smtp, org, verifier_mail, tmp_path):
    new_item(org)
    row = _verifier_delivery(org)
    redis = _redis(rq_mail_app)
    assert Job.exists(dispatch.job_id(row.id, 0), connection=redis)
    redis.flushdb()  # Redis lost: the delivery's job is gone, the row is still pending
    assert not list(redis.scan_iter("rq:job:notice-delivery-*"))

    with rq_workers(rq_mail_app, tmp_path, count=1, sweep_seconds=1):  # a starting worker brings the sweep back
        [message] = smtp.wait_for(1, timeout=20)
        row = wait_for_state(row.id, {"sent", "failed"})
    assert message["To"] == ADDRESS
    assert (row.state, row.attempts) == ("sent", 1)
    assert Job.fetch(dispatch.job_id(row.id, 0), connection=redis).return_value() == "sent"
