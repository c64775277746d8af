"""专项督查 walked through its diagram: proposed, sent back once, approved (the units told), carried out with
findings and a rectification deadline, a closing report sent back once, signed; its state round-trips."""
import json

import pytest

from tests.helpers import act, open_task
from tests.keytasks.helpers import more_units
from tests.web_helpers import page_doc, signed_in, text_of
from webapp.core.errors import NotAllowed
from webapp.engine import runner, serializer, store
from webapp.engine.models import ProcessInstance
from webapp.extensions import db
from webapp.keytasks import projects
from webapp.keytasks.models import SpecialProject
from webapp.notices.models import Notice


def _propose(org):
    return {"title": "河湖长制落实情况专项督查", "scope": "依据市委部署，督查各县河湖长巡河、问题整改落实情况。",
            "unit_ids": [str(org.units["county-a"].id), str(org.units["county-c"].id)], "plan": "七月下旬实地督查"}


def _reload(project):
    db.session.expire_all()
    return db.session.get(SpecialProject, project.id)


def _round_trips(instance_id):
    workflow = store.restore(db.session.get(ProcessInstance, instance_id))
    again = serializer.dumps(serializer.loads(serializer.dumps(workflow), workflow.spec, workflow.subprocess_specs))
    assert json.loads(again) == json.loads(serializer.dumps(workflow))


@pytest.fixture
def project(org):
    more_units(org)
    project, _task = projects.start_project(org.users["dc"])
    db.session.commit()
    return project


def test_a_project_from_proposal_to_closing_report(org, project):
    iid = project.instance_id
    row = open_task(iid)
    assert (row.step_key, row.assignee_id) == ("propose", org.users["dc"].id)
    act(org, "dc", iid, _propose(org))
    row = open_task(iid)
    assert (row.step_key, row.role, row.unit_id) == ("approve", "leader", org.units["city"].id)
    with pytest.raises(NotAllowed):
        runner.complete(row.id, org.users["leader_a"], {"decision": "approve"})
    db.session.rollback()
    act(org, "city_leader", iid, {"decision": "return", "opinion": "请写明督查时间安排。"})
    assert open_task(iid).step_key == "propose" and _reload(project).stage == "proposing"
    _round_trips(iid)
    act(org, "dc", iid, {**_propose(org), "plan": "7月20日至25日实地督查"})
    act(org, "city_leader", iid, {"decision": "approve", "opinion": "同意。"})
    project = _reload(project)
    assert project.stage == "inspecting" and project.approved_dt is not None
    told = db.session.query(Notice).filter(Notice.title.contains("已立项")).all()
    assert len(told) == 4  # the leader and the 承办人 of each supervised unit

    act(org, "dc", iid, {"findings": "a县两条河道巡河记录缺失，c县问题整改台账未闭环。", "requirements": "限期整改。",
                         "rectify_by": "2026-08-31"})
    act(org, "dc", iid, {"report": "本次督查发现问题两项，已督促整改，a县巡河记录已补齐，c县整改台账已闭环。"})
    act(org, "city_leader", iid, {"decision": "return", "opinion": "请附整改佐证。"})
    assert open_task(iid).step_key == "close"
    _round_trips(iid)
    act(org, "dc", iid, {"report": "本次督查发现问题两项，整改佐证见附件：a县巡河记录已补齐，c县整改台账已闭环。"})
    act(org, "city_leader", iid, {"decision": "sign"})
    project = _reload(project)
    assert (project.stage, project.rectify_by.isoformat()) == ("closed", "2026-08-31")
    assert project.closed_dt is not None and "整改佐证" in project.report
    assert db.session.get(ProcessInstance, iid).status == "completed"


def test_only_the_desk_sees_a_project(app, org, project):
    act(org, "dc", project.instance_id, _propose(org))
    leader, _token = signed_in(app, "city_leader")
    doc = page_doc(leader.get(f"/keytasks/projects/{project.id}"))
    assert "河湖长制" in text_of(doc.xpath("//div[@id='project']")[0])
    assert page_doc(leader.get("/keytasks/projects/")).xpath(f"//tr[@data-project-id='{project.id}']")
    unit, _token = signed_in(app, "handler_a")
    assert unit.get(f"/keytasks/projects/{project.id}").status_code == 404
    assert unit.get("/keytasks/projects/").status_code == 404
    assert unit.get(f"/keytasks/projects/instance/{project.instance_id}").status_code == 404


def test_only_a_supervision_office_proposes(org):
    more_units(org)
    with pytest.raises(NotAllowed):
        projects.start_project(org.users["handler_a"])
