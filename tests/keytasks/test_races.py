"""Two 督查室 members at once on one ledger: a round is started once, a circular drafted once, a task number
taken once; the second is refused in Chinese, never a unique-index failure."""

from sqlalchemy.exc import IntegrityError

from tests.engine.test_concurrency import _in_threads
from tests.keytasks.helpers import JULY, ledger_with_tasks, more_units
from webapp.auth.models import User
from webapp.core.errors import FormInvalid
from webapp.extensions import db
from webapp.keytasks import circulars, operations, queries
from webapp.keytasks.models import KeyTask, KeyTaskCircular, KeyTaskLedger, KeyTaskReport


def _setup(org):
    more_units(org)
    org.user("dc2", "city-dc", ["supervisor"])
    db.session.commit()
    ledger, _tasks = ledger_with_tasks(org)
    return ledger.id, [org.users["dc"].id, org.users["dc2"].id]


def _guarded(work):
    def run(index):
        try:
            return work(index)
        except FormInvalid as exc:
            db.session.rollback()
            return ("refused", str(exc.fields))
        except IntegrityError:
            db.session.rollback()
            return ("index", "")
    return run


def test_two_rounds_started_at_once_start_each_report_once(app, org):
    ledger_id, users = _setup(org)

    def start(index):
        user, ledger = db.session.get(User, users[index]), db.session.get(KeyTaskLedger, ledger_id)
        return operations.start_round(ledger, JULY, user, queries.tasks_of(user, ledger))

    results = _in_threads(app, 2, _guarded(start))
    assert sorted(results) == [0, 4]
    db.session.expire_all()
    assert db.session.query(KeyTaskReport).count() == 4


def test_two_circulars_drafted_at_once_make_one(app, org):
    ledger_id, users = _setup(org)

    def draft(index):
        user, ledger = db.session.get(User, users[index]), db.session.get(KeyTaskLedger, ledger_id)
        return circulars.start(user, ledger, JULY)[0].id

    results = _in_threads(app, 2, _guarded(draft))
    refused = [r for r in results if isinstance(r, tuple)]
    assert len(refused) == 1 and refused[0][0] == "refused" and "已在起草或审签中" in refused[0][1]
    db.session.expire_all()
    assert db.session.query(KeyTaskCircular).count() == 1


def test_one_number_added_twice_at_once_is_taken_once(app, org):
    ledger_id, users = _setup(org)
    lead = org.units["county-a"].id

    def add(index):
        user, ledger = db.session.get(User, users[index]), db.session.get(KeyTaskLedger, ledger_id)
        return operations.add_task(ledger, {"area": "党的建设", "number": "9", "title": f"并发任务{index}",
                                            "leader_name": "副书记 王某", "lead_unit_id": lead}, user).id

    results = _in_threads(app, 2, _guarded(add))
    refused = [r for r in results if isinstance(r, tuple)]
    assert len(refused) == 1 and refused[0][0] == "refused" and "已在本台账中使用" in refused[0][1]
    db.session.expire_all()
    assert db.session.query(KeyTask).filter_by(number="9").count() == 1


def test_one_ledger_created_twice_at_once_is_created_once(app, org):
    _ledger_id, users = _setup(org)

    def create(index):
        return operations.create_ledger(db.session.get(User, users[index]), {
            "year": 2027, "title": "市委重点工作任务", "checkpoint_mode": "quarterly"}).id

    results = _in_threads(app, 2, _guarded(create))
    refused = [r for r in results if isinstance(r, tuple)]
    assert len(refused) == 1 and refused[0][0] == "refused" and "同名台账" in refused[0][1]
    db.session.expire_all()
    assert db.session.query(KeyTaskLedger).filter_by(year=2027).count() == 1


def test_two_circulars_signed_at_once_take_the_next_two_issue_numbers(app, org):
    """The 期号 is the ledger's next one, taken under the ledger's lock: two sign-offs at once get 1 and 2."""
    from tests.helpers import act, open_task
    from webapp.engine import runner

    ledger_id, users = _setup(org)
    ledger = db.session.get(KeyTaskLedger, ledger_id)
    rows = []
    for checkpoint in (JULY, JULY.replace(month=12, day=31)):
        circular, _task = circulars.start(org.users["dc"], ledger, checkpoint)
        db.session.commit()
        act(org, "dc", circular.instance_id, {"summary": "总体推进有序，个别滞后。", "requirements": "按节点推进。"})
        act(org, "dc2", circular.instance_id, {"decision": "approve"})
        rows.append(open_task(circular.instance_id).id)
    leader_id = org.users["city_leader"].id

    def sign(index):
        runner.complete(rows[index], db.session.get(User, leader_id), {"decision": "sign"})
        return "signed"

    assert _in_threads(app, 2, _guarded(sign)) == ["signed", "signed"]
    db.session.expire_all()
    assert sorted(c.issue_no for c in db.session.query(KeyTaskCircular)) == [1, 2]
