"""Time travel through a case's deadlines: reminders, overdue, first feedback, extensions, missing calendars."""
from datetime import UTC, date

import pytest

import handlers
from tests.cases.helpers import CLOSE, PROGRESS, armed, local, new_case, reload, step, travel, travel_to
from tests.helpers import act, open_task
from webapp.cases import operations
from webapp.core import clock
from webapp.core.errors import FormInvalid
from webapp.engine import runner, timers
from webapp.engine.models import InstanceEvent, ProcessInstance, Timer
from webapp.extensions import db
from webapp.notices.models import Notice
from webapp.workcal import operations as workcal
from webapp.workcal.schemas import DayEntry


def _rule(org, level, **values):
    base = {"finish_amount": 15, "finish_unit": "calendar_days", "remind_amount": 3, "remind_unit": "calendar_days",
            "feedback_amount": 7, "feedback_unit": "calendar_days", "extension_cap_amount": 1,
            "extension_cap_unit": "months"}
    operations.save_rule(level, {**base, **values}, org.users["admin"])
    db.session.commit()


def _notices(fragment, role=None):
    query = db.session.query(Notice).filter(Notice.title.contains(fragment))
    return query.filter_by(role=role).all() if role else query.all()


def test_provincial_working_day_deadline_skips_national_day_and_counts_the_makeup_saturday(org):
    _rule(org, "provincial", finish_unit="working_days")
    clock.set_fixed(local("2026-09-25 10:00:00"))  # the Friday before the National Day holiday
    case = new_case(org)
    # 15 working days: 9/28-30 (3), 10/8-9 (5), Saturday 10/10 is a make-up workday (6), 10/12-16 (11), 10/19-22 (15)
    assert case.due_dt == local("2026-10-22 23:59:59")
    assert case.remind_dt == local("2026-10-19 23:59:59")  # reminders count 3 calendar days here
    assert armed(case) == {"reminder": case.remind_dt, "deadline": case.due_dt}


def test_city_case_on_calendar_days_goes_yellow_then_red_and_stays_open(org):
    case = new_case(org, level="city")  # assigned Monday 2026-03-02 09:00 local
    assert case.due_dt == local("2026-04-02 23:59:59")  # one month
    assert case.remind_dt == local("2026-03-30 23:59:59")

    assert travel_to(local("2026-03-30 23:59:58")) == 0
    assert reload(case).alert == "green"
    assert travel(seconds=2) == 1
    case = reload(case)
    assert case.alert == "yellow" and case.reminded_dt is not None
    assert [n.unit_id for n in _notices("将于", "handler")] == [org.units["county-a"].id]

    assert travel_to(local("2026-04-03 00:00:00")) == 1
    case = reload(case)
    assert case.alert == "red" and case.overdue_dt == local("2026-04-03 00:00:00")
    assert {(n.role, n.unit_id) for n in _notices("已超过办理期限")} == {
        ("supervisor", org.units["city-dc"].id), ("leader", org.units["county-a"].id),
        ("handler", org.units["county-a"].id)}
    # Overdue is a mark, not an ending: the unit still handles the case and can close it.
    assert db.session.get(ProcessInstance, case.instance_id).status == "running" and step(case) == "handle"
    act(org, "handler_a", case.instance_id, CLOSE)
    act(org, "leader_a", case.instance_id, {"decision": "sign"})
    act(org, "dc", case.instance_id, {"decision": "accept"})
    case = reload(case)
    assert case.stage == "archived" and case.was_overdue and not case.closed_on_time


def test_urgent_case_missing_its_one_week_feedback(org):
    case = new_case(org, urgency="urgent")
    assert case.feedback_due_dt == local("2026-03-09 23:59:59")
    assert armed(case)["feedback"] == case.feedback_due_dt
    travel_to(local("2026-03-10 00:00:00"))
    case = reload(case)
    assert case.feedback_missed
    assert {n.role for n in _notices("未在")} == {"supervisor", "handler"}


def test_urgent_case_with_feedback_in_time_is_not_flagged(org):
    case = new_case(org, urgency="urgent")
    travel(days=3)
    act(org, "handler_a", case.instance_id, PROGRESS)
    travel_to(local("2026-03-10 00:00:00"))
    case = reload(case)
    assert not case.feedback_missed and _notices("未在") == []
    assert "feedback" not in armed(case)


def test_normal_case_has_no_feedback_timer(org):
    case = new_case(org)
    assert case.feedback_due_dt is None and set(armed(case)) == {"reminder", "deadline"}


def test_archiving_cancels_the_pending_feedback_timer(org):
    case = new_case(org, urgency="very_urgent")
    act(org, "handler_a", case.instance_id, CLOSE)
    act(org, "principal_a", case.instance_id, {"decision": "sign"})
    act(org, "dc", case.instance_id, {"decision": "accept"})
    assert db.session.get(ProcessInstance, case.instance_id).status == "completed"
    assert armed(case) == {}
    assert db.session.query(Timer).filter_by(instance_id=case.instance_id, state="cancelled").count() == 3


