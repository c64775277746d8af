"""The emergency tier on a simulated clock: limits from the event time, routing, lateness, phone first, relays."""
from datetime import timedelta

import pytest

from tests.emergencies.helpers import REPORT, act, levels, local, open_task, reload, report, travel_to
from webapp.core import clock
from webapp.core.errors import FormInvalid, NotAllowed
from webapp.emergencies import operations
from webapp.emergencies.models import ReportingFault
from webapp.engine.models import HumanTask, InstanceEvent, ProcessInstance, Timer
from webapp.extensions import db
from webapp.notices.models import Notice


def faults(**filters):
    return db.session.query(ReportingFault).filter_by(**filters).order_by(ReportingFault.id).all()


def sign_and_submit(org, emergency, leader="leader_a"):
    act(org, leader, emergency.instance_id, {"opinion": "情况属实，同意上报"})
    return reload(emergency)


def test_saturday_night_goes_to_the_duty_office(org):
    clock.set_fixed(local("2026-03-07 21:40:00"))  # a Saturday
    emergency = report(org, "2026-03-07T21:30")
    sign_and_submit(org, emergency)
    row = open_task(emergency.instance_id)
    assert (row.step_key, row.role, row.unit_id) == ("l_receive_duty", "duty", org.units["city-duty"].id)
    city = levels(emergency)["city"]
    assert (city.route, city.office_unit_id) == ("duty", org.units["city-duty"].id)
    assert row.due_dt == local("2026-03-08 02:30:00")  # what the city office must meet: the province's 5 hours


