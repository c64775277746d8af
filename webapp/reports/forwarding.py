"""转报: an information office sends an item it adopted up to the office above, as a new item of the same process
that enters at the upper office's 编辑处理; the chain's first item and unit travel with it for the page and scoring."""
from webapp import engine
from webapp.core.errors import NotAllowed, TaskConflict
from webapp.extensions import db
from webapp.staffing import uncleared_refusal

from .models import InfoItem
from .process import PROCESS_KEY
from .queries import item_for_instance

# What the forwarded item keeps of the item below (secrecy and urgency become the new instance's markings).
COPIED = ("title", "body", "category", "urgency", "importance", "secrecy", "source_unit", "problem_report")


def forwarding_unit(office):
    """The unit an office forwards for: an information office's parent (青山县委办公室 for 青山县委办信息科), or the
    unit itself where it has no information office and its editors receive its townships' items."""
    if office is None:
        return None
    return office.parent if office.kind == "office" else office


def upper_office(office):
    """The information office above `office`, where its forwards go; None at the top."""
    unit = forwarding_unit(office)
    return unit.upward_info_unit() if unit is not None else None


def forward_of(item):
    """The item forwarded from `item` (one per item and level), or None."""
    return db.session.query(InfoItem).filter_by(forwarded_from_id=item.id).one_or_none()


def may_forward(user, item):
    """An editor of the office that adopted the item may forward it once to the office above."""
    return (item.outcome == "adopt" and item.status == "adopted" and user.has_role("editor")
            and item.target_unit_id == user.unit_id and upper_office(user.unit) is not None
            and user.clearance >= item.secrecy and forward_of(item) is None)


def forward(user, item):
    """Start the forwarded item at the office above (under the source item's instance lock, so two posts at once
    forward once); returns the new item. Flushes only."""
    engine.lock_instance(item.instance_id)
    db.session.refresh(item)
    if forward_of(item) is not None:
        raise TaskConflict("该信息已转报上级，不能重复转报。")
    if not may_forward(user, item):
        raise NotAllowed("只有采用该信息的信息部门编辑可以转报已采用的信息。")
    target = upper_office(user.unit)
    refusal = uncleared_refusal(target.id, "editor", item.secrecy, "转报")
    if refusal:
        raise NotAllowed(refusal)
    values = item.form_values()
    data = {name: values[name] for name in COPIED if name in values}
    data.update(urgency=item.urgency, secrecy=item.secrecy, event_time=values.get("event_time") or None,
                unit_id=forwarding_unit(user.unit).id, author_id=user.id, forwarded=True, report_to=None,
                forwarded_from_id=item.id, origin_item_id=item.chain_root_id, origin_unit_id=item.credited_unit_id,
                origin_author_id=_origin_author(item), forwarder_unit_id=user.unit_id)
    instance = engine.start(PROCESS_KEY, user, data)
    return item_for_instance(instance.id)


def _origin_author(item):
    root = db.session.get(InfoItem, item.chain_root_id)
    return root.author_id if root is not None else None