def _ask_extension(org, case, until, reason="涉及多部门协调，需补充现场核查。"):
    act(org, "handler_a", case.instance_id, {"decision": "extension", "extend_until": until,
                                             "extension_reason": reason})


def test_approved_extension_moves_every_timer(org):
    case = new_case(org)  # due 2026-03-17 23:59:59, limit one month later
    old = armed(case)
    travel(days=10)
    _ask_extension(org, case, "2026-03-27")
    assert step(case) == "approve_extension"
    act(org, "dc", case.instance_id, {"decision": "approve", "opinion": "同意延期至3月27日"})

    case = reload(case)
    assert step(case) == "handle"
    assert case.due_dt == local("2026-03-27 23:59:59") and case.original_due_dt == local("2026-03-17 23:59:59")
    assert armed(case) == {"reminder": local("2026-03-24 23:59:59"), "deadline": local("2026-03-27 23:59:59")}
    cancelled = db.session.query(Timer).filter_by(instance_id=case.instance_id, state="cancelled").all()
    assert {t.due_dt for t in cancelled} == set(old.values())
    assert [(e["to"], e["reason"]) for e in case.extensions] == [
        (local("2026-03-27 23:59:59").astimezone(UTC).isoformat(), "涉及多部门协调，需补充现场核查。")]

    travel_to(local("2026-03-18 00:00:00"))  # the old deadline passes: nothing happens
    assert reload(case).alert == "green" and _notices("已超过办理期限") == []
    travel_to(local("2026-03-28 00:00:00"))
    assert reload(case).alert == "red"


def test_extension_beyond_one_month_in_total_is_refused(org):
    case = new_case(org)  # due 2026-03-17: extensions may reach 2026-04-17 at most
    with pytest.raises(FormInvalid) as exc:
        _ask_extension(org, case, "2026-04-18")
    message = exc.value.fields["extend_until"][0]
    assert "不能超过1个月" in message and "最晚可延至 2026-04-17" in message
    db.session.rollback()

    _ask_extension(org, case, "2026-04-07")
    act(org, "dc", case.instance_id, {"decision": "approve"})
    with pytest.raises(FormInvalid) as exc:  # a second extension counts with the first
        _ask_extension(org, case, "2026-04-20")
    assert "不能超过1个月" in exc.value.fields["extend_until"][0]
    db.session.rollback()
    _ask_extension(org, case, "2026-04-17")
    act(org, "dc", case.instance_id, {"decision": "approve"})
    assert reload(case).due_dt == local("2026-04-17 23:59:59")


def test_extension_asked_after_the_deadline_is_refused(org):
    case = new_case(org)
    travel_to(local("2026-03-18 08:00:00"))
    with pytest.raises(FormInvalid) as exc:
        _ask_extension(org, case, "2026-03-25")
    assert "逾期后不能再申请延期" in exc.value.fields["extend_until"][0]


def test_extension_refused_by_the_supervision_office_keeps_the_deadline(org):
    case = new_case(org)
    before = armed(case)
    _ask_extension(org, case, "2026-03-25")
    with pytest.raises(FormInvalid):
        act(org, "dc", case.instance_id, {"decision": "refuse"})  # a refusal needs a reason
    db.session.rollback()
    act(org, "dc", case.instance_id, {"decision": "refuse", "opinion": "理由不充分，请按期办结。"})
    assert step(case) == "handle" and armed(reload(case)) == before


def test_request_for_an_earlier_date_or_no_reason_is_refused(org):
    case = new_case(org)
    with pytest.raises(FormInvalid) as exc:
        _ask_extension(org, case, "2026-03-10", reason="短")
    assert "extension_reason" in exc.value.fields
    db.session.rollback()
    with pytest.raises(FormInvalid) as exc:
        _ask_extension(org, case, "2026-03-10")
    assert "应晚于当前期限" in exc.value.fields["extend_until"][0]


