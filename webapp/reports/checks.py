"""Form checks that need the people behind the next step: a secret item never goes where nobody may open it."""
from webapp.auth.org import with_upward_units
from webapp.staffing import uncleared_refusal


def check_compose(form, data):
    """采编 sends the item to its unit's 办公室主任 to verify."""
    refusal = uncleared_refusal(data.get("unit_id"), "verifier", form.get("secrecy"), "审核")
    return {"secrecy": [refusal]} if refusal else None


def check_review(form, data):
    """A passed item ends with the upward office's editors (reports.submit_upward routes it there), so every
    核实审核/审签 that passes it refuses a secret item that office has no cleared editor for."""
    if form.get("decision") != "pass" or int(data.get("secrecy") or 0) <= 0:
        return None  # not secret: every editor may take it (`uncleared_refusal` refuses nothing), no unit is read
    unit = with_upward_units(data.get("unit_id")) if data.get("unit_id") else None
    target = unit.upward_info_unit() if unit is not None else None
    if target is None:
        return None
    refusal = uncleared_refusal(target.id, "editor", data.get("secrecy"), "上报")
    return {"decision": [refusal]} if refusal else None


CHECKS = {"reports.compose": check_compose, "reports.review": check_review}
