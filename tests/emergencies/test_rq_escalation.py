"""An emergency's limit on the production path: the overdue timer fires on a real RQ worker, not the sweep."""
import time
from datetime import timedelta

from tests.emergencies.helpers import reload, report
from tests.engine.test_rq_timers import rq_workers
from webapp.core import clock
from webapp.engine.models import Timer
from webapp.extensions import db
from webapp.notices.models import Notice


def _wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_the_limit_passes_on_an_rq_worker(rq_app, org, tmp_path):
    # Real clock (the worker's): an event 2 hours minus 3 seconds ago leaves the city limit 3 s away.
    event = (clock.now() - timedelta(hours=2) + timedelta(seconds=3)).astimezone(clock.LOCAL_TZ)
    with rq_workers(rq_app, tmp_path, count=1, sweep_seconds=60):
        emergency = report(org, event.strftime("%Y-%m-%dT%H:%M:%S"))
        fired = _wait_for(lambda: db.session.query(Timer).filter_by(
            instance_id=emergency.instance_id, kind="deadline", state="fired").count() == 1, timeout=20)
    assert fired, (tmp_path / "worker-0.log").read_text(errors="replace")
    overdue = db.session.query(Notice).filter(Notice.instance_id == emergency.instance_id,
                                              Notice.title.contains("已超过报送至市级时限")).all()
    assert {n.role for n in overdue} >= {"leader", "editor", "duty"}
    assert reload(emergency).is_red()
