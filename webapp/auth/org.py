"""The lookup API handed to handlers: the unit tree, read from the database."""
from webapp.extensions import db

from .models import Unit


class OrgDirectory:
    def upward_info_unit(self, unit_id):
        unit = db.session.get(Unit, int(unit_id))
        target = unit.upward_info_unit() if unit else None
        return {"id": target.id, "name": target.name} if target else None

    def unit_name(self, unit_id):
        unit = db.session.get(Unit, int(unit_id))
        return unit.name if unit else None


def service(_instance_id):
    """`ctx.org` for handlers."""
    return OrgDirectory()
