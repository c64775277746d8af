"""Forms of the 督查通报 (key_task_circular): starting the draft, the office's text, the review and the sign-off."""
import re

from webapp.extensions import db
from webapp.inputs.fields import Day
from webapp.inputs.schemas import FormSchema

from .models import KeyTaskArea
from .schemas import ApproveSchema, SignSchema, _text

AREA_LINE = re.compile(r"^\s*([^：:]{1,100}?)\s*[：:]\s*(.+?)\s*$")


def parse_area_remarks(text, area_names):
    """'经济发展：推进有力……' one line per area as [[area, remark]] in the ledger's order, plus the problems."""
    found, problems = {}, []
    for line in (part.strip() for part in (text or "").splitlines()):
        if not line:
            continue
        match = AREA_LINE.match(line)
        if match is None:
            problems.append(f"“{line[:20]}”应写成“领域：点评”")
        elif match[1] not in area_names:
            problems.append(f"领域“{match[1][:20]}”不在本台账中")
        elif match[1] in found:
            problems.append(f"领域“{match[1]}”写了两次")
        else:
            found[match[1]] = match[2]
    return [[name, found[name]] for name in area_names if name in found], problems


def area_names(ledger_id):
    return [name for (name,) in db.session.query(KeyTaskArea.name).filter_by(ledger_id=ledger_id)
            .order_by(KeyTaskArea.position, KeyTaskArea.id)]


class StartCircularSchema(FormSchema):
    """起草督查通报 of a checkpoint of the ledger."""

    checkpoint = Day(required=True)


class CircularDraftSchema(FormSchema):
    """The office's text around the figures: 总体情况, a remark per area, 下一步要求."""

    summary = _text(5000, required=True, min_len=10)
    area_remarks = _text(5000)
    requirements = _text(5000, required=True, min_len=4)


def check_draft(form, data):
    """The per-area remarks name the ledger's areas (read when the draft is submitted, under the instance lock)."""
    _found, problems = parse_area_remarks(form.get("area_remarks", ""), area_names(data.get("ledger_id")))
    if problems:
        return {"area_remarks": problems}
    return None


FORMS = {
    "keytasks.circular_draft": (CircularDraftSchema, check_draft),
    "keytasks.circular_review": (ApproveSchema, None),  # 审核通过 / 退回修改 with the reasons
    "keytasks.circular_sign": (SignSchema, None),  # 签发 / 退回修改 with the reasons
}
