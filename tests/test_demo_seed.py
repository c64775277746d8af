"""`flask govflow setup` loads a demo a new user can log into and find work in, and loading twice adds nothing."""
from webapp.cases.models import InstructionCase
from webapp.demo import seed
from webapp.demo.org_data import DEMO_LOGINS
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.reports.models import InfoItem


def test_demo_loads_items_and_cases_at_every_step_once():
    assert "6 sample items, 4 sample cases" in seed.load()
    db.session.commit()
    assert "0 sample items, 0 sample cases" in seed.load()
    assert db.session.query(InfoItem).count() == 6
    stages = sorted(c.stage for c in db.session.query(InstructionCase))
    assert stages == ["handling", "handling", "handling", "signing"]
    open_steps = {t.step_key for t in db.session.query(HumanTask).filter_by(state="open",
                                                                         process_key="instruction_case")}
    assert open_steps == {"handle", "principal_sign"}
    logins = {username for username, _ in DEMO_LOGINS}
    assert {"dc_city", "cb_qingshan"} <= logins
