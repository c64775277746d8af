"""Two issues of one publication signed off at the same moment by two leaders: each gets its own 期号 (the
publication's lock orders them), never the same number or a unique-index failure."""
from tests.editorial.helpers import adopted, compile_form, publication, staff
from tests.engine.test_concurrency import _in_threads
from tests.helpers import act, open_task
from webapp.auth.models import User
from webapp.core.errors import FormInvalid
from webapp.editorial import issues
from webapp.editorial.models import IssueEntry, PublicationIssue
from webapp.engine import runner
from webapp.extensions import db


def test_two_issues_signed_at_once_get_two_numbers(app, org):
    staff(org)
    org.user("city_leader2", "city", ["leader"])
    db.session.commit()
    pub = publication(org)
    rows = []
    for title in ("甲县春耕进展顺利", "甲县防汛准备就绪"):
        item = adopted(org, title)
        issue, _task = issues.start(org.users["editor"], pub)
        db.session.commit()
        act(org, "editor", issue.instance_id, compile_form([(item, "", "")]))
        act(org, "chief", issue.instance_id, {"decision": "approve"})
        rows.append(open_task(issue.instance_id).id)
    signers = [org.users["city_leader"].id, org.users["city_leader2"].id]

    def sign(index):
        runner.complete(rows[index], db.session.get(User, signers[index]), {"decision": "sign"})
        return "signed"

    assert _in_threads(app, 2, sign) == ["signed", "signed"]
    db.session.expire_all()
    numbers = sorted(i.number for i in db.session.query(PublicationIssue))
    assert numbers == [1, 2]


def test_one_item_compiled_into_two_issues_at_once_goes_into_one(app, org):
    staff(org)
    pub = publication(org)
    item = adopted(org, "甲县春耕进展顺利")
    rows, editors = [], ["editor", "editor_low"]
    for username in editors:
        issue, task = issues.start(org.users[username], pub)
        db.session.commit()
        rows.append(task.id)
    user_ids = [org.users[u].id for u in editors]

    def compile_it(index):
        try:
            runner.complete(rows[index], db.session.get(User, user_ids[index]), compile_form([(item, "", "")]))
        except FormInvalid as exc:
            db.session.rollback()
            return ("refused", exc.fields)
        return "compiled"

    results = _in_threads(app, 2, compile_it)
    refused = ("refused", {"item_1": ["该信息未采用于本刊物，或已编入其他一期"]})
    assert sorted(results, key=str) == [refused, "compiled"]
    db.session.expire_all()
    assert db.session.query(IssueEntry).filter_by(item_id=item.id).count() == 1


def test_a_merge_and_an_adoption_of_one_source_at_once_one_wins(app, org):
    """综合 of a and b while a colleague adopts b: under b's instance lock one of them finds the step done and is
    told so in Chinese; nothing is half merged."""
    from tests.scoring.helpers import submitted_item
    from webapp.editorial import merging
    from webapp.reports.models import InfoItem, ItemMerge

    a = submitted_item(org, "a", "2026-03-02 09:00", title="甲县春耕进展")
    b = submitted_item(org, "b", "2026-03-02 10:00", title="乙县春耕进展")
    row_b = open_task(b.instance_id).id
    user_ids = [org.users["editor"].id, org.users["editor_low"].id]
    values = {"item_ids": [a.id, b.id], "shares": [], "title": "两县春耕综述", "body": "两县春耕进展顺利，农资充足。",
              "category": "经济运行", "secrecy": 0, "urgency": "normal"}

    def work(index):
        user = db.session.get(User, user_ids[index])
        if index == 0:
            merging.merge(user, values)
            return "merged"
        runner.complete(row_b, user, {"decision": "adopt", "publication": "专报", "opinion": ""})
        return "adopted"

    results = _in_threads(app, 2, work)
    db.session.expire_all()
    statuses = (db.session.get(InfoItem, a.id).status, db.session.get(InfoItem, b.id).status)
    if results[0] == "merged":
        assert results[1] == ("conflict", "该任务已被他人处理或已撤销，请刷新待办列表。")
        assert statuses == ("merged", "merged") and db.session.query(ItemMerge).count() == 2
    else:
        told = "“乙县春耕进展”已由他人处理（已采用），不能再综合；请刷新后重新选择。"
        assert results == [("conflict", told), "adopted"]
        assert statuses == ("editing", "adopted") and db.session.query(ItemMerge).count() == 0