def test_missing_calendar_year_flags_the_deadline_until_an_admin_adds_it(org):
    _rule(org, "provincial", finish_unit="working_days")
    clock.set_fixed(local("2026-12-21 10:00:00"))
    case = new_case(org)  # 15 working days reach into 2027, which chinese-calendar 1.11 does not know
    assert (case.deadline_known, case.missing_year, case.due_dt, case.alert) == (False, 2027, None, "unknown")
    assert armed(case) == {}
    admin_notice = _notices("缺少 2027 年节假日安排", "admin")
    assert len(admin_notice) == 1 and admin_notice[0].unit_id is None
    assert step(case) == "handle"  # the unit starts work while the deadline is pending
    with pytest.raises(FormInvalid) as exc:
        _ask_extension(org, case, "2027-01-20")
    assert "尚未确定" in exc.value.fields["extend_until"][0]
    db.session.rollback()
    act(org, "handler_a", case.instance_id, PROGRESS)

    clock.set_fixed(local("2026-12-23 09:00:00"))
    holidays = [DayEntry(date(2027, 1, day), False, "元旦") for day in (1, 2, 3)]
    _rows, recomputed = workcal.save_year(2027, holidays, True, "国办发明电〔2026〕X号", org.users["admin"])
    db.session.commit()
    assert recomputed == 1
    case = reload(case)
    # Counted from 交办 on 12-21: 12/22-31 (8), 1/4-8 (13), 1/11-12 (15); New Year's days are skipped.
    assert case.deadline_known and case.due_dt == local("2027-01-12 23:59:59")
    assert armed(case) == {"reminder": case.remind_dt, "deadline": case.due_dt}
    assert step(case) == "handle" and reload(case).progress_count == 1
    assert db.session.query(InstanceEvent).filter_by(instance_id=case.instance_id, action="signal").count() == 1


def test_restart_with_overdue_timers_fires_them_once(org):
    case = new_case(org, urgency="urgent")
    clock.set_fixed(local("2026-03-20 09:00:00"))  # everything was stopped past all three timers
    assert timers.fire_due() == 3
    case = reload(case)
    assert case.alert == "red" and case.feedback_missed and case.reminded_dt is not None
    assert timers.fire_due() == 0
    assert len(_notices("已超过办理期限", "supervisor")) == 1


def test_a_submit_racing_the_deadline_sees_the_timer_fire_first(org):
    case = new_case(org)
    clock.set_fixed(local("2026-03-18 00:00:01"))  # due, but no sweep has run yet
    act(org, "handler_a", case.instance_id, CLOSE)
    case = reload(case)
    # The non-interrupting deadline fired in the same step as the submit: overdue, and the report went on.
    assert case.alert == "red" and step(case) == "principal_sign"
    assert db.session.query(Timer).filter_by(instance_id=case.instance_id, kind="deadline").one().state == "fired"


def test_rules_are_read_when_a_case_is_assigned(org):
    _rule(org, "city", finish_amount=20, finish_unit="calendar_days", remind_amount=2, feedback_amount=None)
    case = new_case(org, level="city")
    assert case.due_dt == local("2026-03-22 23:59:59") and case.remind_dt == local("2026-03-20 23:59:59")
    assert open_task(case.instance_id).due_dt == case.due_dt  # the inbox shows the deadline


def test_an_extension_turns_a_reminded_case_green_until_its_new_reminder(org):
    case = new_case(org)
    travel_to(local("2026-03-15 12:00:00"))  # reminded already (3-14 23:59:59)
    assert reload(case).alert == "yellow"
    _ask_extension(org, case, "2026-03-31")
    act(org, "dc", case.instance_id, {"decision": "approve"})
    assert reload(case).alert == "green"  # the new reminder is 03-28
    travel_to(local("2026-03-28 23:59:58"))
    assert reload(case).alert == "green"
    travel(seconds=2)
    assert reload(case).alert == "yellow"


def test_an_extension_request_is_not_feedback_on_the_handling(org):
    case = new_case(org, urgency="urgent")
    _ask_extension(org, case, "2026-03-25")
    act(org, "dc", case.instance_id, {"decision": "refuse", "opinion": "请先报送进展。"})
    travel_to(local("2026-03-10 00:00:00"))
    assert reload(case).feedback_missed and len(_notices("未在", "supervisor")) == 1


def test_a_case_stopped_by_an_incident_holds_its_timers_until_retried(org, monkeypatch):
    case = new_case(org)

    def broken(ctx, deadlines):
        raise RuntimeError("消息服务不可用")

    monkeypatch.setitem(handlers.REGISTRY, "cases.remind", broken)
    travel_to(local("2026-03-15 00:00:00"))  # the reminder fires and its handler fails
    instance = db.session.get(ProcessInstance, case.instance_id)
    assert instance.status == "incident"
    states = {t.kind: t.state for t in db.session.query(Timer).filter_by(instance_id=case.instance_id)}
    assert states == {"reminder": "fired", "deadline": "held"}  # the timer fired; the step after it failed
    assert travel_to(local("2026-03-18 00:00:00")) == 0  # held timers are never picked by the sweep
    assert _notices("已超过办理期限") == []

    monkeypatch.undo()
    runner.retry(case.instance_id, org.users["admin"])
    db.session.commit()
    case = reload(case)
    assert db.session.get(ProcessInstance, case.instance_id).status == "running"
    assert case.alert == "red" and len(_notices("将于", "handler")) == 1  # both ran on retry, once each
    assert {t.state for t in db.session.query(Timer).filter_by(instance_id=case.instance_id)} == {"fired"}


