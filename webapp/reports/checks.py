"""Form checks that need the people behind the next step: a secret item never goes where nobody may open it."""
from sqlalchemy.orm import joinedload

from webapp.auth.models import Unit
from webapp.extensions import db
from webapp.staffing import uncleared_refusal


def check_compose(form, data):
    """采编 sends the item to its unit's 办公室主任 to verify."""
    refusal = uncleared_refusal(data.get("unit_id"), "verifier", form.get("secrecy"), "审核")
    return {"secrecy": [refusal]} if refusal else None


def check_review(form, data):
    """A passed item ends with the upward office's editors (reports.submit_upward routes it there), so every
    核实审核/审签 that passes it refuses a secret item that office has no cleared editor for."""
    if form.get("decision") != "pass":
        return None
    unit = _with_upward_units(data.get("unit_id")) if data.get("unit_id") else None
    target = unit.upward_info_unit() if unit is not None else None
    if target is None:
        return None
    refusal = uncleared_refusal(target.id, "editor", data.get("secrecy"), "上报")
    return {"decision": [refusal]} if refusal else None


def _with_upward_units(unit_id):
    """The unit with what `upward_info_unit` walks (its parent, the parent's parent and their sub-units) in one
    statement instead of a lazy load each."""
    parent = joinedload(Unit.parent)
    return (db.session.query(Unit)
            .options(parent.joinedload(Unit.children), parent.joinedload(Unit.parent).joinedload(Unit.children))
            .filter(Unit.id == unit_id).one_or_none())


CHECKS = {"reports.compose": check_compose, "reports.review": check_review}
