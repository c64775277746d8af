"""Shared emergency steps: report, act on the open step, read the levels."""
from tests.cases.helpers import local, travel_to  # noqa: F401  (re-exported for the emergency tests)
from tests.helpers import act, open_task  # noqa: F401
from webapp.emergencies import operations
from webapp.emergencies.models import Emergency
from webapp.extensions import db

REPORT = {
    "title": "青山县白石镇发生山体滑坡", "place": "青山县白石镇龙头村",
    "summary": "今晨因持续强降雨，龙头村后山发生山体滑坡，冲毁民房三间。",
    "casualties": "暂无人员伤亡，转移群众42人", "measures": "县应急局已赶赴现场，设置警戒区。",
    "urgency": "very_urgent", "secrecy": "0", "sign_mode": "leader",
}


def report(org, event_time, writer="writer_a", **fields):
    emergency = operations.report(org.users[writer], {**REPORT, "event_time": event_time, **fields})
    db.session.commit()
    return emergency


def reload(emergency):
    db.session.expire_all()
    return db.session.get(Emergency, emergency.id)


def levels(emergency):
    return {lv.level: lv for lv in reload(emergency).levels}
