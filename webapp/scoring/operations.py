"""Writes of scoring: a new version of the table, a 批示 on an item, publishing the month's circular."""
from webapp import audit, months
from webapp.core import clock, hooks
from webapp.core.errors import FormInvalid, NotAllowed, TaskConflict
from webapp.core.forms import load
from webapp.core.links import path_for
from webapp.extensions import db
from webapp.notices import operations as notices
from webapp.reports.models import InfoItem, ItemMerge

from . import queries
from .models import Circular, ItemInstruction, ScoringVersion
from .rules import RulesForm, plain_number, rules_from_form
from .schemas import InstructionSchema, PublishSchema

CIRCULAR_ROLES = ("writer", "verifier", "leader", "principal")


def save_version(raw, user):
    """A new immutable version, in force from its date; a month whose circular is out cannot change."""
    form = load(RulesForm, raw)
    published = (db.session.query(Circular.month).filter(Circular.month >= form["effective_from"].replace(day=1))
                 .order_by(Circular.month.desc()).first())
    if published is not None:
        raise FormInvalid({"effective_from": [
            f"{published.month:%Y年%m月}的通报已发布，新版本只能从{months.next_month(published.month):%Y-%m-%d}起生效"]})
    version = ScoringVersion(effective_from=form["effective_from"], rules=rules_from_form(raw),
                             comment=form["comment"].strip(), author_id=user.id, created_dt=clock.now())
    db.session.add(version)
    db.session.flush()
    audit.record("admin.scoring.save", summary=f"保存考核计分办法（{version.effective_from}起生效）",
                 target_type="scoring_version", target_id=str(version.id),
                 detail={"effective_from": version.effective_from.isoformat(), "rules": version.rules}, user=user)
    return version


def record_instruction(item, raw, user):
    """The adopting office records a leader's 批示 on an adopted item; the item's unit is told."""
    if not queries.may_record_instruction(user, item):
        raise NotAllowed("只有采用该信息的编辑可以登记领导批示。")
    form = load(InstructionSchema, raw)
    row = ItemInstruction(item_id=item.id, unit_id=item.unit_id, leader_name=form["leader_name"].strip(),
                          leader_level=form["leader_level"], text=form["text"].strip(),
                          instructed_on=form["instructed_on"], recorded_by_id=user.id, recorded_dt=clock.now())
    db.session.add(row)
    db.session.flush()
    # a combined item (综合): the units whose items it merged are credited, and told
    merged = [uid for (uid,) in db.session.query(ItemMerge.unit_id).filter_by(combined_item_id=item.id)]
    for unit_id in dict.fromkeys([item.unit_id, *merged]):
        notices.send(f"领导批示：《{item.title}》获{row.leader_name}批示", unit_id=unit_id, role="writer",
                     body=row.text, link=path_for("reports.detail", item_id=item.id), instance_id=item.instance_id)
    if item.origin_item_id is not None:  # a 转报 item: the writer of the chain's first item hears too
        origin = db.session.get(InfoItem, item.origin_item_id)
        notices.send(f"领导批示：转报信息《{item.title}》获{row.leader_name}批示", user_id=origin.author_id,
                     body=row.text, link=path_for("reports.detail", item_id=origin.id), instance_id=origin.instance_id)
    return row


def publish_circular(office, first, raw, user):
    """Freeze the month's ranking as the 月度通报 and tell every ranked unit; once per office and month."""
    if queries.ranking_office(user) != office or not user.has_role("editor"):
        raise NotAllowed("只有本部门信息编辑可以发布月度通报。")
    if first >= clock.local_today().replace(day=1):
        raise TaskConflict("本月尚未结束，月度通报应在月末之后发布。")
    if queries.circular_for(office, first) is not None:
        raise TaskConflict(f"{first:%Y年%m月}的通报已经发布，不能重复发布。")
    form = load(PublishSchema, raw)
    ranking = queries.month_ranking(office, first)
    circular = Circular(issuing_unit_id=office.id, month=first, remark=form["remark"].strip(),
                        scoring_version_id=ranking.versions[-1].id,
                        rows={"columns": queries.columns(ranking), "rows": queries.table_rows(ranking),
                              "unit_ids": [r.unit.id for r in ranking.rows]},
                        published_dt=clock.now(), published_by_id=user.id)
    db.session.add(circular)
    db.session.flush()
    title = f"{office.name}{first:%Y年%m月}信息工作通报"
    for row in ranking.rows:
        for role in CIRCULAR_ROLES:
            link = path_for("scoring.circular", circular_id=circular.id)
            notices.send(title, unit_id=row.unit.id, role=role, link=link,
                         body=f"本单位本月得分 {plain_number(row.score)}，" +
                              (f"排名第 {row.rank} 位。" if row.rank else "因瞒报一票否决，不参加排名。"))
    hooks.announce("circular.published", kind="scoring_circular", object_id=circular.id, title=title,
                   unit_id=office.id, secrecy=0, link=path_for("scoring.circular", circular_id=circular.id))
    return circular
