"""Each event reaches the endpoints that asked for it, from where it happens; a secret item's carries ids only."""
import json
from datetime import datetime

from sqlalchemy import insert

from tests.cases.helpers import local, new_case, travel_to
from tests.helpers import COMPOSE, act, new_item
from tests.keytasks.helpers import JULY, ledger_with_tasks, more_units
from tests.scoring.helpers import adopted, at, decide, submitted_item
from webapp.extensions import db
from webapp.keytasks import circulars
from webapp.scoring import operations as scoring
from webapp.webhooks import operations, queries, signing
from webapp.webhooks.models import EVENTS, WebhookDelivery, WebhookEndpoint

SECRET_KEYS = {"event", "occurred_at", "kind", "task_id", "instance_id", "object_id", "restricted"}


def subscribe(org, url, *events):
    operations.register(org.users["admin"], {"name": "大屏", "url": url, "events": list(events or EVENTS)})
    db.session.commit()


def bodies(event):
    db.session.expire_all()
    return [json.loads(row.body) for row in db.session.query(WebhookDelivery).filter_by(event=event)
            .order_by(WebhookDelivery.id)]


def test_item_adopted_with_title_unit_and_link(app, org, receiver):
    subscribe(org, receiver.url, "item.adopted")
    item = submitted_item(org, "a", "2026-03-05 10:00")
    assert bodies("item.adopted") == []
    decide(org, item, "2026-03-05 15:00", publication="专报")
    (body,) = bodies("item.adopted")
    assert (body["object_id"], body["instance_id"], body["title"], body["unit"]["name"], body["restricted"]) == (
        item.id, item.instance_id, "a县信息", "a县委办公室", False)
    assert body["link"] == f"/reports/{item.id}"


def test_a_secret_item_s_events_carry_ids_and_the_event_only(app, org, receiver):
    subscribe(org, receiver.url, "task.opened", "item.adopted")
    item = new_item(org, secrecy="1", title="涉密：某县春耕进展")
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    act(org, "leader_a", item.instance_id, {"decision": "pass"})
    act(org, "editor", item.instance_id, {"decision": "adopt", "publication": "汇要", "opinion": "予以采用"})
    opened, adoption = bodies("task.opened"), bodies("item.adopted")
    assert len(opened) == 4 and len(adoption) == 1  # 撰写 (before it was marked), 核实审核, 签发, 编辑处理
    for body in [*opened[1:], *adoption]:
        assert set(body) <= SECRET_KEYS and body["restricted"] is True, body
        assert body["instance_id"] == item.instance_id
    assert opened[0]["title"] == "信息报送" and opened[0]["restricted"] is False  # the draft, not marked yet
    raw = "".join(row.body for row in db.session.query(WebhookDelivery).order_by(WebhookDelivery.id))
    assert "春耕" not in raw and COMPOSE["body"][:6] not in raw and "核实审核" not in raw


def test_case_near_due_then_overdue(app, org, receiver):
    subscribe(org, receiver.url, "case.near_due", "case.overdue")
    case = new_case(org, level="city")
    travel_to(local("2026-03-30 23:59:58"))
    assert bodies("case.near_due") == []
    travel_to(local("2026-03-31 00:00:01"))
    (near,) = bodies("case.near_due")
    assert (near["object_id"], near["title"], near["unit"]["name"]) == (case.id, case.title, "a县委办公室")
    assert datetime.fromisoformat(near["due_at"]) == local("2026-04-02 23:59:59")
    assert near["link"] == f"/cases/{case.id}"
    assert bodies("case.overdue") == []
    travel_to(local("2026-04-03 00:00:00"))
    (overdue,) = bodies("case.overdue")
    assert overdue["object_id"] == case.id and len(bodies("case.near_due")) == 1


def test_emergency_late(app, org, receiver):
    from tests.emergencies.helpers import report

    org.unit("city-duty", "市委总值班室", "office", "city", "duty")
    org.unit("prov-duty", "省委总值班室", "office", "prov", "duty")
    org.user("duty_city", "city-duty", ["duty"])
    db.session.commit()
    subscribe(org, receiver.url, "emergency.late")
    at("2026-03-09 11:50")
    emergency = report(org, "2026-03-09T10:00")
    travel_to(local("2026-03-09 12:10:00"))
    act(org, "leader_a", emergency.instance_id, {"opinion": "情况属实，同意上报"})
    (late,) = bodies("emergency.late")
    assert (late["object_id"], late["minutes_late"], late["unit"]["name"]) == (emergency.id, 10, "a县委办公室")
    assert late["title"] == emergency.title


def test_circulars_published(app, org, receiver):
    subscribe(org, receiver.url, "circular.published")
    adopted(org, "a", "2026-03-05 10:00", "2026-03-05 15:00", "专报")
    at("2026-04-02 09:00")
    from datetime import date

    monthly = scoring.publish_circular(org.units["city-info"], date(2026, 3, 1), {"remark": ""}, org.users["editor"])
    db.session.commit()
    (body,) = bodies("circular.published")
    assert (body["kind"], body["object_id"], body["link"]) == ("scoring_circular", monthly.id,
                                                               f"/scoring/circulars/{monthly.id}")

    more_units(org)
    db.session.commit()
    ledger, _tasks = ledger_with_tasks(org)
    circular, _task = circulars.start(org.users["dc"], ledger, JULY)
    db.session.commit()
    act(org, "dc", circular.instance_id, {"summary": "总体推进有序，个别滞后。", "requirements": "按节点推进。"})
    org.user("dc2", "city-dc", ["supervisor"])
    db.session.commit()
    act(org, "dc2", circular.instance_id, {"decision": "approve"})
    act(org, "city_leader", circular.instance_id, {"decision": "sign"})
    _monthly, keytask = bodies("circular.published")
    assert (keytask["kind"], keytask["object_id"]) == ("keytask_circular", circular.id)
    assert keytask["title"].endswith("（第1期）已印发")


def test_a_step_asks_for_endpoints_only_when_one_wants_its_event(app, org, monkeypatch):
    """What the endpoints want is read once per WEBHOOK_ENDPOINTS_SECONDS per process: a change committed in this
    process is seen by the next step, one made elsewhere (a row written past this process's session) after that
    time, never later."""
    now = [1000.0]
    monkeypatch.setattr(queries.time, "monotonic", lambda: now[0])
    queries.forget_wanted(app)
    assert queries.wanted_events() == frozenset()
    db.session.add(WebhookEndpoint(unit_id=org.units["city"].id, name="本进程", url="https://oa.example.cn/hook",
                                   events=["item.adopted"], secret_encrypted=signing.seal("whsec_x"),
                                   created_by_id=org.users["admin"].id))
    db.session.commit()
    assert queries.wanted_events() == {"item.adopted"}  # committed here: seen at once
    with db.engine.begin() as conn:  # another machine registers an endpoint
        conn.execute(insert(WebhookEndpoint.__table__).values(
            unit_id=org.units["city"].id, name="他处", url="https://oa.example.cn/other", events=["task.opened"],
            secret_encrypted=signing.seal("whsec_y"), active=True, created_by_id=org.users["admin"].id))
    assert queries.subscribed("task.opened", org.units["county-a"].id) == []  # not read again yet
    now[0] += app.config["WEBHOOK_ENDPOINTS_SECONDS"]
    assert [e.name for e in queries.subscribed("task.opened", org.units["county-a"].id)] == ["他处"]
