"""The flash after a step says where the work went and by when, or that the process ended."""
from tests.cases.helpers import CLOSE, new_case
from tests.helpers import act, new_item, open_task
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.step_messages import done_message


def _completed(instance_id, step_key):
    return (db.session.query(HumanTask).filter_by(instance_id=instance_id, step_key=step_key, state="completed")
            .order_by(HumanTask.id.desc()).first())


def test_after_a_step_the_message_names_the_next_step_its_holder_and_its_deadline(org):
    item = new_item(org)
    assert done_message(_completed(item.instance_id, "compose")) == \
        "“采编”已办理，已转至“核实审核”（a县委办公室办公室主任）。"
    case = new_case(org)
    act(org, "handler_a", case.instance_id, CLOSE)
    message = done_message(_completed(case.instance_id, "handle"))
    following = open_task(case.instance_id)
    assert message.startswith("“办理”已办理，已转至“") and following.step_label in message
    assert following.unit.name in message


def test_the_last_step_says_the_process_ended(org):
    item = new_item(org)
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    act(org, "leader_a", item.instance_id, {"decision": "pass"})
    act(org, "editor", item.instance_id, {"decision": "adopt", "publication": "汇要"})
    assert db.session.query(HumanTask).filter_by(instance_id=item.instance_id, state="open").count() == 0
    last = db.session.query(HumanTask).filter_by(instance_id=item.instance_id).order_by(HumanTask.id.desc()).first()
    assert done_message(last) == f"“{last.step_label}”已办理，流程已办结。"
