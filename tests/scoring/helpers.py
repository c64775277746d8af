"""Information items carried to the editor's decision at chosen local moments, as each role would."""
from datetime import datetime

from tests.helpers import COMPOSE, act
from webapp.core import clock
from webapp.emergencies.operations import record_fault
from webapp.extensions import db
from webapp.reports.models import InfoItem
from webapp.reports.operations import create_item


def local(text):
    return datetime.fromisoformat(text).replace(tzinfo=clock.LOCAL_TZ)


def at(text):
    clock.set_fixed(local(text))


def submitted_item(org, county, when, commission_id=None, **fields):
    """An item of `county` ('a' or 'b') written, verified and signed at local `when`: submitted then."""
    at(when)
    item, _task = create_item(org.users[f"writer_{county}"], commission_id=commission_id)
    db.session.commit()
    act(org, f"writer_{county}", item.instance_id, {**COMPOSE, "title": fields.pop("title", f"{county}县信息"),
                                                     **fields})
    act(org, f"verifier_{county}", item.instance_id, {"decision": "pass"})
    act(org, f"leader_{county}", item.instance_id, {"decision": "pass"})
    return db.session.get(InfoItem, item.id)


def decide(org, item, when, decision="adopt", publication=None):
    """The city editor's decision at local `when`."""
    at(when)
    form = {"decision": decision, "opinion": "" if decision != "return" else "请补充"}
    if publication:
        form["publication"] = publication
    act(org, "editor", item.instance_id, form)
    db.session.expire_all()
    return db.session.get(InfoItem, item.id)


def adopted(org, county, submitted_at, adopted_at, publication, **fields):
    return decide(org, submitted_item(org, county, submitted_at, **fields), adopted_at, "adopt", publication)


def fault(org, county, kind, event_time):
    """A 漏报 or 瞒报 recorded by the city's information office."""
    row = record_fault(org.users["editor"], {"unit_id": str(org.units[f"county-{county}"].id), "kind": kind,
                                             "event_time": event_time, "title": "某地火情",
                                             "description": "经核查，该单位应报未报。"})
    db.session.commit()
    return row
