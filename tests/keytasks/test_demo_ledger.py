"""The demo's key-task ledger (webapp/demo/key_tasks.py): this year's, made through the real operations, with a
round at every stage and a signed circular; loading twice adds nothing."""
from collections import Counter

from webapp.core import clock
from webapp.demo import key_tasks, seed
from webapp.extensions import db
from webapp.keytasks.models import KeyTask, KeyTaskArea, KeyTaskCircular, KeyTaskLedger, KeyTaskReport, KeyTaskSiteVisit


def _counts():
    return [db.session.query(model).count() for model in (KeyTaskLedger, KeyTask, KeyTaskReport, KeyTaskCircular,
                                                          KeyTaskSiteVisit)]


def test_the_demo_ledger_is_loaded_once_with_a_round_and_a_signed_circular():
    before = clock.now()
    seed.load()
    db.session.commit()
    assert clock.now() == before  # the back-dated steps gave the clock back
    ledger = db.session.query(KeyTaskLedger).one()
    assert (ledger.year, ledger.unit.code) == (clock.local_today().year, "city-dc")
    assert db.session.query(KeyTaskArea).filter_by(ledger_id=ledger.id).count() == 8
    assert db.session.query(KeyTask).count() == 20
    stages = Counter(r.stage for r in db.session.query(KeyTaskReport))
    # 10 accepted and 1 completed; 2 returned (back at the lead unit); 2 never sent (still waiting for their
    # cooperating units' parts); 3 at the 督查室; 2 at the unit's leader.
    assert stages == Counter({"accepted": 11, "reporting": 2, "contributing": 2, "reviewing": 3, "signing": 2})
    assert db.session.query(KeyTask).filter(KeyTask.done_dt.isnot(None)).count() == 1
    circular = db.session.query(KeyTaskCircular).one()
    assert (circular.stage, circular.issue_no, circular.published_by.username) == ("published", 1, "ld_city")
    assert circular.tables[0]["total"][1] == 20 and len(circular.tables[0]["rows"]) == 8
    assert len(circular.visits) == 1 and "派人督办1次" in circular.summary

    counts = _counts()
    assert key_tasks.load() == 0
    db.session.commit()
    assert _counts() == counts
