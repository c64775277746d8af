"""The designer's pages and JSON endpoints: who may use them, deploy with problems on elements, versions, rollback."""
import json
from pathlib import Path

import pytest

from tests.cases.helpers import new_case, step
from tests.web_helpers import login
from webapp.engine import definitions
from webapp.engine.models import ProcessDefinition, ProcessInstance
from webapp.extensions import db

CASE_BPMN = Path("processes/instruction_case.bpmn").read_text(encoding="utf-8")
REMINDER = (  # a non-interrupting reminder on 承办, as the editor's 添加提醒定时器 writes it
    '<bpmn:boundaryEvent id="b_mid" name="办理中期提醒" attachedToRef="handling" cancelActivity="false">'
    '<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="kind" value="reminder" />'
    "</spiffworkflow:properties></bpmn:extensionElements>"
    "<bpmn:timerEventDefinition><bpmn:timeDuration>'P3D'</bpmn:timeDuration></bpmn:timerEventDefinition>"
    "</bpmn:boundaryEvent>"
)


def with_reminder(xml=CASE_BPMN):
    anchor = '<bpmn:boundaryEvent id="b_remind"'
    return xml.replace(anchor, REMINDER + anchor, 1)


def post_json(client, url, token, body):
    return client.post(url, data=json.dumps(body), content_type="application/json",
                       headers={"X-CSRF-Token": token, "Accept": "application/json"})


@pytest.mark.parametrize("url", ["/admin/designer/", "/admin/designer/new", "/admin/designer/instruction_case/edit",
                                 "/admin/designer/instruction_case/versions",
                                 "/admin/designer/instruction_case/migrate",
                                 "/admin/designer/instruction_case/versions/1"])
def test_only_admins_open_the_designer(app, org, url):
    supervisor, admin = app.test_client(), app.test_client()
    login(supervisor, "dc")
    assert supervisor.get(url).status_code == 403
    login(admin, "admin")
    assert admin.get(url).status_code == 200