@pytest.mark.parametrize(("moment", "route"), [
    ("2026-03-09 10:00:00", "info"),   # Monday morning
    ("2026-03-09 12:30:00", "duty"),   # lunch break (GOVFLOW_EMERGENCY_WORK_HOURS)
    ("2026-02-28 10:00:00", "info"),   # a Saturday made a working day (调休)
    ("2026-10-01 10:00:00", "duty"),   # National Day
])
def test_routing_follows_the_working_day_calendar_and_hours(org, moment, route):
    clock.set_fixed(local(moment))
    emergency = report(org, (local(moment) - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M"))
    sign_and_submit(org, emergency)
    row = open_task(emergency.instance_id)
    assert row.role == {"info": "editor", "duty": "duty"}[route]
    assert levels(emergency)["city"].route == route


def test_late_by_ten_minutes_at_the_city_but_on_time_for_the_province(org):
    clock.set_fixed(local("2026-03-09 11:50:00"))
    emergency = report(org, "2026-03-09T10:00")
    assert reload(emergency).next_due_dt == local("2026-03-09 12:00:00")
    travel_to(local("2026-03-09 12:10:00"))
    sign_and_submit(org, emergency)  # reaches the city 2 h 10 min after the event

    city = levels(emergency)["city"]
    assert (city.reached_dt, city.reached_via, city.late_minutes) == (local("2026-03-09 12:10:00"), "written", 10)
    late = faults(kind="late")
    assert [(f.unit_id, f.level, f.minutes_late) for f in late] == [(org.units["county-a"].id, "city", 10)]

    travel_to(local("2026-03-09 13:00:00"))  # arrived in the lunch break: the duty office has it
    act(org, "duty_city", emergency.instance_id, {"decision": "relay", "sign_mode": "leader"})
    act(org, "leader_city", emergency.instance_id, {"opinion": "同意"})
    province = levels(emergency)["province"]
    assert province.reached_dt == local("2026-03-09 13:00:00") and province.late_minutes is None
    assert len(faults(kind="late")) == 1  # the city relayed in time: nothing on its record
    assert reload(emergency).next_due_dt == local("2026-03-09 16:00:00")  # the centre, 6 hours

    # The escalation branches that fired on the way carry old copies of the relay state; when the process ends,
    # SpiffWorkflow merges every branch's data: the arrivals must survive it.
    travel_to(local("2026-03-09 14:00:00"))  # it reached the province at 13:00, in the lunch break: duty office
    act(org, "duty_prov", emergency.instance_id, {"decision": "relay", "sign_mode": "skip", "skip_reason": "急"})
    assert db.session.get(ProcessInstance, emergency.instance_id).status == "completed"
    reached = {lv.level: (lv.reached_dt, lv.late_minutes) for lv in reload(emergency).levels}
    assert reached == {"city": (local("2026-03-09 12:10:00"), 10), "province": (local("2026-03-09 13:00:00"), None),
                       "centre": (local("2026-03-09 14:00:00"), None)}
    assert reload(emergency).status == "relayed"


def test_a_report_one_second_late_is_late_and_the_timer_fires_first(org):
    """The leader signs one second after the limit, before the sweep has fired the deadline timer: the load
    fires it (the overdue notice goes out) and the arrival counts one minute late."""
    clock.set_fixed(local("2026-03-09 11:00:00"))
    emergency = report(org, "2026-03-09T10:00")
    clock.set_fixed(local("2026-03-09 12:00:01"))  # no sweep ran
    sign_and_submit(org, emergency)
    assert levels(emergency)["city"].late_minutes == 1
    fired = db.session.query(Timer).filter_by(instance_id=emergency.instance_id, state="fired").all()
    assert {t.kind for t in fired} == {"reminder", "deadline"}
    overdue = db.session.query(Notice).filter(Notice.title.contains("已超过报送至市级时限")).all()
    assert {n.role for n in overdue} >= {"leader", "writer", "editor", "duty"}


def test_warning_before_the_limit_and_red_at_it(org):
    clock.set_fixed(local("2026-03-09 10:05:00"))
    emergency = report(org, "2026-03-09T10:00")
    travel_to(local("2026-03-09 11:29:00"))
    assert not db.session.query(Notice).filter(Notice.title.contains("时限将至")).count()
    travel_to(local("2026-03-09 11:30:01"))  # GOVFLOW_EMERGENCY_WARN_MINUTES = 30 before 12:00 (timers fire just after)
    warned = db.session.query(Notice).filter(Notice.title.contains("时限将至")).all()
    assert {(n.unit_id, n.role) for n in warned} >= {(org.units["county-a"].id, "leader"),
                                                      (org.units["city-info"].id, "editor"),
                                                      (org.units["city-duty"].id, "duty")}
    assert not reload(emergency).is_red()
    travel_to(local("2026-03-09 12:00:01"))
    assert reload(emergency).is_red()
    assert open_task(emergency.instance_id).due_dt == local("2026-03-09 12:00:00")
    assert db.session.query(Notice).filter(Notice.title.contains("已超过"), Notice.level == "danger").count()


def test_phone_first_then_the_written_report(org):
    clock.set_fixed(local("2026-03-09 10:40:00"))
    emergency = operations.record_phone(org.users["duty_city"], {
        "unit_id": str(org.units["county-a"].id), "caller": "李四", "caller_phone": "0571-1234567",
        "event_time": "2026-03-09T10:00", "title": "a县化工厂爆燃", "summary": "厂区爆燃，正在核实伤亡。"})
    db.session.commit()
    emergency = reload(emergency)
    city = levels(emergency)["city"]
    assert (city.reached_via, city.reached_dt, city.late_minutes) == ("phone", local("2026-03-09 10:40:00"), None)
    assert emergency.status == "awaiting_written" and emergency.mode == "phone"
    written = open_task(emergency.instance_id)
    assert (written.step_key, written.role, written.unit_id) == ("u_written", "writer", org.units["county-a"].id)
    assert written.due_dt == local("2026-03-09 11:40:00")  # GOVFLOW_EMERGENCY_WRITTEN_MINUTES after the call

    travel_to(local("2026-03-09 13:40:00"))  # the written report comes after the 2 hours: the phone counted
    assert db.session.query(Notice).filter(Notice.title.contains("补报文字稿时限")).count()
    act(org, "writer_a", emergency.instance_id, {**{k: REPORT[k] for k in ("place", "summary", "casualties",
                                                                             "measures")},
                                                 "title": "a县化工厂爆燃事故", "sign_mode": "leader"})
    sign_and_submit(org, emergency)
    emergency = reload(emergency)
    city = levels(emergency)["city"]
    assert city.reached_via == "phone" and city.written_dt == local("2026-03-09 13:40:00")
    assert emergency.written_dt == city.written_dt and emergency.title == "a县化工厂爆燃事故"
    assert not faults(kind="late")
    assert open_task(emergency.instance_id).step_key == "l_receive_info"
    assert emergency.next_due_dt == local("2026-03-09 15:00:00")


def test_the_phone_report_must_come_from_a_unit_below(org):
    with pytest.raises(FormInvalid) as exc:
        operations.record_phone(org.users["duty_city"], {
            "unit_id": str(org.units["prov"].id), "caller": "某", "event_time": "2026-03-02T08:00",
            "title": "某事", "summary": "某事发生"})
    assert "unit_id" in exc.value.fields
    with pytest.raises(NotAllowed):
        operations.record_phone(org.users["writer_a"], {})


def test_relayed_to_the_centre_with_shortcuts_logged(org):
    clock.set_fixed(local("2026-03-09 10:20:00"))
    emergency = report(org, "2026-03-09T10:00", sign_mode="skip", skip_reason="书记在现场指挥，电话已同意上报")
    assert open_task(emergency.instance_id).step_key == "l_receive_info"  # straight to the city
    act(org, "editor", emergency.instance_id, {"decision": "relay", "sign_mode": "skip",
                                              "skip_reason": "值班领导电话同意"})
    act(org, "editor_prov", emergency.instance_id, {"decision": "relay", "sign_mode": "leader"})
    act(org, "leader_prov", emergency.instance_id, {"opinion": "速报中办"})
    emergency = reload(emergency)
    assert emergency.status == "relayed" and emergency.next_due_dt is None
    assert [lv.reached_dt is not None for lv in emergency.levels] == [True, True, True]
    assert db.session.get(ProcessInstance, emergency.instance_id).status == "completed"
    shortcuts = (db.session.query(InstanceEvent).filter_by(instance_id=emergency.instance_id, action="shortcut")
                 .order_by(InstanceEvent.id).all())
    assert [(e.opinion, e.actor_id) for e in shortcuts] == [
        ("书记在现场指挥，电话已同意上报", org.users["writer_a"].id), ("值班领导电话同意", org.users["editor"].id)]
    assert not db.session.query(Timer).filter_by(instance_id=emergency.instance_id, state="armed").count()


def test_held_at_the_city(org):
    clock.set_fixed(local("2026-03-09 10:20:00"))
    emergency = report(org, "2026-03-09T10:00", sign_mode="skip", skip_reason="领导在外")
    with pytest.raises(FormInvalid):
        act(org, "editor", emergency.instance_id, {"decision": "hold"})  # a reason is required
    db.session.rollback()
    act(org, "editor", emergency.instance_id, {"decision": "hold", "opinion": "属一般火情，本级掌握"})
    emergency = reload(emergency)
    assert emergency.status == "held" and emergency.next_due_dt is None


def test_a_township_report_passes_the_county_against_the_city_limit(org):
    clock.set_fixed(local("2026-03-09 10:10:00"))
    emergency = report(org, "2026-03-09T10:00", writer="writer_town")
    assert [lv.level for lv in reload(emergency).levels] == ["county", "city", "province", "centre"]
    act(org, "leader_town", emergency.instance_id, {})
    row = open_task(emergency.instance_id)
    assert row.unit_id == org.units["county-a"].id and row.due_dt == local("2026-03-09 12:00:00")
    county = levels(emergency)["county"]
    assert county.due_dt is None and county.late_minutes is None


def test_three_follow_ups_then_the_final_report(org):
    clock.set_fixed(local("2026-03-09 10:20:00"))
    emergency = report(org, "2026-03-09T10:00", sign_mode="skip", skip_reason="抢时间")
    for n in range(3):
        travel_to(clock.now() + timedelta(hours=1))
        followup = operations.add_followup(org.users["writer_a"], reload(emergency), {
            "followup_kind": "followup", "body": f"第{n + 1}次续报：救援进展。", "sign_mode": "leader"})
        db.session.commit()
        assert followup.status == "signing"
        act(org, "leader_a", followup.instance_id, {})
    final = operations.add_followup(org.users["writer_a"], reload(emergency), {
        "followup_kind": "final", "body": "终报：处置完毕。", "sign_mode": "skip", "skip_reason": "领导已口头同意"})
    db.session.commit()
    emergency = reload(emergency)
    assert [(f.kind, f.status) for f in emergency.followups] == [("followup", "delivered")] * 3 + \
        [("final", "delivered")]
    assert emergency.status == "closed" and emergency.closed_dt == final.delivered_dt
    received = db.session.query(Notice).filter(Notice.title.contains("收到续报"),
                                               Notice.unit_id == org.units["city-info"].id).count()
    assert received == 3
    with pytest.raises(Exception, match="已终报"):
        operations.add_followup(org.users["writer_a"], emergency, {"body": "再报"})


def test_a_requested_follow_up_has_its_own_deadline(org):
    clock.set_fixed(local("2026-03-09 10:20:00"))
    emergency = report(org, "2026-03-09T10:00", sign_mode="skip", skip_reason="抢时间")
    request = operations.request_followup(org.users["editor"], reload(emergency),
                                          {"due_time": "2026-03-09T11:00", "note": "请续报伤亡核实情况"})
    db.session.commit()
    task = db.session.query(HumanTask).filter_by(instance_id=request.instance_id, state="open").one()
    assert (task.step_key, task.unit_id, task.due_dt) == ("f_answer", org.units["county-a"].id,
                                                          local("2026-03-09 11:00:00"))
    travel_to(local("2026-03-09 11:01:00"))
    db.session.refresh(request)
    assert request.request_overdue and request.status == "requested"
    assert db.session.query(Notice).filter(Notice.title.contains("要求的续报已逾期"),
                                           Notice.user_id == org.users["editor"].id).count() == 1
    act(org, "writer_a", request.instance_id, {"body": "核实：无人员伤亡。", "sign_mode": "skip",
                                              "skip_reason": "已电话请示"})
    db.session.refresh(request)
    assert request.status == "delivered" and request.author_id == org.users["writer_a"].id
    with pytest.raises(NotAllowed):
        operations.request_followup(org.users["writer_a"], emergency, {})


def test_missed_report_recorded_by_the_upper_office_shows_in_the_record(org):
    from webapp.emergencies import queries

    clock.set_fixed(local("2026-03-20 09:00:00"))
    fault = operations.record_fault(org.users["editor"], {
        "unit_id": str(org.units["county-b"].id), "kind": "missed", "event_time": "2026-03-19T22:00",
        "title": "b县某矿透水", "description": "经媒体报道获悉，b县未报告。"})
    db.session.commit()
    record = queries.unit_record(org.users["editor"], org.units["county-b"].id)
    assert [(f.kind, f.title, f.recorded_by_id) for f in record] == [("missed", "b县某矿透水", org.users["editor"].id)]
    summary = {row.unit.code: row for row in queries.monthly_summary(org.users["editor"], 2026, 3)}
    assert summary["county-b"].missed == 1 and summary["county-b"].reported == 0
    assert fault.id
    with pytest.raises(NotAllowed):
        operations.record_fault(org.users["writer_a"], {})
    with pytest.raises(FormInvalid):  # not below the city
        operations.record_fault(org.users["editor"], {"unit_id": str(org.units["prov"].id), "kind": "missed",
                                                      "event_time": "2026-03-19T22:00", "title": "x",
                                                      "description": "y"})


def test_limits_are_configurable(org, app):
    app.config["EMERGENCY_LIMITS"] = "city=4,province=5,centre=6"
    try:
        clock.set_fixed(local("2026-03-09 10:05:00"))
        emergency = report(org, "2026-03-09T10:00")
        assert levels(emergency)["city"].due_dt == local("2026-03-09 14:00:00")
    finally:
        app.config["EMERGENCY_LIMITS"] = "city=2,province=5,centre=6"


def test_the_event_time_cannot_be_in_the_future(org):
    clock.set_fixed(local("2026-03-09 10:00:00"))
    with pytest.raises(FormInvalid) as exc:
        report(org, "2026-03-09T10:30")
    assert "event_time" in exc.value.fields
    with pytest.raises(NotAllowed):
        report(org, "2026-03-09T09:30", writer="editor")


def test_state_survives_a_restart(org):
    """Mid-relay the stored state is all there is: drop the parsed specs, restore from the database, and the
    restored workflow waits where the rows say, with the same armed timers."""
    from SpiffWorkflow.util.task import TaskState

    from webapp.engine import definitions, store

    clock.set_fixed(local("2026-03-09 10:20:00"))
    emergency = report(org, "2026-03-09T10:00")
    sign_and_submit(org, emergency)
    definitions._parsed.cache_clear()
    db.session.expire_all()
    instance = db.session.get(ProcessInstance, emergency.instance_id)
    workflow = store.restore(instance)
    ready = {str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    assert ready == {open_task(emergency.instance_id).task_uuid}
    waiting = {str(t.id) for t in workflow.get_tasks(state=TaskState.WAITING)
               if t.internal_data.get("event_value")}
    armed = {t.task_uuid for t in db.session.query(Timer).filter_by(instance_id=instance.id, state="armed")}
    assert waiting == armed and len(armed) == 2
    act(org, "editor", emergency.instance_id, {"decision": "relay", "sign_mode": "skip", "skip_reason": "急"})
    assert levels(emergency)["province"].reached_dt == clock.now()


def test_a_city_duty_officer_reports_the_city_s_own_emergency_to_the_province(org):
    clock.set_fixed(local("2026-03-09 10:10:00"))
    emergency = report(org, "2026-03-09T10:00", writer="duty_city")
    assert reload(emergency).unit_id == org.units["city"].id
    assert [lv.level for lv in reload(emergency).levels] == ["province", "centre"]
    act(org, "leader_city", emergency.instance_id, {})
    row = open_task(emergency.instance_id)
    assert (row.unit_id, row.due_dt) == (org.units["prov-info"].id, local("2026-03-09 16:00:00"))


def _restores_equal(instance_id):
    from webapp.engine import serializer, store

    instance = db.session.get(ProcessInstance, instance_id)
    assert serializer.dumps(store.restore(instance)) == instance.state_json
    assert '"task_specs"' not in instance.state_json  # definitions are referenced (sub-workflows by name)


def test_saved_state_restores_equal_at_every_step(org):
    """Both processes, every step, the nested call activities included: saved and restored, they come back equal."""
    clock.set_fixed(local("2026-03-09 10:30:00"))
    emergency = operations.record_phone(org.users["duty_city"], {
        "unit_id": str(org.units["county-a"].id), "caller": "李四", "event_time": "2026-03-09T10:00",
        "title": "a县化工厂爆燃", "summary": "厂区爆燃。"})
    db.session.commit()
    written = {"title": "a县化工厂爆燃", "place": "工业园", "summary": "厂区爆燃。", "sign_mode": "leader"}
    steps = [("writer_a", written),
             ("leader_a", {}), ("editor", {"decision": "relay", "sign_mode": "leader"}), ("leader_city", {}),
             ("editor_prov", {"decision": "relay", "sign_mode": "skip", "skip_reason": "急"})]
    for username, form in steps:
        _restores_equal(emergency.instance_id)
        act(org, username, emergency.instance_id, form)
    assert reload(emergency).status == "relayed"
    request = operations.request_followup(org.users["editor"], reload(emergency),
                                          {"due_time": "2026-03-09T12:00", "note": "请续报"})
    db.session.commit()
    for username, form in [("writer_a", {"body": "续报内容。"}), ("leader_a", {})]:
        _restores_equal(request.instance_id)
        act(org, username, request.instance_id, form)
    _restores_equal(request.instance_id)
    assert db.session.get(ProcessInstance, request.instance_id).status == "completed"
