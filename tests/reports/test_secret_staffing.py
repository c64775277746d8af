"""A secret item never goes where nobody of the next step is cleared for it: composing needs a cleared 办公室主任,
passing it upward a cleared editor at the receiving office; the refusal names the unit and nothing moves."""
import pytest

from tests.helpers import COMPOSE, act, new_item, open_task
from webapp.core.errors import FormInvalid
from webapp.extensions import db
from webapp.reports.operations import create_item


def _lower(org, username, clearance=0):
    org.users[username].clearance = clearance
    db.session.commit()


def test_a_secret_item_is_not_passed_up_to_an_office_without_a_cleared_editor(org):
    _lower(org, "editor")  # editor_low is 公开 only as well: 市委办信息科 has nobody for 内部
    item = new_item(org, secrecy="1")
    with pytest.raises(FormInvalid) as refused:
        act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    assert refused.value.fields == {"decision": ["市委办信息科没有密级相符的编辑，无法上报内部件。"]}
    db.session.rollback()
    assert open_task(item.instance_id).step_key == "verify"
    act(org, "verifier_a", item.instance_id, {"decision": "return", "opinion": "请降低密级或改为内部掌握。"})
    assert open_task(item.instance_id).step_key == "compose"


def test_a_public_item_and_a_cleared_office_go_through(org):
    _lower(org, "editor")
    public = new_item(org)
    act(org, "verifier_a", public.instance_id, {"decision": "pass"})
    act(org, "leader_a", public.instance_id, {"decision": "pass"})
    assert open_task(public.instance_id).step_key == "edit"
    _lower(org, "editor", 1)
    secret = new_item(org, secrecy="1")
    act(org, "verifier_a", secret.instance_id, {"decision": "pass"})
    act(org, "leader_a", secret.instance_id, {"decision": "pass"})
    assert open_task(secret.instance_id).step_key == "edit"


def test_composing_a_secret_item_needs_a_cleared_verifier(org):
    _lower(org, "verifier_a")
    item, _task = create_item(org.users["writer_a"])
    db.session.commit()
    with pytest.raises(FormInvalid) as refused:
        act(org, "writer_a", item.instance_id, {**COMPOSE, "secrecy": "1"})
    assert refused.value.fields == {"secrecy": ["a县委办公室没有密级相符的办公室主任，无法审核内部件。"]}
    db.session.rollback()
    assert open_task(item.instance_id).step_key == "compose"
