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
