"""Writes of information items; each flushes, the request commits."""
from webapp import engine
from webapp.core.errors import NotAllowed
from webapp.engine.models import HumanTask
from webapp.extensions import db

from .process import PROCESS_KEY
from .queries import item_for_instance


def create_item(user, commission_id=None):
    """Start an information report for the writer's unit (answering the 约稿 `commission_id`, which the caller
    has checked is sent to the unit); returns (item, compose task row)."""
    if not user.has_role("writer"):
        raise NotAllowed("只有信息员可以新建信息。")
    # `forwarded` and `report_to` are read by the diagram's gateway and 上报 (转报 and 直报, reports.forwarding)
    data = {"unit_id": user.unit_id, "author_id": user.id, "secrecy": 0, "urgency": "normal", "forwarded": False,
            "report_to": None}
    if commission_id is not None:  # checked by the caller (`commissions.operations.answer`)
        data["commission_id"] = commission_id
    instance = engine.start(PROCESS_KEY, user, data)
    task = db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open").one()
    return item_for_instance(instance.id), task
