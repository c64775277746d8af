"""What the emergency handlers see as `ctx.emergencies`: the chain of levels, routing, arrivals, notices' targets."""
from datetime import datetime

from webapp.auth.models import Unit
from webapp.core import clock
from webapp.core.links import path_for
from webapp.extensions import db

from . import limits
from .models import Emergency, EmergencyLevel


def _hop(kind, unit_id, due_at, **extra):
    return {"kind": kind, "unit_id": unit_id, "due_at": due_at, "warn_at": limits.warn_at(due_at) if due_at else None,
            **extra}


class EmergencyService:
    @staticmethod
    def plan(unit_id, event_at, phone=None):
        """The relay state a report starts with: its chain of levels and the reporting unit's first hop.

        After a phone report the hop is the written report's, due a set time after the call."""
        chain = limits.plan_chain(unit_id, datetime.fromisoformat(event_at), phone)
        if phone:
            hop = _hop("written", int(unit_id), limits.written_due(phone["at"]), level=0)
        else:
            hop = _hop("report", int(unit_id), limits.effective_due(chain, 0), level=0)
        return {"chain": chain, "stage": 0, "done": False, "hop": hop}

    @staticmethod
    def arrive(relay, advance):
        """The report reaches chain[stage] (the next level when `advance`): arrival, routing, the next hop."""
        relay = {**relay, "chain": [dict(level) for level in relay["chain"]]}
        if advance:
            relay["stage"] += 1
        stage = relay["stage"]
        level, now = relay["chain"][stage], clock.now()
        level["written_at"] = now.isoformat()
        if not level["reached_at"]:
            level.update(reached_at=now.isoformat(), via="written", late_minutes=limits.late_minutes(level, now))
        if level["unit_id"] is None or stage == len(relay["chain"]) - 1:  # the centre: the last hop is made
            relay.update(done=True, hop=None)
            return relay
        route, office = limits.route(level["unit_id"], now)
        level.update(route=route, office_unit_id=office.id)
        relay["hop"] = _hop("relay", level["unit_id"], limits.effective_due(relay["chain"], stage + 1), level=stage,
                            route=route, office_unit_id=office.id, office_name=office.name)
        return relay

    @staticmethod
    def offices(unit_id):
        """(unit id, role) of the offices that receive emergencies for a level unit: information and duty."""
        unit = db.session.get(Unit, int(unit_id))
        targets = [(office.id, role) for function, role in (("info", "editor"), ("duty", "duty"))
                   if (office := unit.office(function)) is not None]
        return targets or [(unit.id, "editor"), (unit.id, "duty")]

    @staticmethod
    def reached_offices(emergency_id):
        """The offices of every level the report has reached (they see its follow-ups)."""
        levels = (db.session.query(EmergencyLevel)
                  .filter(EmergencyLevel.emergency_id == int(emergency_id), EmergencyLevel.unit_id.isnot(None),
                          EmergencyLevel.reached_dt.isnot(None)).all())
        return [target for level in levels for target in EmergencyService.offices(level.unit_id)]

    @staticmethod
    def emergency_link(emergency_id=None, instance_id=None):
        if emergency_id is None:
            emergency_id = db.session.query(Emergency.id).filter_by(instance_id=instance_id).scalar()
        return path_for("emergencies.detail", emergency_id=emergency_id) if emergency_id else None

    @staticmethod
    def local_text(value):
        return datetime.fromisoformat(value).astimezone(clock.LOCAL_TZ).strftime("%m-%d %H:%M") if value else ""


def service(_instance_id):
    """`ctx.emergencies` for handlers."""
    return EmergencyService()
