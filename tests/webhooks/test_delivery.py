"""Registering an endpoint on the page, signed deliveries to a local receiver, retries with backoff, replay."""
import hashlib
import hmac
import json
import re
import time
from datetime import timedelta

from tests.helpers import new_item
from tests.web_helpers import once, signed_in
from webapp.audit.models import AuditEntry
from webapp.core import clock
from webapp.extensions import db
from webapp.reports.operations import create_item
from webapp.webhooks import delivery, signing
from webapp.webhooks.models import WebhookDelivery, WebhookEndpoint

from .conftest import wait_for_row


def register(app, url, events=("task.opened",), name="市政务OA"):
    client, token = signed_in(app, "admin")
    response = client.post("/admin/webhooks/new", data={"csrf_token": token, "name": name, "url": url,
                                                         "events": list(events), **once()}, follow_redirects=True)
    return client, token, response


def secret_of(response):
    return re.search(r'id="webhook-secret">([^<]+)<', response.get_data(as_text=True)).group(1)


def start_item(org):
    """A writer starts an item: one step (撰写) opens."""
    item, _task = create_item(org.users["writer_a"])
    db.session.commit()
    return item


def deliveries(event=None):
    query = db.session.query(WebhookDelivery).order_by(WebhookDelivery.id)
    return (query.filter_by(event=event) if event else query).all()


def test_registered_endpoint_gets_a_signed_task_opened_delivery(app, org, receiver):
    client, _token, response = register(app, receiver.url)
    assert response.status_code == 200 and "推送端点“市政务OA”已登记" in response.get_data(as_text=True)
    secret = secret_of(response)
    assert secret.startswith("whsec_")
    endpoint = db.session.query(WebhookEndpoint).one()
    assert secret not in endpoint.secret_encrypted and signing.unseal(endpoint.secret_encrypted) == secret
    assert (endpoint.unit_id, endpoint.events, endpoint.active) == (org.units["city"].id, ["task.opened"], True)
    assert secret not in client.get("/admin/webhooks/").get_data(as_text=True)  # shown once, never again
    assert endpoint.secret_shown_dt is not None
    assert db.session.query(AuditEntry).filter_by(action="webhooks.endpoint_created").count() == 1

    item = new_item(org)  # county-a, below the admin's city: 撰写 opens, then 审核
    compose, verify = deliveries("task.opened")
    requests = {r[1]["X-GovFlow-Delivery"]: r for r in receiver.wait_for(2)}
    row = verify
    path, headers, body = requests[str(row.id)]
    assert path == "/hooks/govflow?src=test"
    assert headers["X-GovFlow-Event"] == "task.opened" and headers["X-GovFlow-Delivery"] == str(row.id)
    assert signing.verify(secret, headers["X-GovFlow-Signature"], body, time.time())
    assert not signing.verify("whsec_other", headers["X-GovFlow-Signature"], body, time.time())
    assert not signing.verify(secret, headers["X-GovFlow-Signature"], body + b" ", time.time())
    timestamp, mac = re.fullmatch(r"t=(\d+),v1=([0-9a-f]{64})", headers["X-GovFlow-Signature"]).groups()
    assert abs(int(timestamp) - time.time()) < 60
    assert mac == hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    payload = json.loads(body)
    assert payload["event"] == "task.opened" and payload["instance_id"] == item.instance_id
    assert payload["title"] == "某县春耕进展" and payload["unit"]["name"] == "a县委办公室"
    assert payload["step"] == "核实审核" and payload["link"] == f"/tasks/{payload['task_id']}"
    assert payload["restricted"] is False
    sent = wait_for_row(row.id, "sent", 1)
    assert (sent.state, sent.attempts, sent.last_status, sent.last_response) == ("sent", 1, 200, "好")


def test_an_office_only_hears_of_its_own_units_and_the_events_it_asked_for(app, org, receiver):
    register(app, receiver.url, events=("item.adopted",))
    new_item(org)
    assert deliveries() == []  # a step opened: not asked for
    db.session.add(WebhookEndpoint(unit_id=org.units["county-b"].id, name="b县", url=receiver.url,
                                   events=["task.opened"], secret_encrypted=signing.seal("whsec_x"),
                                   created_by_id=org.users["admin"].id))
    db.session.commit()
    new_item(org)  # county-a's work: not county-b's endpoint's business
    assert deliveries() == []


