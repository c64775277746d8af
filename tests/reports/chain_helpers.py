"""A township under county a with its own information office, a provincial editor, and steps of a 转报 chain."""
from datetime import date

from tests.conftest import OrgFactory
from tests.helpers import COMPOSE, act
from tests.scoring.helpers import at
from webapp.extensions import db
from webapp.reports import forwarding
from webapp.reports.models import InfoItem
from webapp.reports.operations import create_item
from webapp.scoring import operations as scoring_operations


def build_chain_org():
    """The test organisation plus 白石镇 (a township of county a), county a's 信息科 with its editor, the
    province's editor and a low-cleared township writer."""
    factory = OrgFactory()
    factory.build()
    factory.unit("county-a-info", "a县委办信息科", "office", "county-a", "info")
    factory.unit("town-a", "白石镇党委办公室", "township", "county-a")
    factory.user("writer_t", "town-a", ["writer"], clearance=1)
    factory.user("writer_t0", "town-a", ["writer"], clearance=0)
    factory.user("verifier_t", "town-a", ["verifier"])
    factory.user("leader_t", "town-a", ["leader"])
    factory.user("editor_county", "county-a-info", ["editor"])
    factory.user("editor_county_b", "county-b", ["editor"])
    factory.user("editor_prov", "prov-info", ["editor"])
    factory.unit("town-b", "龙潭镇党委办公室", "township", "county-b")  # county b has no 信息科: its editors receive
    for role in ("writer", "verifier", "leader"):
        factory.user(f"{role}_tb", "town-b", [role])
    db.session.commit()
    return factory


def township_item(org, when, town="t", **fields):
    """An item of 白石镇 (town "t"; 龙潭镇: "tb") written, verified and signed at local `when`: it reaches a县's
    信息科 (b县委办公室 for 龙潭镇)."""
    at(when)
    item, _task = create_item(org.users[f"writer_{town}"])
    db.session.commit()
    act(org, f"writer_{town}", item.instance_id, {**COMPOSE, "title": "白石镇春耕进展", **fields})
    act(org, f"verifier_{town}", item.instance_id, {"decision": "pass"})
    act(org, f"leader_{town}", item.instance_id, {"decision": "pass"})
    return db.session.get(InfoItem, item.id)


def adopt(org, editor, item, when, publication="汇要"):
    at(when)
    act(org, editor, item.instance_id, {"decision": "adopt", "publication": publication, "opinion": ""})
    db.session.expire_all()
    return db.session.get(InfoItem, item.id)


def forward(org, editor, item, when):
    at(when)
    upper = forwarding.forward(org.users[editor], item)
    db.session.commit()
    return upper


def instruct(org, editor, item, day, level="provincial"):
    at(f"{day} 10:00")
    row = scoring_operations.record_instruction(item, {
        "leader_name": "省委书记 王某", "leader_level": level, "text": "此件反映的情况很好，请省农业农村厅推广。",
        "instructed_on": day}, org.users[editor])
    db.session.commit()
    return row


def month(text):
    year, number = text.split("-")
    return date(int(year), int(number), 1)
