"""A secret case never goes to a unit where nobody of the next step is cleared for it: 登记, 交办 and 报结 refuse
with a message naming the unit, and nothing moves."""
import pytest
from lxml import html

from tests.cases.helpers import CLOSE, REGISTER, new_case, step
from tests.helpers import act, open_task
from tests.web_helpers import login, once
from webapp.cases.operations import register_case
from webapp.core.errors import FormInvalid
from webapp.engine.models import HumanTask
from webapp.extensions import db

REFUSED_A = "a县委办公室没有密级相符的承办人，无法交办秘密件。"


def _lower(org, username, clearance=0):
    org.users[username].clearance = clearance
    db.session.commit()


def _registered(org):
    case, _task = register_case(org.users["dc"])
    db.session.commit()
    return case


def test_registering_a_secret_case_for_a_unit_without_a_cleared_handler_is_refused_on_the_page(app, org):
    _lower(org, "handler_a", 1)  # cleared for 内部, not for 秘密
    client = app.test_client()
    token = login(client, "dc")
    task_url = client.post("/cases/new", data={**once(), "csrf_token": token}).headers["Location"]
    form = {**REGISTER, "csrf_token": token, "secrecy": "2", "lead_unit_id": str(org.units["county-a"].id)}
    response = client.post(task_url, data=form)
    assert response.status_code == 422
    errors = [e.text_content() for e in html.fromstring(response.get_data(as_text=True)).find_class("err")]
    assert errors == [REFUSED_A]
    assert db.session.query(HumanTask).filter_by(state="open").one().step_key == "register"
    # 内部 is within handler_a's clearance, and county-b's handler is cleared for 秘密: both go through.
    assert client.post(task_url, data={**form, "secrecy": "1"}).status_code == 302
    case = new_case(org, lead="county-b", secrecy="2")
    assert step(case) == "handle"


def test_a_deactivated_handler_counts_as_nobody(org):
    org.users["handler_a"].is_active_user = False
    db.session.commit()
    case = _registered(org)
    with pytest.raises(FormInvalid) as refused:
        act(org, "dc", case.instance_id, {**REGISTER, "secrecy": "1", "lead_unit_id": str(org.units["county-a"].id)})
    assert refused.value.fields == {"lead_unit_id": ["a县委办公室没有密级相符的承办人，无法交办内部件。"]}


def test_a_public_case_goes_to_any_unit(org):
    _lower(org, "handler_a")
    case = new_case(org, secrecy="0")
    assert step(case) == "handle" and open_task(case.instance_id).unit_id == org.units["county-a"].id


def test_assigning_is_refused_when_the_handler_lost_clearance_after_registration(org):
    case = _registered(org)
    act(org, "dc", case.instance_id, {**REGISTER, "secrecy": "2", "lead_unit_id": str(org.units["county-a"].id)})
    _lower(org, "handler_a", 1)
    with pytest.raises(FormInvalid) as refused:
        act(org, "dc", case.instance_id, {"decision": "assign", "requirements": "请按期报结。"})
    assert refused.value.fields == {"decision": [REFUSED_A]}
    db.session.rollback()
    assert step(case) == "assign"
    act(org, "dc", case.instance_id, {"decision": "return", "opinion": "请改交其他单位。"})  # returning still works
    assert step(case) == "register"


def test_closing_is_refused_when_the_signing_leader_is_not_cleared(org):
    case = new_case(org, secrecy="2")  # provincial: the principal leader signs
    _lower(org, "principal_a", 1)
    with pytest.raises(FormInvalid) as refused:
        act(org, "handler_a", case.instance_id, CLOSE)
    assert refused.value.fields == {"decision": ["a县委办公室没有密级相符的主要领导，无法签发秘密件。"]}
    db.session.rollback()
    assert step(case) == "handle"
