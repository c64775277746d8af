"""专项督查 walked through its diagram: proposed, sent back once, approved (the units told), then one branch per
inspected unit — the 督查室's findings with a deadline in working days, the unit's rectification in its own inbox
under a reminder and a deadline timer, the 督查室's acceptance or return — and closed with a report listing every
unit; its state round-trips."""
import json

import pytest

from tests.helpers import act, open_task
from tests.keytasks.helpers import local, more_units, travel_to
from tests.web_helpers import page_doc, signed_in, text_of
from webapp.core.errors import FormInvalid, NotAllowed
from webapp.engine import runner, serializer, store
from webapp.engine.models import HumanTask, ProcessInstance, Timer
from webapp.extensions import db
from webapp.keytasks import projects
from webapp.keytasks.models import SpecialProject, SpecialProjectUnit
from webapp.notices.models import Notice

UNITS = ("county-a", "county-c", "county-d")


def _propose(org, units=UNITS):
    return {"title": "河湖长制落实情况专项督查", "scope": "依据市委部署，督查各县河湖长巡河、问题整改落实情况。",
            "unit_ids": [str(org.units[code].id) for code in units], "plan": "七月下旬实地督查"}


def _reload(project):
    db.session.expire_all()
    return db.session.get(SpecialProject, project.id)


def _round_trips(instance_id):
    workflow = store.restore(db.session.get(ProcessInstance, instance_id))
    again = serializer.dumps(serializer.loads(serializer.dumps(workflow), workflow.spec, workflow.subprocess_specs))
    assert json.loads(again) == json.loads(serializer.dumps(workflow))


def _open(iid, step):
    db.session.expire_all()
    return db.session.query(HumanTask).filter_by(instance_id=iid, state="open", step_key=step).order_by(
        HumanTask.id).all()


def _unit(project, code, org):
    db.session.expire_all()
    return db.session.query(SpecialProjectUnit).filter_by(project_id=project.id, unit_id=org.units[code].id).one()


def _do(org, username, row, form):
    runner.complete(row.id, org.users[username], form)
    db.session.commit()


def _rectify(org, project, code, text="已逐项整改：补齐巡河记录，建立问题整改台账并闭环销号。"):
    row = next(r for r in _open(project.instance_id, "rectify") if r.unit_id == org.units[code].id)
    _do(org, f"handler_{code[-1]}", row, {"rectification": text})


def _check(org, project, code, decision, opinion=""):
    """The 督查室's check of one unit: its row is found through the task's own data (which unit it is about)."""
    for row in _open(project.instance_id, "check"):
        if projects.unit_of_task(project, row).unit_id == org.units[code].id:
            return _do(org, "dc", row, {"decision": decision, "opinion": opinion})
    raise AssertionError(f"no check step open for {code}")


@pytest.fixture
def project(org):
    more_units(org)
    travel_to(local("2026-07-20 09:00:00"))  # a Monday
    project, _task = projects.start_project(org.users["dc"])
    db.session.commit()
    return project


def _approved(org, project):
    iid = project.instance_id
    act(org, "dc", iid, _propose(org))
    act(org, "city_leader", iid, {"decision": "approve", "opinion": "同意。"})


