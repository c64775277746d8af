"""综合: an information office's editor merges several units' items awaiting its feedback into one combined item.

The combined item is an `InfoItem` of the office (`info_merged`: its editors' 编辑处理, then 反馈), so adoption,
publications, issues and 批示 work on it unchanged; it is never submitted (no `submitted_dt`), so it is nobody's
submission. Each source's 编辑处理 is completed with the outcome 综合 (`merge`) and a row of `info_item_merges`
keeps its unit's share: scoring credits each source unit with the combined item's adoption and 批示 by that share.
"""
from collections import Counter
from secrets import token_hex
from uuid import uuid4

from webapp import audit, engine
from webapp.core import clock
from webapp.core.errors import FormInvalid, NotAllowed, TaskConflict
from webapp.core.roles import SECRECY_LEVELS, URGENCY_LEVELS
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.reports.models import InfoItem, ItemMerge
from webapp.reports.queries import item_for_instance, may_see, visible_to

from . import issues

PROCESS_KEY = "info_merged"
EDIT_STEP = "edit"
URGENCY_ORDER = list(URGENCY_LEVELS)
MIN_SOURCES = 2


def may_merge(user):
    """An editor of an information office merges what is submitted to it."""
    return user.has_role("editor") and user.unit.function == "info"


def _open_edits(item_ids):
    rows = (db.session.query(HumanTask).join(InfoItem, InfoItem.instance_id == HumanTask.instance_id)
            .filter(InfoItem.id.in_(item_ids), HumanTask.state == "open", HumanTask.step_key == EDIT_STEP)
            .populate_existing().all())
    return {row.instance_id: row for row in rows}


def candidates(user):
    """Items submitted to the user's office that await its feedback and that the user may handle (clearance,
    not taken by a colleague), newest first."""
    if not may_merge(user):
        return []
    items = (visible_to(user).join(HumanTask, HumanTask.instance_id == InfoItem.instance_id)
             .filter(InfoItem.target_unit_id == user.unit_id, InfoItem.submitted_dt.isnot(None),
                     InfoItem.status == "editing", HumanTask.state == "open", HumanTask.step_key == EDIT_STEP,
                     HumanTask.unit_id == user.unit_id, HumanTask.secrecy <= user.clearance,
                     (HumanTask.assignee_id.is_(None)) | (HumanTask.assignee_id == user.id))
             .order_by(InfoItem.submitted_dt.desc(), InfoItem.id.desc()))
    return items.limit(200).all()


def _distinct(item_ids):
    ids = list(dict.fromkeys(item_ids))
    if len(ids) < MIN_SOURCES:
        raise FormInvalid({"item_ids": [f"请至少选择{MIN_SOURCES}条信息进行综合"]})
    return ids


def _chosen(user, item_ids):
    """The chosen items, in the order given, each one the user may merge now; FormInvalid or TaskConflict in
    Chinese otherwise."""
    ids = _distinct(item_ids)
    found = {item.id: item for item in visible_to(user).filter(InfoItem.id.in_(ids),
                                                               InfoItem.target_unit_id == user.unit_id,
                                                               InfoItem.submitted_dt.isnot(None))
             .populate_existing()}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise FormInvalid({"item_ids": [f"编号为{'、'.join(missing)}的信息不存在、不是报送本单位的信息或您无权查看"]})
    items = [found[i] for i in ids]
    edits = _open_edits(ids)
    for item in items:
        if item.status != "editing" or item.instance_id not in edits:
            raise TaskConflict(f"“{item.title}”{_done_text(item)}，不能再综合；请刷新后重新选择。")
        if not engine.may_act(user, edits[item.instance_id]):
            raise TaskConflict(f"“{item.title}”的编辑处理已由他人签收，您不能综合。")
    return items, edits


def _done_text(item):
    if item.status == "merged":
        into = into_of(item)
        return f"已综合入《{into.combined_item.title}》" if into else "已综合"
    return f"已由他人处理（{item.status_label}）"


def shares_of(count, percents):
    """Each source's share in basis points: blank is equal (the first ones take the remainder); given shares are
    per cent with at most two decimals and must total 100."""
    if not percents:
        base, extra = divmod(ItemMerge.FULL, count)
        return [base + (1 if n < extra else 0) for n in range(count)]
    if len(percents) != count:
        raise FormInvalid({"shares": ["请为每条所选信息填写占比"]})
    points = [round(p * 100) for p in percents]
    if any(abs(p * 100 - bp) > 1e-6 for p, bp in zip(percents, points, strict=True)):
        raise FormInvalid({"shares": ["占比最多保留两位小数"]})
    if any(bp <= 0 for bp in points):
        raise FormInvalid({"shares": ["每条信息的占比应大于0"]})
    if sum(points) != ItemMerge.FULL:
        raise FormInvalid({"shares": [f"各单位占比之和应为100%，现为{sum(points) / 100:g}%"]})
    return points