def test_deploy_creates_a_version_new_cases_use_while_old_ones_keep_theirs(app, client, org):
    old = new_case(org)
    token = login(client, "admin")
    response = post_json(client, "/admin/designer/deploy", token,
                         {"xml": with_reminder(), "comment": "增加办理中期提醒", "process_key": "instruction_case"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["version"] == 2 and response.get_json()["created"]
    v2 = definitions.latest("instruction_case")
    assert (v2.version, v2.comment, v2.deployed_by.username) == (2, "增加办理中期提醒", "admin")
    new = new_case(org)
    assert step(new) == step(old) == "handle"
    assert db.session.get(ProcessInstance, new.instance_id).definition_id == v2.id
    assert db.session.get(ProcessInstance, old.instance_id).definition.version == 1
    supervisor = app.test_client()
    login(supervisor, "dc")
    page = supervisor.get(f"/cases/{new.id}").get_data(as_text=True)
    assert "办理中期提醒" in page  # the new case's armed timers, under its diagram
    assert "办理中期提醒" not in supervisor.get(f"/cases/{old.id}").get_data(as_text=True)
    versions = client.get("/admin/designer/instruction_case/versions").get_data(as_text=True)
    assert "增加办理中期提醒" in versions and "新增 1" in versions


def test_deploying_the_same_diagram_again_makes_no_version(client, org):
    token = login(client, "admin")
    response = post_json(client, "/admin/designer/deploy", token,
                         {"xml": CASE_BPMN, "comment": "原样", "process_key": "instruction_case"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["version"], body["created"]) == (1, False)


def test_a_diagram_with_errors_is_refused_with_problems_on_its_elements(client, org):
    token = login(client, "admin")
    broken = CASE_BPMN.replace('id="cases.remind"', 'id="cases.no_such_handler"')
    response = post_json(client, "/admin/designer/deploy", token,
                         {"xml": broken, "comment": "坏的", "process_key": "instruction_case"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid_bpmn"
    assert any(p["element_id"] == "remind" and "cases.no_such_handler" in p["message"] for p in body["errors"])
    assert db.session.query(ProcessDefinition).filter_by(process_key="instruction_case").count() == 1


@pytest.mark.parametrize("xml", ["", "<bpmn:definitions", "not xml at all", "<?xml version='1.0'?><a/>"])
def test_malformed_uploads_get_a_json_error_never_a_500(client, org, xml):
    token = login(client, "admin")
    response = post_json(client, "/admin/designer/deploy", token, {"xml": xml, "comment": "x"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"]
    checked = post_json(client, "/admin/designer/validate", token, {"xml": xml})
    assert checked.status_code in (200, 422)
    if checked.status_code == 200:
        assert checked.get_json()["errors"]


def test_a_deploy_needs_a_comment(client, org):
    token = login(client, "admin")
    response = post_json(client, "/admin/designer/deploy", token, {"xml": CASE_BPMN, "comment": ""})
    assert response.status_code == 422
    assert "版本说明" in json.dumps(response.get_json(), ensure_ascii=False)


def test_rollback_makes_an_older_version_the_one_new_cases_start_on(client, org):
    token = login(client, "admin")
    assert post_json(client, "/admin/designer/deploy", token,
                     {"xml": with_reminder(), "comment": "v2", "process_key": "instruction_case"}).status_code == 200
    response = client.post("/admin/designer/instruction_case/versions/1/rollback", data={"csrf_token": token})
    assert response.status_code == 302
    assert definitions.latest("instruction_case").version == 1
    case = new_case(org)
    assert db.session.get(ProcessInstance, case.instance_id).definition.version == 1
    # A restart deploys processes/ again: neither the rollback nor v2 is undone.
    from webapp.cli import deploy_directory

    deploy_directory("processes")
    assert definitions.latest("instruction_case").version == 1
    assert db.session.query(ProcessDefinition).filter_by(process_key="instruction_case").count() == 2


def test_a_deployed_version_downloads_as_its_exact_bpmn(client, org):
    login(client, "admin")
    definition = definitions.latest("info_report")
    response = client.get(f"/admin/designer/definitions/{definition.id}.bpmn?download=1")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == Path("processes/info_report.bpmn").read_text(encoding="utf-8")
    assert "attachment" in response.headers["Content-Disposition"]


def test_the_migration_page_moves_the_ticked_cases_and_their_history_says_so(app, client, org):
    old = new_case(org)
    token = login(client, "admin")
    assert post_json(client, "/admin/designer/deploy", token, {"xml": with_reminder(), "comment": "v2",
                                                                "process_key": "instruction_case"}).status_code == 200
    page = client.get("/admin/designer/instruction_case/migrate").get_data(as_text=True)
    assert f'id="plan-{old.instance_id}"' in page and "可迁移" in page and "办理中期提醒" in page

    response = client.post("/admin/designer/instruction_case/migrate",
                           data={"csrf_token": token, "instance_id": str(old.instance_id)}, follow_redirects=True)

    assert "已迁移 1 个实例到 v2" in response.get_data(as_text=True)
    assert db.session.get(ProcessInstance, old.instance_id).definition.version == 2
    supervisor = app.test_client()
    login(supervisor, "dc")
    case_page = supervisor.get(f"/cases/{old.id}").get_data(as_text=True)
    assert "办理中期提醒" in case_page  # armed now, listed under the diagram
    assert "流程迁移到新版本</span>（v1 → v2）" in case_page  # and the history says when and by whom
    assert "没有需要迁移" in client.get("/admin/designer/instruction_case/migrate").get_data(as_text=True)


def test_migrating_nothing_is_a_clear_error(client, org):
    token = login(client, "admin")
    response = client.post("/admin/designer/instruction_case/migrate", data={"csrf_token": token},
                           headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert "请选择要迁移的实例" in json.dumps(response.get_json(), ensure_ascii=False)
