"""Two requests at once on one instance: exactly one wins, the other gets a clear conflict."""
import threading
from datetime import timedelta

from sqlalchemy.orm.exc import StaleDataError

from tests.helpers import new_item, open_task
from webapp.auth.models import User
from webapp.core import clock
from webapp.core.errors import TaskConflict
from webapp.engine import runner, timers
from webapp.engine.models import InstanceEvent, Timer
from webapp.extensions import db


def _in_threads(app, count, work):
    barrier = threading.Barrier(count)
    results = [None] * count
    pinned = clock.now()

    def run(index):
        with app.app_context():
            barrier.wait()
            try:
                results[index] = work(index)
                db.session.commit()
            except (TaskConflict, StaleDataError) as exc:
                db.session.rollback()
                results[index] = ("conflict", getattr(exc, "message", str(exc)))
            finally:
                db.session.remove()

    clock.set_fixed(pinned)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_verifiers_completing_one_task_at_once(app, org):
    item = new_item(org)
    row_id = open_task(item.instance_id).id
    verifier_id = org.users["verifier_a"].id

    def complete(_index):
        runner.complete(row_id, db.session.get(User, verifier_id), {"decision": "pass"})
        return "ok"

    results = _in_threads(app, 2, complete)
    assert sorted(r if r == "ok" else r[0] for r in results) == ["conflict", "ok"]
    conflict = next(r for r in results if r != "ok")
    assert "已被" in conflict[1]
    db.session.expire_all()
    assert db.session.query(InstanceEvent).filter_by(instance_id=item.instance_id, step_key="verify").count() == 1
    assert open_task(item.instance_id).step_key == "sign"


def test_two_sweepers_fire_each_timer_exactly_once(app, org):
    from tests.engine.conftest import BPMN_DIR
    from webapp.engine import definitions

    definitions.deploy("timed_approval", (BPMN_DIR / "timed_approval.bpmn").read_text())
    db.session.commit()
    user = org.users["verifier_a"]
    ids = []
    for _ in range(6):
        ids.append(runner.start("timed_approval", user, {"unit_id": user.unit_id}).id)
        db.session.commit()
    clock.advance(timedelta(hours=2))

    results = _in_threads(app, 2, lambda _i: timers.fire_due())
    assert sum(results) == 6
    db.session.expire_all()
    assert db.session.query(Timer).filter(Timer.state == "fired").count() == 6
    for instance_id in ids:
        assert db.session.query(InstanceEvent).filter_by(instance_id=instance_id, action="timer").count() == 1


def test_two_verifiers_claiming_one_group_task_at_once(app, org):
    from webapp.engine import verbs

    org.user("verifier_a2", "county-a", ["verifier"])
    db.session.commit()
    item = new_item(org)
    row_id = open_task(item.instance_id).id
    ids = [org.users["verifier_a"].id, org.users["verifier_a2"].id]

    def claim(index):
        verbs.claim(row_id, db.session.get(User, ids[index]))
        return "ok"

    results = _in_threads(app, 2, claim)
    assert sorted(r if r == "ok" else r[0] for r in results) == ["conflict", "ok"]
    winner = ids[results.index("ok")]
    loser_message = next(r for r in results if r != "ok")[1]
    assert loser_message == f"该任务已由{db.session.get(User, winner).name}签收。"
    db.session.expire_all()
    assert open_task(item.instance_id).assignee_id == winner
    assert db.session.query(InstanceEvent).filter_by(instance_id=item.instance_id, action="claim").count() == 1


def test_a_claim_racing_a_colleagues_submit_never_leaves_a_completed_task_claimed_by_another(app, org):
    from webapp.engine import verbs

    org.user("verifier_a2", "county-a", ["verifier"])
    db.session.commit()
    item = new_item(org)
    row_id = open_task(item.instance_id).id
    claimer, submitter = org.users["verifier_a2"].id, org.users["verifier_a"].id

    def work(index):
        if index == 0:
            verbs.claim(row_id, db.session.get(User, claimer))
        else:
            runner.complete(row_id, db.session.get(User, submitter), {"decision": "pass"})
        return "ok"

    results = _in_threads(app, 2, work)
    db.session.expire_all()
    from webapp.engine.models import HumanTask

    row = db.session.get(HumanTask, row_id)
    if results[1] == "ok":  # the submit went first: the claim was refused
        assert results[0][0] == "conflict"
        assert (row.state, row.completed_by_id, row.assignee_id) == ("completed", submitter, submitter)
    else:  # the claim went first: the colleague's submit was refused, naming the claimer
        assert results == ["ok", ("conflict", "该任务已由用户verifier_a2签收。")]
        assert (row.state, row.assignee_id) == ("open", claimer)
