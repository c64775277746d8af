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