def prefill(user, item_ids):
    """The merge form for the chosen items: their titles and texts, equal shares, the highest secrecy and
    urgency, the commonest category."""
    items, _edits = _chosen(user, item_ids)
    shares = shares_of(len(items), None)
    return items, {
        "item_ids": [i.id for i in items], "shares": [f"{bp / 100:.2f}" for bp in shares],
        "title": "；".join(i.title for i in items)[:200],
        "body": "\n\n".join(f"【{i.unit.name}】{i.title}\n{i.body}" for i in items)[:20000],
        "category": Counter(i.category for i in items).most_common(1)[0][0],
        "secrecy": max(i.secrecy for i in items), "urgency": _highest_urgency(items),
    }


def _highest_urgency(items):
    return max((i.urgency for i in items), key=lambda u: URGENCY_ORDER.index(u) if u in URGENCY_ORDER else 0)


def _markings(user, items, values):
    secrecy, urgency = max(i.secrecy for i in items), _highest_urgency(items)
    if values["secrecy"] < secrecy:
        raise FormInvalid({"secrecy": [f"密级不得低于所综合信息的最高密级（{SECRECY_LEVELS[secrecy]}）"]})
    if values["secrecy"] > user.clearance:
        raise FormInvalid({"secrecy": ["所选密级高于您的涉密等级"]})
    if URGENCY_ORDER.index(values["urgency"]) < URGENCY_ORDER.index(urgency):
        raise FormInvalid({"urgency": [f"紧急程度不得低于所综合信息的最高紧急程度（{URGENCY_LEVELS[urgency]}）"]})
    return values["secrecy"], values["urgency"]


def merge(user, values):
    """综合: start the combined item at the user's office, complete each source's 编辑处理 with the outcome 综合
    and record each source unit's share. Under the sources' instance locks: a source adopted, returned or merged
    meanwhile is a TaskConflict naming it. Returns the combined item."""
    if not may_merge(user):
        raise NotAllowed("只有信息部门的编辑可以综合信息。")
    shares = shares_of(len(_distinct(values["item_ids"])), values.get("shares"))
    items, _edits = _chosen(user, values["item_ids"])  # the cheap checks first, then again under the locks
    engine.lock_instances([i.instance_id for i in items])
    items, edits = _chosen(user, values["item_ids"])
    secrecy, urgency = _markings(user, items, values)
    office = user.unit
    data = {"unit_id": office.id, "author_id": user.id, "title": values["title"], "body": values["body"],
            "category": values["category"], "importance": "general", "secrecy": secrecy, "urgency": urgency,
            "merged": True, "upward": {"target_unit_id": office.id, "target_unit_name": office.name,
                                       "submitted_at": None, "receipt_no": None}}
    instance = engine.start(PROCESS_KEY, user, data, business_key=f"MI-{uuid4().hex[:20]}")
    combined = item_for_instance(instance.id)
    now = clock.now()
    merges = []
    for item, share in zip(items, shares, strict=True):
        merges.append(ItemMerge(combined_item_id=combined.id, source_item_id=item.id, unit_id=item.unit_id,
                                share_bp=share, token=token_hex(16), merged_by_id=user.id, merged_dt=now))
    db.session.add_all(merges)
    db.session.flush()
    for item, row in zip(items, merges, strict=True):
        engine.complete(edits[item.instance_id].id, user,
                        {"decision": "merge", "opinion": f"已综合入《{combined.title}》", "merge_token": row.token})
    audit.record("editorial.merge", summary=f"综合{len(items)}条信息为《{combined.title}》", target_type="info_item",
                 target_id=combined.id, user=user,
                 detail={"sources": [{"item_id": m.source_item_id, "unit_id": m.unit_id, "share_bp": m.share_bp}
                                     for m in merges]})
    return combined


# --- reads --------------------------------------------------------------------------------------------------------

def into_of(item):
    """The merge that took `item` into a combined item, or None."""
    return db.session.query(ItemMerge).filter_by(source_item_id=item.id).one_or_none()


def sources_of(item):
    """The merges of a combined item, in the order they were chosen."""
    return db.session.query(ItemMerge).filter_by(combined_item_id=item.id).order_by(ItemMerge.id).all()


def item_page(item, user):
    """What an item's page shows of the editorial desk (`hooks.page_extras` of "reports.detail"): where it was
    printed; a source: 已综合入《…》 (linked when the reader may open it); a combined item: its sources and shares."""
    into = into_of(item)
    share = ItemMerge.share_text
    return {**issues.item_page(item, user),
            "merged_into": (into, share(into.share_bp), may_see(user, into.combined_item)) if into else None,
            "merged_sources": [(m, share(m.share_bp), may_see(user, m.source_item)) for m in sources_of(item)]}
