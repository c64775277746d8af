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

    def unit_name(self, unit_id):
        unit = db.session.get(Unit, int(unit_id))
        return unit.name if unit else None


def service(_instance_id):
    """`ctx.org` for handlers."""
    return OrgDirectory()