def test_a_failed_attempt_is_retried_with_backoff_until_the_receiver_answers(app, org, receiver):
    receiver.answers = [500]
    register(app, receiver.url)
    start_item(org)
    (row,) = deliveries()
    first = wait_for_row(row.id, "pending", 1)
    assert (first.last_status, first.last_error, len(first.last_response)) == (500, "HTTP 500", 500)
    assert first.next_attempt_dt - first.last_attempt_dt == timedelta(minutes=1)
    receiver.wait_for(1)

    clock.set_fixed(clock.now() + timedelta(seconds=61))
    from webapp.webhooks import dispatch

    dispatch.wake(app)
    second = wait_for_row(row.id, "sent", 2)
    assert (second.state, second.attempts, second.last_status, second.last_error) == ("sent", 2, 200, None)
    requests = receiver.wait_for(2)
    assert requests[0][2] == requests[1][2]  # the same body, signed afresh
    assert requests[0][1]["X-GovFlow-Delivery"] == requests[1][1]["X-GovFlow-Delivery"]


def test_backoff_schedule_then_failed():
    waits = [delivery.backoff(n) for n in range(1, delivery.MAX_ATTEMPTS + 1)]
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                     timedelta(hours=12), None]


def test_an_exhausted_delivery_is_failed_and_replayed_from_the_page(app, org, receiver):
    client, token, _response = register(app, receiver.url)
    receiver.answers = [503] * delivery.MAX_ATTEMPTS
    start_item(org)
    (row,) = deliveries()
    from webapp.webhooks import dispatch

    for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        state = "failed" if attempt == delivery.MAX_ATTEMPTS else "pending"
        current = wait_for_row(row.id, state, attempt)
        assert (current.state, current.attempts) == (state, attempt)
        clock.set_fixed(clock.now() + timedelta(hours=13))
        dispatch.wake(app)
    assert len(receiver.wait_for(delivery.MAX_ATTEMPTS)) == delivery.MAX_ATTEMPTS
    page = client.get("/admin/webhooks/").get_data(as_text=True)
    assert "发送失败" in page and "HTTP 503" in page

    response = client.post(f"/admin/webhooks/deliveries/{row.id}/replay", data={"csrf_token": token})
    assert response.status_code == 303
    replayed = wait_for_row(row.id, "sent", delivery.MAX_ATTEMPTS + 1)
    assert (replayed.state, replayed.last_status) == ("sent", 200)
    assert len(receiver.wait_for(delivery.MAX_ATTEMPTS + 1)) == delivery.MAX_ATTEMPTS + 1
    assert db.session.query(AuditEntry).filter_by(action="webhooks.delivery_replayed").count() == 1


def test_a_disabled_endpoint_gets_nothing_and_a_deleted_one_takes_its_deliveries(app, org, receiver):
    client, token, _response = register(app, receiver.url)
    endpoint = db.session.query(WebhookEndpoint).one()
    assert client.post(f"/admin/webhooks/{endpoint.id}/disable", data={"csrf_token": token}).status_code == 303
    start_item(org)
    assert deliveries() == []
    assert client.post(f"/admin/webhooks/{endpoint.id}/enable", data={"csrf_token": token}).status_code == 303
    response = client.post(f"/admin/webhooks/{endpoint.id}/events",
                           data={"csrf_token": token, "events": ["task.opened", "item.adopted"]})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, endpoint.id).events == ["item.adopted", "task.opened"]
    response = client.post(f"/admin/webhooks/{endpoint.id}/events", data={"csrf_token": token, "events": ["x"]},
                           follow_redirects=True)
    assert "请选择有效的推送事件" in response.get_data(as_text=True)
    response = client.post(f"/admin/webhooks/{endpoint.id}/events", data={"csrf_token": token}, follow_redirects=True)
    assert "请至少选择一项推送事件" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, endpoint.id).events == ["item.adopted", "task.opened"]
    start_item(org)
    assert len(deliveries()) == 1
    receiver.wait_for(1)
    assert client.post(f"/admin/webhooks/{endpoint.id}/delete", data={"csrf_token": token}).status_code == 303
    db.session.expire_all()
    assert db.session.query(WebhookEndpoint).count() == 0 and deliveries() == []
