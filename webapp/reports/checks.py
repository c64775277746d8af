"""Form checks that need the people behind the next step: a secret item never goes where nobody may open it."""
from webapp.auth.models import Unit
from webapp.auth.org import with_upward_units
from webapp.core import hooks
from webapp.extensions import db
from webapp.staffing import uncleared_refusal

from .models import InfoItem, ItemMerge
from .schemas import PUBLICATIONS


def check_compose(form, data):
    """采编 sends the item to its unit's 办公室主任 to verify; 直报 goes only to the office the unit is a 直报点 of."""
    report_to = form.get("report_to")
    if report_to is not None:
        unit = db.session.get(Unit, data.get("unit_id"))
        if data.get("forwarded") or unit is None or unit.direct_report_unit_id != report_to:
            return {"report_to": ["本单位不是该信息部门的直报点，请选择本单位的报送单位"]}
    if data.get("forwarded"):
        return None  # 转报修改: the forwarding office sends it up again itself, no 审核 below
    refusal = uncleared_refusal(data.get("unit_id"), "verifier", form.get("secrecy"), "审核")
    return {"secrecy": [refusal]} if refusal else None


def report_target(data):
    """The office a passed item goes to: the 直报 office chosen, else the unit's upward information office."""
    if data.get("report_to"):
        return db.session.get(Unit, data["report_to"])
    unit = with_upward_units(data.get("unit_id")) if data.get("unit_id") else None
    return unit.upward_info_unit() if unit is not None else None


def check_review(form, data):
    """A passed item ends with the upward office's editors (reports.submit_upward routes it there), so every
    核实审核/审签 that passes it refuses a secret item that office has no cleared editor for."""
    if form.get("decision") != "pass" or int(data.get("secrecy") or 0) <= 0:
        return None  # not secret: every editor may take it (`uncleared_refusal` refuses nothing), no unit is read
    target = report_target(data)
    if target is None:
        return None
    refusal = uncleared_refusal(target.id, "editor", data.get("secrecy"), "上报")
    return {"decision": [refusal]} if refusal else None


def publications_of(unit_id):
    """The publications the office `unit_id` adopts into: its own (`hooks.publication_choices`), or the former
    fixed list when no domain answers."""
    names = hooks.ask(hooks.publication_choices, "reports", unit_id=unit_id)
    return list(PUBLICATIONS) if names is None else names


def check_edit(form, data):
    """采用 places the item in one of the adopting office's publications; 综合 comes only from a merge of this item."""
    if form.get("decision") == "merge":
        merged = _merged_here(form.get("merge_token"), data)
        return None if merged else {"decision": ["综合请在“综合信息”页选择要综合的信息"]}
    if form.get("decision") != "adopt":
        return None
    office = (data.get("upward") or {}).get("target_unit_id")
    if office is None or form.get("publication") in publications_of(office):
        return None
    return {"publication": ["请选择本单位的刊物"]}


def _merged_here(token, data):
    """Whether `token` is the merge of this very item (its receipt number names its instance)."""
    receipt = (data.get("upward") or {}).get("receipt_no")
    if not token or not receipt:
        return False
    return (db.session.query(ItemMerge.id).join(InfoItem, InfoItem.id == ItemMerge.source_item_id)
            .filter(ItemMerge.token == token, InfoItem.receipt_no == receipt).first()) is not None


CHECKS = {"reports.compose": check_compose, "reports.review": check_review, "reports.edit": check_edit}
