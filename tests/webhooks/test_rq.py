"""With REDIS_URL: a delivery is enqueued in RQ after the commit that made it, and a failed attempt's retry is
scheduled after its backoff; the lost ones are enqueued again by the sweep's duty."""
import pytest
from rq.job import Job

from tests.engine.test_rq_timers import _redis_url, rq_app  # noqa: F401  (the RQ fixtures, shared)
from webapp.engine import scheduling
from webapp.extensions import db
from webapp.webhooks import delivery, dispatch, operations
from webapp.webhooks.models import WebhookDelivery

from .test_delivery import start_item


@pytest.fixture
def endpoint(rq_app, org, receiver):  # noqa: F811
    operations.register(org.users["admin"], {"name": "OA", "url": receiver.url, "events": ["task.opened"]})
    db.session.commit()


def test_enqueued_after_commit_and_retried_on_the_schedule(rq_app, org, receiver, endpoint):  # noqa: F811
    queue = scheduling.queue()
    start_item(org)
    (row,) = db.session.query(WebhookDelivery).all()
    job = Job.fetch(dispatch.job_id(row.id, 0), connection=queue.connection)
    assert (job.func_name, job.args) == ("webapp.jobs.deliver_webhook", (row.id,))
    assert receiver.requests == []  # nothing posts in this process: the workers do

    receiver.answers = [500]
    assert delivery.attempt(row.id) == "pending"  # what the job does
    db.session.commit()
    retry = dispatch.job_id(row.id, 1)
    assert retry in queue.scheduled_job_registry.get_job_ids()
    assert len(receiver.wait_for(1)) == 1

    queue.connection.flushdb()  # Redis lost everything
    row = db.session.get(WebhookDelivery, row.id)
    row.next_attempt_dt = row.last_attempt_dt  # due long ago
    rq_app.config["NOTICE_REQUEUE_AFTER_SECONDS"], saved = 0, rq_app.config["NOTICE_REQUEUE_AFTER_SECONDS"]
    try:
        db.session.commit()
        queue.connection.flushdb()  # the commit enqueued it again; the sweep must do it alone
        assert dispatch.requeue_lost(queue) == 1
    finally:
        rq_app.config["NOTICE_REQUEUE_AFTER_SECONDS"] = saved
    assert Job.exists(retry, connection=queue.connection)


def test_a_real_rq_worker_posts_the_signed_delivery(rq_app, org, receiver, endpoint, tmp_path,  # noqa: F811
                                                    monkeypatch):
    """A worker process of its own (`rq worker`, as in production) takes the job the commit enqueued, checks the
    address again, signs and posts: the receiver verifies the signature with the endpoint's secret."""
    import time

    from tests.engine.test_rq_timers import rq_workers
    from webapp.webhooks import signing
    from webapp.webhooks.models import WebhookEndpoint

    from .conftest import wait_for_row

    monkeypatch.setenv("GOVFLOW_WEBHOOK_ALLOW_HOSTS", "127.0.0.1")  # the worker reads its settings from the env
    secret = signing.unseal(db.session.query(WebhookEndpoint).one().secret_encrypted)
    with rq_workers(rq_app, tmp_path, count=1):
        start_item(org)
        (row,) = db.session.query(WebhookDelivery).all()
        (request,) = receiver.wait_for(1, timeout=30)
        row = wait_for_row(row.id, "sent", 1, timeout=30)
    _path, headers, body = request
    assert row.state == "sent" and row.attempts == 1
    assert headers["X-GovFlow-Event"] == "task.opened" and headers["X-GovFlow-Delivery"] == str(row.id)
    assert signing.verify(secret, headers["X-GovFlow-Signature"], body, time.time())
