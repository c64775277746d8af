"""Form checks that need the people behind the next step: a secret case never goes where nobody may open it."""
from webapp.auth.models import Unit
from webapp.extensions import db
from webapp.staffing import has_cleared_member, uncleared_refusal

SIGNER_LEVELS = ("central", "provincial")  # 中央、省领导批示件 are signed by the principal leader (gw_signer)


def lead_refusal(unit_id, secrecy):
    """Why the lead unit cannot take the case: nobody cleared for its secrecy, or (a public case) no active 承办人
    at all; the page offers only units with a handler, so this catches a forged or stale POST."""
    refusal = uncleared_refusal(unit_id, "handler", secrecy, "交办")
    if refusal or unit_id is None or has_cleared_member(unit_id, "handler", 0):
        return refusal
    unit = db.session.get(Unit, unit_id)
    name = unit.name if unit is not None else f"单位 {unit_id}"
    return f"{name}没有在岗的承办人，不能作为牵头承办单位。"


def check_register(form, data):
    """登记 chooses the secrecy and the lead unit: its 承办人 must be cleared, and so must the office's staff who
    交办 it next."""
    errors = {}
    lead = lead_refusal(form.get("lead_unit_id"), form.get("secrecy"))
    if lead:
        errors["lead_unit_id"] = [lead]
    office = uncleared_refusal(data.get("unit_id"), "supervisor", form.get("secrecy"), "交办")
    if office:
        errors["secrecy"] = [office]
    return errors or None


def check_assign(form, data):
    """交办 sends the case to the lead unit's 承办人."""
    if form.get("decision") != "assign":
        return None
    refusal = lead_refusal(data.get("lead_unit_id"), data.get("secrecy"))
    return {"decision": [refusal]} if refusal else None


def check_handle_staff(form, data):
    """报结 goes to the lead unit's signing leader, a 延期 request to the office's staff."""
    if form.get("decision") == "close":
        signer = "principal" if data.get("level") in SIGNER_LEVELS else "leader"
        refusal = uncleared_refusal(data.get("lead_unit_id"), signer, data.get("secrecy"), "签发")
    elif form.get("decision") == "extension":
        refusal = uncleared_refusal(data.get("unit_id"), "supervisor", data.get("secrecy"), "审批")
    else:
        refusal = None
    return {"decision": [refusal]} if refusal else None


def check_sign(form, data):
    """A signed closing report goes to the office's staff to accept."""
    if form.get("decision") != "sign":
        return None
    refusal = uncleared_refusal(data.get("unit_id"), "supervisor", data.get("secrecy"), "审核")
    return {"decision": [refusal]} if refusal else None


STAFF_CHECKS = {"cases.register": check_register, "cases.assign": check_assign, "cases.handle": check_handle_staff,
                "cases.sign": check_sign}


def with_staff_check(key, check):
    """The form's own check (if any), then the staffing check of its next step; the first errors win."""
    staff = STAFF_CHECKS.get(key)
    if staff is None or check is None:
        return staff or check

    def both(form, data):
        return check(form, data) or staff(form, data)

    return both
