"""`flask govflow setup` loads a demo a new user can log into and find work in, and loading twice adds nothing."""
import re
from collections import Counter
from datetime import date, timedelta

from tests.conftest import START
from tests.web_helpers import csrf
from webapp.auth.models import Unit, User
from webapp.cases.models import InstructionCase
from webapp.core import clock
from webapp.demo import information_work, seed
from webapp.demo.org_data import DEMO_LOGINS, DEMO_PASSWORD
from webapp.demo.seed import EMERGENCY_SAMPLES
from webapp.emergencies.models import Emergency, ReportingFault
from webapp.emergencies.services import EmergencyService
from webapp.engine.models import HumanTask, InstanceEvent, ProcessInstance, Timer
from webapp.extensions import db
from webapp.reports.models import InfoItem
from webapp.scoring import queries as scoring_queries
from webapp.scoring.models import ItemInstruction


def test_demo_loads_items_and_cases_at_every_step_once():
    assert "6 sample items, 4 sample cases" in seed.load(history=False)
    db.session.commit()
    assert "0 sample items, 0 sample cases" in seed.load(history=False)
    # the samples, last month's work, its 转报 item and its combined item (综合)
    assert db.session.query(InfoItem).count() == 6 + 12 + 1 + 1
    stages = sorted(c.stage for c in db.session.query(InstructionCase))
    assert stages == ["handling", "handling", "handling", "signing"]
    open_steps = {t.step_key for t in db.session.query(HumanTask).filter_by(state="open",
                                                                         process_key="instruction_case")}
    assert open_steps == {"handle", "principal_sign"}
    logins = {username for username, _ in DEMO_LOGINS}
    assert {"dc_city", "cb_qingshan"} <= logins


def _login(client, username):
    token = csrf(client)
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_demo_has_who_the_emergency_tier_needs():
    seed.load(history=False)
    db.session.commit()
    users = {u.username: u for u in db.session.query(User)}
    assert (users["ld_prov"].unit.code, users["ld_prov"].roles) == ("prov", {"leader"})
    for username, role in (("bj_qingshan", "editor"), ("zb_qingshan", "duty")):
        # 青山县委办 has no 信息科 or 总值班室: its townships' reports are received in the unit itself.
        assert (users[username].unit.code, users[username].roles) == ("county-01", {role})
        assert (users[username].unit_id, role) in EmergencyService.offices(users[username].unit_id)
    logins = {username for username, _ in DEMO_LOGINS}
    assert {"xy_qingshan", "ld_qingshan", "bj_city", "zb_city"} <= logins
    assert "zb_city" in seed.login_help() and "紧急信息" in seed.login_help()


def test_demo_emergencies_fill_the_record_and_the_monthly_report_once(app):
    """START is Monday 2 March 2026 09:00; the demo emergencies happened on the three days before it."""
    assert "3 sample emergencies" in seed.load(history=False)
    db.session.commit()
    assert "0 sample emergencies" in seed.load(history=False)
    assert clock.now() == START  # the seed pinned the clock for its back-dated steps and gave it back

    emergencies = {e.title: e for e in db.session.query(Emergency)}
    assert len(emergencies) == 3
    on_time, late, held = (emergencies[EMERGENCY_SAMPLES[key]["title"]] for key in ("on_time", "late", "held"))
    assert all(e.event_dt < START for e in emergencies.values())
    assert (on_time.status, [lv.level for lv in on_time.levels if lv.reached_dt]) == (
        "closed", ["city", "province", "centre"])
    assert [f.kind for f in on_time.followups] == ["followup", "final"]
    assert not any(lv.late_minutes for lv in on_time.levels)

    # 2 h 25 min after the event at the city: 25 minutes late there, on time for the province and the centre, and
    # still so after the relay to the centre (the escalation branches' stale copy must not wipe the arrivals).
    levels = {lv.level: lv for lv in late.levels}
    assert late.status == "relayed"
    assert (levels["city"].reached_dt - late.event_dt, levels["city"].late_minutes) == (timedelta(minutes=145), 25)
    assert levels["province"].reached_dt and levels["province"].late_minutes is None
    assert levels["centre"].reached_dt and levels["centre"].late_minutes is None
    assert [(f.status, f.request_overdue) for f in late.followups] == [("delivered", False)]
    assert db.session.query(InstanceEvent).filter_by(instance_id=late.instance_id, action="shortcut").count() == 1

    assert (held.status, held.unit.code, held.levels[0].level, held.levels[0].office_unit.code) == (
        "held", "county-01-t1", "county", "county-01")

    faults = db.session.query(ReportingFault).order_by(ReportingFault.id)
    assert [(f.kind, f.unit.code, f.minutes_late) for f in faults] == [("late", "county-01", 25),
                                                                       ("missed", "county-02", None)]
    assert db.session.query(HumanTask).filter(HumanTask.state == "open",
                                              HumanTask.process_key.like("emergency%")).count() == 0
    assert db.session.query(Timer).filter(Timer.state == "armed",
                                          Timer.instance_id.in_([e.instance_id for e in emergencies.values()])
                                          ).count() == 0

    client = app.test_client()
    _login(client, "bj_city")
    # reported, on time, late, minutes late, missed, concealed, phone 补录, rate
    # Every unit reporting to the city is listed, zeros included (issue 19).
    zeros = ["0", "0", "0", "0", "0", "0", "0", "—"]
    february = _summary(client, "2026-02")
    assert {name: cells for name, cells in february.items() if cells != zeros} == {
        "青山县委办公室": ["2", "1", "1", "25", "0", "0", "0", "50.0%"],
        "临江区委办公室": ["0", "0", "0", "0", "1", "0", "0", "—"]}
    # 白石镇's report was held at 青山县 (本级掌握): the city never had it and does not count it.
    march = _summary(client, "2026-03")
    assert march["青山县白石镇党政办"] == zeros and all(cells == zeros for cells in march.values())
    record = client.get(f"/emergencies/record?unit={late.unit_id}").get_data(as_text=True)
    assert "市级时限 2 小时，迟报 25 分钟" in record and EMERGENCY_SAMPLES["late"]["title"] in record


