"""Issues (期) of a publication, walked through `publication_issue`: the editor compiles adopted items (order,
headline, 编者按), the office's 科长 reviews, the leader the publication names signs it off. On sign-off the issue gets
the next 期号 of its publication (and year) under the publication's lock, its texts are frozen and it is sent to its
list; every item in it shows "已刊用于《…》第N期" on its page."""
from uuid import uuid4

from sqlalchemy import func, update

from webapp import audit, engine
from webapp.core import clock
from webapp.core.errors import FormInvalid, NotAllowed, NotFound
from webapp.core.links import path_for
from webapp.engine.models import HumanTask, InstanceEvent, ProcessInstance
from webapp.extensions import db
from webapp.notices.operations import send
from webapp.reports import queries
from webapp.reports.models import InfoItem

from . import publications
from .models import IssueEntry, Publication, PublicationIssue
from .schemas import MAX_ENTRIES, entries_of

PROCESS_KEY = "publication_issue"
STEP_STAGES = {"compile": "editing", "review": "reviewing", "sign": "signing", "sign_principal": "signing"}
SIGN_STEPS = ("sign", "sign_principal")
LEADER_ROLES = ("leader", "principal")


def for_instance(instance_id):
    return db.session.query(PublicationIssue).filter_by(instance_id=instance_id).one_or_none()


def start(user, publication):
    """编辑新一期: the draft opens in the editor's 待办; the office's parent unit's leader signs it off."""
    if not publications.is_editor_of(user, publication.unit_id):
        raise NotAllowed("只有本单位的编辑可以编辑刊物。")
    if not publication.active:
        raise FormInvalid({"publication_id": ["该刊物已停用"]})
    office = publication.unit
    if office.parent_id is None:
        raise FormInvalid({"publication_id": ["本单位没有上级单位，无人签发刊物"]})
    key = f"PI-{uuid4().hex[:20]}"  # lets the compile step's check find its own issue
    data = {"issue_key": key, "unit_id": office.id, "leader_unit_id": office.parent_id,
            "publication_id": publication.id, "editor_id": user.id, "signer_role": publication.signer_role,
            "title": f"《{publication.name}》新一期", "secrecy": 0, "urgency": "normal"}
    instance = engine.start(PROCESS_KEY, user, data, business_key=key)
    task = db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open").one()
    return for_instance(instance.id), task


def candidates(publication, issue=None):
    """Items adopted into this publication at its office and not yet in another issue (those of `issue` kept)."""
    taken = db.session.query(IssueEntry.item_id)
    if issue is not None:
        taken = taken.filter(IssueEntry.issue_id != issue.id)
    return (db.session.query(InfoItem)
            .filter(InfoItem.target_unit_id == publication.unit_id, InfoItem.outcome == "adopt",
                    InfoItem.status == "adopted", InfoItem.publication == publication.name,
                    InfoItem.id.notin_(taken))
            .order_by(InfoItem.feedback_dt.desc(), InfoItem.id.desc()).all())


def check_compile(form, data):
    """The slots name items adopted into this publication and in no other issue; the issue is marked at least as
    secret as its most secret item (read under the instance lock when the step is submitted, then the publication's:
    two issues compiled at once cannot both take one item)."""
    publication = db.session.get(Publication, data.get("publication_id"))
    lock_publication(publication)
    issue = (db.session.query(PublicationIssue)
             .join(ProcessInstance, ProcessInstance.id == PublicationIssue.instance_id)
             .filter(ProcessInstance.business_key == data.get("issue_key")).one_or_none())
    allowed = {item.id: item for item in candidates(publication, issue)}
    problems = {}
    chosen = [item_id for item_id, _headline, _note in entries_of(form)]
    for n in range(1, MAX_ENTRIES + 1):
        item_id = form.get(f"item_{n}")
        if item_id and item_id not in allowed:
            problems[f"item_{n}"] = ["该信息未采用于本刊物，或已编入其他一期"]
    if problems:
        return problems
    top = max((allowed[i].secrecy for i in chosen), default=0)
    if int(form.get("secrecy") or 0) < top:
        return {"secrecy": ["本期所含信息的密级高于所选密级"]}
    return None


def _sync_entries(issue, data):
    entries = entries_of(data)
    wanted = {item_id for item_id, _h, _n in entries}
    for entry in list(issue.entries):
        if entry.item_id not in wanted:
            issue.entries.remove(entry)
            db.session.delete(entry)
    db.session.flush()
    existing = {entry.item_id: entry for entry in issue.entries}
    for position, (item_id, headline, note) in enumerate(entries, start=1):
        item = db.session.get(InfoItem, item_id)
        entry = existing.get(item_id)
        if entry is None:
            entry = IssueEntry(item_id=item_id)
            db.session.add(entry)
            issue.entries.append(entry)
        entry.position, entry.headline, entry.note = position, headline or item.title, note


def project_issue(instance, data):
    """Keep the publication_issues row in step with its instance (same transaction); nothing changes once signed."""
    issue = for_instance(instance.id)
    if issue is None:
        issue = PublicationIssue(publication_id=data["publication_id"], instance_id=instance.id,
                                 editor_id=data["editor_id"], created_dt=clock.now())
        db.session.add(issue)
        db.session.flush()
    if issue.is_signed:
        return
    issue.secrecy, issue.urgency = int(instance.secrecy or 0), instance.urgency or "normal"
    if "item_1" in data:
        _sync_entries(issue, data)
    db.session.flush()
    open_task = (db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open")
                 .order_by(HumanTask.id).first())
    if instance.status == "completed":
        issue.stage = "signed"
        _sign_off(issue, instance)
    elif open_task is not None:
        issue.stage = STEP_STAGES.get(open_task.step_key, open_task.step_key)


