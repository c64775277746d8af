"""bench/chaos.py's checks can fail: an instance whose rows left its saved state, a timer fired twice, a timer lost.
(The chaos run itself starts servers of its own and takes minutes: `make bench`, docs/reliability.md.)"""
from datetime import timedelta

from bench.chaos import check_instances, check_timers
from tests.engine.conftest import deploy  # noqa: F401  (the fixture)
from tests.helpers import open_task
from webapp.core import clock
from webapp.engine import runner
from webapp.engine.models import HumanTask, InstanceEvent, Timer
from webapp.extensions import db


def _start(org):
    user = org.users["verifier_a"]
    instance = runner.start("timed_approval", user, {"unit_id": user.unit_id, "title": "混沌检查"})
    db.session.commit()
    return instance.id


def test_consistent_instances_pass(org, deploy):  # noqa: F811
    deploy("timed_approval")
    first = _start(org)
    _start(org)
    runner.complete(open_task(first).id, org.users["verifier_a"], {"decision": "ok"})
    db.session.commit()
    assert check_instances() == (2, [])
    assert check_timers(clock.now()) == (0, 0, 0)


def test_an_open_row_the_workflow_does_not_have_is_inconsistent(org, deploy):  # noqa: F811
    deploy("timed_approval")
    instance_id = _start(org)
    db.session.query(HumanTask).filter_by(instance_id=instance_id).update({"state": "completed"})
    db.session.commit()
    checked, problems = check_instances()
    assert checked == 1 and [i for i, _reason in problems] == [instance_id]
    assert "ready tasks" in problems[0][1]


def test_a_missing_timer_row_is_inconsistent(org, deploy):  # noqa: F811
    deploy("timed_approval")
    instance_id = _start(org)
    db.session.query(Timer).filter_by(instance_id=instance_id).update({"state": "cancelled"})
    db.session.commit()
    assert "waiting timers" in check_instances()[1][0][1]


def test_a_timer_fired_twice_and_a_lost_one_are_counted(org, deploy):  # noqa: F811
    deploy("timed_approval")
    fired = _start(org)
    _start(org)  # never fired: lost once its due time is before the end
    clock.advance(timedelta(hours=2))
    runner.fire_timers(fired)
    db.session.commit()
    assert check_timers(clock.now()) == (1, 0, 1)  # `lost` was due an hour ago and is still armed
    event = db.session.query(InstanceEvent).filter_by(instance_id=fired, action="timer").one()
    db.session.add(InstanceEvent(instance_id=fired, event_dt=clock.now(), action="timer", step_key=event.step_key,
                                 data=event.data))
    db.session.commit()
    assert check_timers(clock.now()) == (1, 1, 1)
    assert check_timers(clock.now() - timedelta(hours=2)) == (1, 1, 0)  # not yet due at that moment
