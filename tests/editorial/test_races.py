"""Two issues of one publication signed off at the same moment by two leaders: each gets its own 期号 (the
publication's lock orders them), never the same number or a unique-index failure."""
from tests.editorial.helpers import adopted, compile_form, publication, staff
from tests.engine.test_concurrency import _in_threads
from tests.helpers import act, open_task
from webapp.auth.models import User
from webapp.editorial import issues
from webapp.editorial.models import PublicationIssue
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