def test_a_project_with_three_units_from_proposal_to_closing_report(app, org, project):
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
    act(org, "dc", iid, {**_propose(org), "plan": "7月20日至25日实地督查"})
    act(org, "city_leader", iid, {"decision": "approve", "opinion": "同意。"})
    project = _reload(project)
    assert project.stage == "inspecting" and project.approved_dt is not None
    assert db.session.query(Notice).filter(Notice.title.contains("已立项")).count() == 6  # leader, 承办人 × 3

    # One findings step per unit, all the 督查室's; each knows its unit from its own data.
    findings = _open(iid, "findings")
    assert len(findings) == 3 and {(r.role, r.unit_id) for r in findings} == {("supervisor", org.units["city-dc"].id)}
    about = {projects.unit_of_task(project, r).unit_id: r for r in findings}
    assert set(about) == {org.units[code].id for code in UNITS}
    days = {"county-a": 10, "county-c": 10, "county-d": 5}
    for code in UNITS:
        _do(org, "dc", about[org.units[code].id], {"unit_findings": f"{code}巡河记录缺失，问题整改台账未闭环。",
                                                   "unit_requirements": "限期整改。", "rectify_days": str(days[code])})
    _round_trips(iid)
    # 5 working days from Monday 20 July: Monday 27 July, end of day; 10: Monday 3 August.
    assert _unit(project, "county-d", org).due_dt == local("2026-07-27 23:59:59")
    assert _unit(project, "county-a", org).due_dt == local("2026-08-03 23:59:59")
    assert db.session.query(Timer).filter_by(instance_id=iid, state="armed").count() == 6  # reminder + deadline each
    rectify = _open(iid, "rectify")
    assert sorted(r.unit_id for r in rectify) == sorted(org.units[code].id for code in UNITS)
    assert {r.role for r in rectify} == {"handler"}
    assert db.session.query(Notice).filter(Notice.title.contains("前报送整改情况")).count() == 6

    # county-a: reported and accepted. county-c: returned once, then accepted.
    _rectify(org, project, "county-a")
    _check(org, project, "county-a", "accept", "整改到位。")
    _rectify(org, project, "county-c", "已补齐全部河道的巡河记录。")
    _check(org, project, "county-c", "return", "整改台账未见销号佐证，请补充。")
    c = _unit(project, "county-c", org)
    assert (c.stage, c.return_count, c.accepted_dt) == ("rectifying", 1, None)
    assert sorted(r.unit_id for r in _open(iid, "rectify")) == sorted(org.units[c].id for c in ("county-c", "county-d"))
    _rectify(org, project, "county-c", "已补齐巡河记录，整改台账逐项销号，佐证材料附后。")
    _check(org, project, "county-c", "accept")

    # county-d is late: reminded three working days before, marked overdue once the deadline passes.
    assert _unit(project, "county-d", org).reminded_dt is None
    travel_to(local("2026-07-23 09:00:00"))  # past end of Wednesday 22 July
    d = _unit(project, "county-d", org)
    assert d.reminded_dt is not None and d.overdue_dt is None
    assert _unit(project, "county-a", org).reminded_dt is None  # its report was in: no reminder
    assert db.session.query(Notice).filter(Notice.title.contains("将至")).count() == 1
    travel_to(local("2026-07-28 09:00:00"))
    d = _unit(project, "county-d", org)
    assert d.overdue_dt is not None and d.light(local("2026-07-28 09:00:00")) == "red"
    assert db.session.query(Notice).filter(Notice.title.contains("尚未报送整改情况")).count() == 3  # 督查室, unit × 2
    desk, _token = signed_in(app, "dc")
    lights = {int(tr.get("data-unit-id")): tr.get("data-light") for tr in
              page_doc(desk.get(f"/keytasks/projects/{project.id}")).xpath("//table[@id='project-unit-rows']/tbody/tr")}
    assert lights == {org.units["county-a"].id: "done", org.units["county-c"].id: "done",
                      org.units["county-d"].id: "red"}
    listed = page_doc(desk.get("/keytasks/projects/")).xpath(f"//tr[@data-project-id='{project.id}']")[0]
    assert text_of(listed.xpath("td[@class='project-progress']")[0]) == "2 / 3"
    _round_trips(iid)
    _rectify(org, project, "county-d")
    _check(org, project, "county-d", "accept")
    d = _unit(project, "county-d", org)
    assert d.stage == "accepted" and d.overdue_dt is not None and d.reported_dt > d.due_dt

    # Every unit done: the closing report, drafted from every unit's findings and status.
    row = open_task(iid)
    assert row.step_key == "close" and _reload(project).stage == "closing"
    doc = page_doc(desk.get(f"/tasks/{row.id}"))
    draft = doc.xpath("//textarea[@id='report']")[0].text or ""
    for code in ("a", "c", "d"):
        assert f"{code}县委办公室：督查发现" in draft
    assert "（曾逾期）" in draft and "退回 1 次" in draft
    act(org, "dc", iid, {"report": draft})
    act(org, "city_leader", iid, {"decision": "return", "opinion": "请附整改佐证。"})
    assert open_task(iid).step_key == "close"
    act(org, "dc", iid, {"report": draft + "\n整改佐证见附件。"})
    act(org, "city_leader", iid, {"decision": "sign"})
    project = _reload(project)
    assert project.stage == "closed" and project.closed_dt is not None and "整改佐证" in project.report
    assert db.session.get(ProcessInstance, iid).status == "completed"
    assert db.session.query(Timer).filter_by(instance_id=iid, state="armed").count() == 0
    # the per-unit rows stay as they were; the branches' data did not overwrite each other
    assert {r.unit_id: r.findings[:8] for r in db.session.query(SpecialProjectUnit).filter_by(
        project_id=project.id)} == {org.units[code].id: f"{code}巡河记录"[:8] for code in UNITS}