def _confirm_2027(org):
    holidays = [DayEntry(date(2027, 1, day), False, "元旦") for day in (1, 2, 3)]
    _rows, recomputed = workcal.save_year(2027, holidays, True, "国办发明电〔2026〕X号", org.users["admin"])
    db.session.commit()
    return recomputed


def test_a_case_waiting_for_next_years_calendar_keeps_the_rule_of_its_assignment(org):
    _rule(org, "provincial", finish_unit="working_days")
    clock.set_fixed(local("2026-12-21 10:00:00"))
    case = new_case(org)  # 15 working days: waits for 2027
    assert case.deadline_known is False
    _rule(org, "provincial", finish_unit="calendar_days")  # the office switches to calendar days meanwhile
    clock.set_fixed(local("2026-12-23 09:00:00"))
    assert _confirm_2027(org) == 1
    case = reload(case)
    # The rule of its 交办 (15 working days), not the calendar days in force now (which would give 2027-01-05).
    assert case.due_dt == local("2027-01-12 23:59:59")
    assert case.rule_text.startswith("15工作日内办结")


def test_an_urgent_case_waiting_for_the_calendar_still_gets_its_first_feedback_timer(org):
    _rule(org, "provincial", finish_unit="working_days")
    clock.set_fixed(local("2026-12-21 10:00:00"))
    case = new_case(org, urgency="urgent")
    # 7 calendar days need no calendar: the timer is armed although the finishing deadline waits for 2027.
    assert case.deadline_known is False and case.feedback_due_dt == local("2026-12-28 23:59:59")
    assert armed(case) == {"feedback": case.feedback_due_dt}
    travel_to(local("2026-12-29 00:00:00"))
    assert reload(case).feedback_missed and len(_notices("未在", "supervisor")) == 1
    assert _confirm_2027(org) == 1  # the recompute keeps the feedback already checked
    case = reload(case)
    assert case.deadline_known and case.feedback_due_dt == local("2026-12-28 23:59:59") and case.feedback_missed
    assert set(armed(case)) == {"reminder", "deadline"}


def test_an_extension_into_a_year_without_calendar_data_is_refused_not_an_incident(org):
    _rule(org, "provincial", remind_unit="working_days")
    clock.set_fixed(local("2026-12-10 10:00:00"))
    case = new_case(org)  # due 2026-12-25; the reminder 3 working days before needs the calendar
    with pytest.raises(FormInvalid) as exc:
        _ask_extension(org, case, "2027-01-15")
    assert "尚未录入 2027 年节假日安排" in exc.value.fields["extend_until"][0]
    db.session.rollback()
    case = reload(case)
    assert step(case) == "handle" and case.instance.status == "running"
    assert armed(case) == {"reminder": local("2026-12-22 23:59:59"), "deadline": local("2026-12-25 23:59:59")}

    _confirm_2027(org)  # once the year is entered, the same request goes through
    _ask_extension(org, case, "2027-01-15")
    act(org, "dc", case.instance_id, {"decision": "approve"})
    case = reload(case)
    assert case.due_dt == local("2027-01-15 23:59:59") and case.instance.status == "running"
    assert armed(case) == {"reminder": local("2027-01-12 23:59:59"), "deadline": case.due_dt}


def test_a_progress_report_sends_no_new_task_notice_for_the_same_step(org):
    case = new_case(org)
    assert len(_notices("新待办「办理」", "handler")) == 1  # the case reached the unit
    act(org, "handler_a", case.instance_id, PROGRESS)
    act(org, "handler_a", case.instance_id, PROGRESS)
    assert step(case) == "handle" and reload(case).progress_count == 2
    assert len(_notices("新待办「办理」", "handler")) == 1
    _ask_extension(org, case, "2026-03-25")
    act(org, "dc", case.instance_id, {"decision": "refuse", "opinion": "理由不充分，请按期办结。"})
    assert len(_notices("新待办「办理」", "handler")) == 2  # back from the 督查室: that is news


def test_the_overdue_notice_says_an_in_time_extension_request_is_pending(org):
    case = new_case(org)  # due 2026-03-17
    travel_to(local("2026-03-16 10:00:00"))
    _ask_extension(org, case, "2026-03-25")  # in time, not decided by the deadline
    travel_to(local("2026-03-18 00:00:00"))
    titles = {n.role: n.title for n in _notices("已超过办理期限")}
    assert set(titles) == {"supervisor", "leader", "handler"}
    assert all(t.endswith("已超过办理期限（2026-03-17 23:59），延期申请待审批") for t in titles.values())
    act(org, "dc", case.instance_id, {"decision": "approve"})  # approving after the deadline is allowed
    assert reload(case).alert == "green"