def _summary(client, month):
    """The monthly report's table as the page shows it: unit name -> its cells after the name."""
    page = client.get(f"/emergencies/report?month={month}").get_data(as_text=True)
    rows = re.findall(r'<tr data-unit-id="\d+">\s*<td><a [^>]*>([^<]+)</a></td>(.*?)</tr>', page, re.S)
    return {name: re.findall(r'<td class="num">([^<]*)</td>', html) for name, html in rows}


def test_demo_information_work_ranks_last_month_once(app):
    """START is 2 March 2026: last month is February, when the 临江区 漏报 of the emergency demo also happened. The
    year of history is loaded too and leaves February to these: the ranking is theirs alone."""
    assert "12 items of last month's information work" in seed.load()
    db.session.commit()
    assert "0 items of last month's information work" in seed.load()
    office = db.session.query(Unit).filter_by(code="city-info").one()
    ranking = scoring_queries.month_ranking(office, date(2026, 2, 1))
    scores = {row.unit.code: (row.rank, row.score, row.submitted, row.adopted_total) for row in ranking.rows}
    # 汇要 专报 内参, 报忧, a city 批示, the 专报 item adopted again at the province (转报) with a provincial 批示, and
    # the emergency demo's 迟报
    assert scores["county-01"] == (1, 4 + 6 + 5 + 2 + 5 + 10 + 10 - 2, 4, 3)
    assert (ranking.rows[0].adopted_above, ranking.rows[0].instructions) == ({"province": 1},
                                                                             {"city": 1, "provincial": 1})
    # 江湾区 and 云溪县 each submitted one item the city merged into one combined item adopted into 汇要 (4 points):
    # each is credited with the adoption at half its points.
    assert scores["county-04"] == (2, 4 + 4 + 2, 3, 3)
    assert scores["county-03"] == (3, 4 - 2 + 2, 2, 2)  # a missed 约稿
    assert scores["county-02"] == (4, 4 + 3 - 5, 3, 2)  # the 漏报
    assert {rank for rank, score, *_ in scores.values() if score == 0} == {5}
    notes = {row[1]: row[-1] for row in scoring_queries.table_rows(ranking)}
    assert "综合采用 1 条（占 1/2）" in notes["云溪县委办公室"] and "综合采用 1 条（占 1/2）" in notes["江湾区委办公室"]
    assert "综合" not in notes["青山县委办公室"]
    # The source's page links the combined item; the ranking page shows the note.
    combined = db.session.query(InfoItem).filter_by(title=information_work.MERGED_TITLE).one()
    assert (combined.status, combined.publication) == ("adopted", "汇要")
    source = db.session.query(InfoItem).filter_by(title="云溪县冬春农田水利建设完成投资过半").one()
    writer, editor = app.test_client(), app.test_client()
    _login(writer, "xy_yunxi")
    page = writer.get(f"/reports/{source.id}").get_data(as_text=True)
    assert f'已综合入<a href="/reports/{combined.id}">《{information_work.MERGED_TITLE}》</a>（本单位占 1/2）' in page
    _login(editor, "bj_city")
    assert "综合采用 1 条（占 1/2）" in editor.get("/scoring/?month=2026-02").get_data(as_text=True)
    # The quarter and the year (January is the year history's, February these, March the samples') show figures,
    # with 青山县's bonus.
    months = [{row.unit.code: row.score for row in scoring_queries.month_ranking(office, date(2026, m, 1)).rows}
              for m in (1, 2, 3)]
    for summary in (scoring_queries.quarter_ranking(office, 2026, 1), scoring_queries.year_ranking(office, 2026)):
        totals = {row.unit.code: row.score for row in summary.rows}
        assert totals["county-01"] == sum(month["county-01"] for month in months) + 50
        assert totals["county-02"] == sum(month["county-02"] for month in months)
        assert summary.rows[0].unit.code == "county-01" and totals["county-01"] > 50