def lock_publication(publication):
    """The publication's row lock (PostgreSQL) or the write lock (SQLite) before reading its last 期号."""
    db.session.execute(update(Publication).where(Publication.id == publication.id).values(id=Publication.id))


def next_number(publication, year):
    """The publication's next 期号: counted per year, or on from the last whatever its year."""
    query = db.session.query(func.max(PublicationIssue.number)).filter_by(publication_id=publication.id)
    if publication.numbered_per_year:
        query = query.filter_by(year=year)
    return (query.scalar() or 0) + 1


def _sign_off(issue, instance):
    publication = issue.publication
    lock_publication(publication)
    signed = (db.session.query(HumanTask).filter(HumanTask.instance_id == instance.id,
                                                 HumanTask.step_key.in_(SIGN_STEPS), HumanTask.state == "completed")
              .order_by(HumanTask.completed_dt.desc(), HumanTask.id.desc()).first())
    now = clock.now()
    issue.year = now.astimezone(clock.LOCAL_TZ).year
    issue.number = next_number(publication, issue.year)
    issue.signed_dt = now
    issue.signed_by_id = signed.completed_by_id if signed else None
    issue.masthead, issue.issuer = publication.name, publication.unit.name
    issue.distribution = {"bao": publication.bao, "song": publication.song, "fa": publication.fa,
                          "recipient_unit_ids": list(publication.recipient_unit_ids or [])}
    for entry in issue.entries:
        entry.body, entry.unit_name = entry.item.body, entry.item.unit.name
    db.session.flush()
    _distribute(issue, publication)
    audit.record("editorial.issue.sign", summary=f"{issue.label}签发", target_type="publication_issue",
                 target_id=issue.id, user=signed.completed_by if signed else None,
                 detail={"publication_id": publication.id, "year": issue.year, "number": issue.number})


def _distribute(issue, publication):
    """In-app notices: the leaders of the office's parent unit and of each recipient unit; each unit whose item is
    in the issue (its 信息员 and 办公室主任) hears that it was printed."""
    link = path_for("editorial.issue_print", issue_id=issue.id)
    title = f"{issue.label}已印发"
    leader_units = [publication.unit.parent_id, *issue.distribution["recipient_unit_ids"]]
    for unit_id in dict.fromkeys(leader_units):
        for role in LEADER_ROLES:
            send(title, unit_id=unit_id, role=role, link=link, instance_id=issue.instance_id)
    for entry in issue.entries:
        used = f"“{entry.item.title}”已刊用于{issue.label}"
        for role in ("writer", "verifier"):
            send(used, unit_id=entry.item.unit_id, role=role, instance_id=entry.item.instance_id,
                 link=path_for("reports.detail", item_id=entry.item_id))


def _may_see(user, issue, signed_only_for_others=True):
    if user.clearance < issue.secrecy:
        return False
    publication = issue.publication
    if user.unit_id == publication.unit_id:
        return True
    if user.unit_id == publication.unit.parent_id and user.roles & set(LEADER_ROLES):
        return True
    if not issue.is_signed and signed_only_for_others:
        return False
    recipients = set((issue.distribution or {}).get("recipient_unit_ids") or [])
    return user.unit_id in recipients or any(entry.item.unit_id == user.unit_id for entry in issue.entries)


def get_visible(user, issue_id):
    """An issue for its office and the leaders who sign it; a signed one also for its recipients and the units
    whose items are in it; never above the reader's clearance."""
    issue = db.session.get(PublicationIssue, issue_id)
    if issue is None or not _may_see(user, issue):
        raise NotFound("刊物不存在或您无权查看。")
    return issue


def visible_instance(user, instance_id):
    issue = for_instance(instance_id)
    return issue is not None and _may_see(user, issue)


def link_for_instance(instance_id):
    issue = for_instance(instance_id)
    return path_for("editorial.issue", issue_id=issue.id) if issue else None


def of_publication(publication, limit=100):
    return (db.session.query(PublicationIssue).filter_by(publication_id=publication.id)
            .order_by(PublicationIssue.year.desc().nulls_first(), PublicationIssue.number.desc(),
                      PublicationIssue.id.desc()).limit(limit).all())


def history(issue):
    return (db.session.query(InstanceEvent).filter_by(instance_id=issue.instance_id)
            .order_by(InstanceEvent.event_dt, InstanceEvent.id).all())


def uses_of(item):
    """The signed issues an item was printed in."""
    return (db.session.query(PublicationIssue).join(IssueEntry, IssueEntry.issue_id == PublicationIssue.id)
            .filter(IssueEntry.item_id == item.id, PublicationIssue.signed_dt.isnot(None))
            .order_by(PublicationIssue.signed_dt).all())


def item_page(item, user):
    """What an item's page shows (`hooks.page_extras` of "reports.detail"): 已刊用于《…》第N期, with a link to the
    issue when the reader may open it."""
    chain = queries.chain_of(item, user)
    return {"issue_uses": [(issue, _may_see(user, issue)) for issue in uses_of(item)],
            "chain_issues": {level.id: [issue.label for issue in uses_of(level)] for level in chain} if len(chain) > 1
            else {}}


def instance_of(issue):
    return db.session.get(ProcessInstance, issue.instance_id)

