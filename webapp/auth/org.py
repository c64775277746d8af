"""The lookup API handed to handlers: the unit tree, read from the database."""
from sqlalchemy.orm import joinedload

from webapp.extensions import db

from .models import Unit


def with_upward_units(unit_id):
    """The unit with what `Unit.upward_info_unit` walks (its parent, the parent's parent and their sub-units) in
    one statement instead of a lazy load each; None when there is no such unit."""
    parent = joinedload(Unit.parent)
    return (db.session.query(Unit)
            .options(parent.joinedload(Unit.children), parent.joinedload(Unit.parent).joinedload(Unit.children))
            .filter(Unit.id == unit_id).one_or_none())


class OrgDirectory:
    def upward_info_unit(self, unit_id):
        unit = with_upward_units(int(unit_id))
        target = unit.upward_info_unit() if unit else None
        return {"id": target.id, "name": target.name} if target else None

    def report_target(self, unit_id, report_to=None):
        """Where the unit's item goes: its upward information office, or the higher office `report_to` when the
        unit is a 直报点 of it (anything else is refused, never silently rerouted)."""
        if not report_to:
            return self.upward_info_unit(unit_id)
        unit = db.session.get(Unit, int(unit_id))
        if unit is None or unit.direct_report_unit_id != int(report_to):
            return None
        target = unit.direct_report_unit
        return {"id": target.id, "name": target.name}

    def unit_name(self, unit_id):
        unit = db.session.get(Unit, int(unit_id))
        return unit.name if unit else None


def service(_instance_id):
    """`ctx.org` for handlers."""
    return OrgDirectory()