def test_each_unit_sees_only_its_own_rectification(app, org, project):
    _approved(org, project)
    for row in _open(project.instance_id, "findings"):
        code = next(c for c in UNITS if org.units[c].id == projects.unit_of_task(project, row).unit_id)
        _do(org, "dc", row, {"unit_findings": f"{code}巡河记录缺失，整改台账未闭环。", "rectify_days": "10"})
    row = next(r for r in _open(project.instance_id, "rectify") if r.unit_id == org.units["county-c"].id)
    with pytest.raises(NotAllowed):
        runner.complete(row.id, org.users["handler_a"], {"rectification": "替别的单位报送整改情况。"})
    db.session.rollback()
    unit, _token = signed_in(app, "handler_c")
    doc = page_doc(unit.get(f"/tasks/{row.id}"))
    assert doc.xpath(f"//dl[@id='project-unit' and @data-unit-id='{org.units['county-c'].id}']")
    assert not doc.xpath("//table[@id='project-unit-rows']")  # the other units' findings are not shown to it
    assert unit.get(f"/keytasks/projects/{project.id}").status_code == 404
    # county-a sends its rectification: the newest step is the 督查室's check of county-a; county-c, which may
    # read the instance through its own step, is not shown county-a's findings on the item page
    _rectify(org, project, "county-a", "a县已补齐巡河记录，整改台账逐项销号。")
    page = unit.get(f"/items/{project.instance_id}")
    assert page.status_code == 200
    doc = page_doc(page)
    assert not doc.xpath("//table[@id='project-unit-rows']") and not doc.xpath("//dl[@id='project-unit']")
    assert "county-a巡河" not in page.get_data(as_text=True)
    desk, _token = signed_in(app, "dc")
    doc = page_doc(desk.get(f"/keytasks/projects/{project.id}"))
    assert len(doc.xpath("//table[@id='project-unit-rows']/tbody/tr")) == 3
    doc = page_doc(desk.get(f"/items/{project.instance_id}"))  # the desk's item page has every unit
    assert len(doc.xpath("//table[@id='project-unit-rows']/tbody/tr")) == 3 and doc.xpath("//dl[@id='project-unit']")


def test_a_bad_deadline_is_refused_in_chinese(org, project):
    _approved(org, project)
    row = _open(project.instance_id, "findings")[0]
    for days in ("0", "121", "三天"):
        with pytest.raises(FormInvalid) as refused:
            runner.complete(row.id, org.users["dc"], {"unit_findings": "巡河记录缺失，整改台账未闭环。",
                                                      "rectify_days": days})
        db.session.rollback()
        assert "rectify_days" in refused.value.fields


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
