"""The city's information office with its 科长 and the leader who signs, a publication, and items adopted into it."""
from datetime import UTC, datetime

from tests.helpers import act, new_item
from webapp.core import clock
from webapp.editorial import issues, publications
from webapp.extensions import db

LINJIANG = {"name": "临江信息", "kind": "regular", "frequency": "weekly", "numbered_per_year": True,
            "signer_role": "leader", "bao": "市委、市政府领导", "song": "省委办公厅信息处",
            "fa": "各县（市、区）委办公室", "recipient_unit_ids": [], "active": True}


def staff(org):
    """The office's 科长 (办公室主任 of city-info) and the city's 分管领导 and 主要领导."""
    org.user("chief", "city-info", ["verifier"])
    org.user("city_leader", "city", ["leader"])
    org.user("city_principal", "city", ["principal"])
    db.session.commit()


def publication(org, **changes):
    row = publications.create(org.users["editor"], {**LINJIANG, **changes})
    db.session.commit()
    return row


def adopted(org, title, writer="writer_a", into="临江信息", **fields):
    """An item of the writer's county, adopted by the city's editor into `into`."""
    item = new_item(org, writer=writer, title=title, **fields)
    county = writer.rsplit("_", 1)[1][0]
    act(org, f"verifier_{county}", item.instance_id, {"decision": "pass"})
    act(org, f"leader_{county}", item.instance_id, {"decision": "pass"})
    act(org, "editor", item.instance_id, {"decision": "adopt", "publication": into, "opinion": "采用"})
    return item


def compile_form(entries, secrecy="0", urgency="normal"):
    form = {"secrecy": secrecy, "urgency": urgency}
    for n, (item, headline, note) in enumerate(entries, start=1):
        form.update({f"item_{n}": str(item.id), f"headline_{n}": headline, f"note_{n}": note})
    return form


def signed_issue(org, pub, entries, signer="city_leader"):
    """An issue of `entries` walked straight to signed."""
    issue, _task = issues.start(org.users["editor"], pub)
    db.session.commit()
    act(org, "editor", issue.instance_id, compile_form(entries))
    act(org, "chief", issue.instance_id, {"decision": "approve"})
    act(org, signer, issue.instance_id, {"decision": "sign"})
    db.session.expire_all()
    return issue


def at(year, month, day):
    clock.set_fixed(datetime(year, month, day, 2, 0, tzinfo=UTC))