def _month(moment):
    return moment.astimezone(clock.LOCAL_TZ).strftime("%Y-%m")


def test_demo_year_fills_the_twelve_months_before_this_one_once(app):
    """Items, cases and emergencies in every one of the twelve months before March 2026, at every outcome, made by
    the real steps: the cases' deadlines, overdue flags and the emergencies' 迟报 come out of the engine."""
    message = seed.load()
    db.session.commit()
    items, cases, emergencies = (int(n) for n in re.search(
        r"a year of history: (\d+) items, (\d+) cases, (\d+) emergencies", message).groups())
    assert items >= 100 and cases == 12 * 3 and emergencies >= 11  # three cases a month; an emergency or more
    assert "a year of history: 0 items, 0 cases, 0 emergencies" in seed.load()
    assert clock.now() == START
    months = [f"2025-{m:02d}" for m in range(3, 13)] + ["2026-01", "2026-02"]

    item_months = Counter(_month(i.created_dt) for i in db.session.query(InfoItem))
    case_months = Counter(_month(c.registered_dt) for c in db.session.query(InstructionCase))
    emergency_months = Counter(_month(e.event_dt) for e in db.session.query(Emergency))
    assert all(item_months[m] > 0 and case_months[m] > 0 and emergency_months[m] > 0 for m in months), (
        item_months, case_months, emergency_months)
    # the samples, last month's work, its 转报 item and its combined item (综合)
    assert sum(item_months.values()) == 6 + 12 + 1 + 1 + items

    statuses = Counter(i.status for i in db.session.query(InfoItem))
    assert statuses["adopted"] > 50 and statuses["rejected"] > 10 and statuses["returned"] >= 1
    assert db.session.query(ItemInstruction).count() > 3
    returned_then_adopted = (db.session.query(InfoItem).filter(InfoItem.status == "adopted")
                             .join(HumanTask, HumanTask.instance_id == InfoItem.instance_id)
                             .filter(HumanTask.outcome == "return").count())
    assert returned_then_adopted > 0

    history = [c for c in db.session.query(InstructionCase) if c.registered_dt < START.replace(day=1)]
    archived = [c for c in history if c.stage == "archived"]
    on_time = [c for c in archived if c.overdue_dt is None and not c.extensions]
    late = [c for c in archived if c.overdue_dt is not None and c.closed_dt > c.due_dt]
    extended = [c for c in archived if c.extensions and c.overdue_dt is None and c.due_dt > c.original_due_dt]
    open_cases = [c for c in history if c.closed_dt is None]
    assert on_time and late and extended
    assert {c.overdue_dt is not None for c in open_cases} == {True, False}  # overdue (its timer fired) and not yet
    assert all(c.stage == "handling" for c in open_cases)

    faults = Counter(f.kind for f in db.session.query(ReportingFault))
    assert faults["late"] >= 2 and faults["missed"] >= 1 and faults["concealed"] >= 1
    assert db.session.query(ProcessInstance).filter(ProcessInstance.status.notin_(("running", "completed",
                                                                                   "terminated"))).count() == 0
    assert db.session.query(HumanTask).filter(HumanTask.state == "open",
                                              HumanTask.process_key.like("emergency%")).count() == 0

    client = app.test_client()
    _login(client, "dc_city")
    trend = client.get("/supervision/cockpit.json").get_json()["trend"]
    assert len(trend) == 12 and all(month["received"] > 0 for month in trend), trend  # the cockpit's 12 months
    assert sum(month["closed"] for month in trend) > sum(month["closed_on_time"] for month in trend) > 0

    client = app.test_client()
    _login(client, "bj_city")  # the city's emergency summary: reports in every month of the history
    for month in months[:-1]:
        assert any(int(cells[0]) > 0 for cells in _summary(client, month).values()), month
