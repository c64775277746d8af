"""Load the demo organisation and a few items at different steps; safe to run again."""
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from werkzeug.security import generate_password_hash

from webapp import engine
from webapp.auth.models import Unit, User
from webapp.cases.models import InstructionCase
from webapp.cases.operations import register_case
from webapp.core import clock
from webapp.emergencies import operations as emergency_ops
from webapp.emergencies.models import Emergency
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.reports.models import InfoItem
from webapp.reports.operations import create_item

from . import information_work, key_tasks, year
from .org_data import DEMO_LOGINS, DEMO_PASSWORD, UNITS, USERS

SAMPLE_BODY = (
    "{title}。据初步统计，涉及群众约{n}户，县委、县政府高度重视，已组织相关部门现场核查，"
    "目前各项工作有序推进，下一步将加强跟踪督办，及时报送进展情况。"
)
SAMPLES = [
    # (title, importance, steps to walk: list of (role, form))
    ("青山县春耕备耕工作进展顺利", "general", []),
    ("青山县推进农村人居环境整治", "general", ["submit"]),
    ("青山县多措并举稳就业", "general", ["submit", ("verifier", "pass")]),
    ("青山县防汛抗旱工作部署情况", "important", ["submit", ("verifier", "pass"), ("leader", "pass")]),
    ("青山县优化营商环境新举措", "general",
     ["submit", ("verifier", "pass"), ("leader", "pass"), ("editor", "adopt")]),
    ("青山县基层治理创新做法", "general", ["submit", ("verifier", "return")]),
]


def _units():
    created = 0
    by_code = {u.code: u for u in db.session.query(Unit)}
    for code, name, kind, function, parent_code in UNITS:
        unit = by_code.get(code)
        if unit is None:
            unit = Unit(code=code)
            db.session.add(unit)
            by_code[code] = unit
            created += 1
        unit.name, unit.kind, unit.function = name, kind, function
        unit.parent = by_code[parent_code] if parent_code else None
    db.session.flush()
    return by_code, created


def _users(units):
    created = 0
    existing = {u.username: u for u in db.session.query(User)}
    password_hash = generate_password_hash(DEMO_PASSWORD)  # one hash: every demo user shares the password
    for username, name, unit_code, roles, clearance in USERS:
        user = existing.get(username)
        if user is None:
            user = User(username=username, password_hash=password_hash)
            db.session.add(user)
            created += 1
        user.name, user.unit, user.clearance = name, units[unit_code], clearance
        user.roles = roles
    db.session.flush()
    return created


def _user_for(role, unit_id):
    return next(u for u in db.session.query(User).filter_by(unit_id=unit_id).order_by(User.id) if u.has_role(role))


def _user(username):
    return db.session.query(User).filter_by(username=username).one()


def _walk(title, importance, steps, writer):
    item, task = create_item(writer)
    compose = {"title": title, "body": SAMPLE_BODY.format(title=title, n=120 + len(title)), "category": "经济运行",
               "urgency": "normal", "importance": importance, "secrecy": "0", "source_unit": writer.unit.name}
    if not steps:
        engine.save_draft(task.id, writer, compose)
        return
    for step in steps:
        row = db.session.query(HumanTask).filter_by(instance_id=item.instance_id, state="open").one()
        if step == "submit":
            engine.complete(row.id, writer, compose)
            continue
        role, decision = step
        actor = _user_for(role, row.unit_id)
        form = {"decision": decision, "opinion": "情况属实，同意报送。" if decision == "pass" else ""}
        if decision == "return":
            form["opinion"] = "数据需进一步核实，请补充来源。"
        if decision == "adopt":
            form.update(publication="汇要", opinion="内容翔实，予以采用。")
        engine.complete(row.id, actor, form)


CASE_SAMPLES = [
    # (title, leader, level, urgency, lead unit code, steps after 交办: handler's progress / close / principal sign)
    ("关于青山县河道污染整治的批示", "省委书记 陈立新", "provincial", "urgent", "county-01", []),
    ("关于青山县农村供水保障的批示", "市委书记 周建国", "city", "normal", "county-01", ["progress"]),
    ("关于青山县安全生产隐患排查的批示", "省长 林卫东", "provincial", "normal", "county-01",
     ["progress", "close"]),
    ("关于市发展改革委重大项目推进的批示", "市长 赵志刚", "city", "normal", "dept-01", []),
]
CASE_TEXT = "请{unit}高度重视，认真核查，提出切实可行的整改措施，按期报告办理结果。"
CASE_ASSIGN = {"decision": "assign", "requirements": "请按期报送办理结果，紧急件一周内反馈进展。"}
CASE_PROGRESS = {"decision": "progress", "progress": "已成立工作专班，完成现场核查，正在制定整改方案。"}
CASE_CLOSE = ("经核查，问题属实，主要原因是日常监管不到位。已完成整改：一是全面排查，二是建立台账逐项销号，"
              "三是建立长效机制，由县政府每月调度。")


def _case(title, leader, level, urgency, unit_code, steps, supervisor):
    unit = db.session.query(Unit).filter_by(code=unit_code).one()
    case, task = register_case(supervisor)
    engine.complete(task.id, supervisor, {
        "title": title, "source_leader": leader, "level": level, "urgency": urgency, "secrecy": "0",
        "instruction": CASE_TEXT.format(unit=unit.name), "instruction_date": "2026-01-05", "lead_unit_id": unit.id})
    row = db.session.query(HumanTask).filter_by(instance_id=case.instance_id, state="open").one()
    engine.complete(row.id, supervisor, CASE_ASSIGN)
    for step in steps:
        row = db.session.query(HumanTask).filter_by(instance_id=case.instance_id, state="open").one()
        handler = _user_for("handler", row.unit_id)
        if step == "progress":
            engine.complete(row.id, handler, CASE_PROGRESS)
        else:
            engine.complete(row.id, handler, {"decision": "close", "report": CASE_CLOSE, "doc_no": "青办字〔2026〕8号"})


EMERGENCY_SAMPLES = {
    "on_time": {"title": "青山县青石岭隧道发生货车起火", "place": "青山县青石岭隧道（县道X312）",
                "summary": "9时40分许，一辆运载木材的货车在青石岭隧道内起火，隧道双向交通中断。",
                "casualties": "司机轻微烧伤，已送县人民医院；无其他人员伤亡",
                "measures": "县消防救援大队已扑灭明火，交警实行交通管制。"},
    "late": {"title": "青山县龙潭镇一民房发生坍塌", "place": "青山县龙潭镇新桥村",
             "summary": "19时20分许，新桥村一处两层自建民房局部坍塌。",
             "casualties": "1人受伤被困，已于20时50分救出送医",
             "measures": "镇村干部已疏散周边群众12户，县住建局派员排查。"},
    "held": {"title": "白石镇一处山塘出现渗漏", "place": "青山县白石镇石门村", "urgency": "urgent",
             "summary": "14时10分许，石门村黄泥塘坝体出现渗漏，下游无住户。", "measures": "已降低水位，安排专人值守。"},
}
EMERGENCY_FORM = {"urgency": "very_urgent", "secrecy": "0", "sign_mode": "leader", "skip_reason": ""}
FOLLOWUPS = [  # (minutes after the event, kind, text) of the on-time report
    (170, "followup", "隧道内通风排烟完成，正在清理车辆残骸，预计17时恢复通行。"),
    (380, "final", "隧道已于16时30分恢复双向通行，起火原因初步认定为车辆线路老化。"),
]
SIGN = {"opinion": "情况属实，同意上报。"}
RELAY = {"decision": "relay", "sign_mode": "leader", "opinion": "已核实，请值班领导核签后上报。"}
RELAY_SKIP = {"decision": "relay", "sign_mode": "skip", "skip_reason": "值班领导已电话同意，先行上报。"}
HOLD = {"decision": "hold", "sign_mode": "leader", "opinion": "险情已控制，县级掌握，不再上报。"}


@contextmanager
def _backdated():
    """The demo emergencies happened over the last days: each step runs with the clock pinned to its moment (the
    limits count from the event time), and the clock is given back as found (pinned in tests, running otherwise)."""
    found = clock.pinned()
    try:
        yield
    finally:
        clock.set_fixed(found)


def _local(moment):
    return moment.astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def _after(event, minutes):
    return event + timedelta(minutes=minutes)


def _report(writer, sample, event, after):
    clock.set_fixed(_after(event, after))
    return emergency_ops.report(writer, {**EMERGENCY_FORM, **EMERGENCY_SAMPLES[sample], "event_time": _local(event)})


def _act(emergency_or_followup, at, form):
    """Complete the open step as the first user of its unit and role (信息科 or 总值班室 by the hour it arrived)."""
    clock.set_fixed(at)
    row = db.session.query(HumanTask).filter_by(instance_id=emergency_or_followup.instance_id, state="open").one()
    engine.complete(row.id, _user_for(row.role, row.unit_id), form)


def _sample_emergency_day(now):
    """The day of the earliest sample emergency (three days back): the history leaves its month to them."""
    return now.astimezone(clock.LOCAL_TZ).date() - timedelta(days=3)


def _emergencies():
    """An on-time report from 青山县 relayed to the centre, with a 续报 and a 终报; a late one (迟报 25 minutes at the
    city) that the city's duty office relays without its leader's sign-off and asks a follow-up for; a township's
    report the county keeps (本级掌握); a 漏报 the city's 信息科 recorded against 临江区."""
    today = datetime.combine(clock.now().astimezone(clock.LOCAL_TZ).date(), time(), tzinfo=clock.LOCAL_TZ)
    writer = _user("xy_qingshan")

    event = today - timedelta(days=3) + timedelta(hours=9, minutes=40)
    on_time = _report(writer, "on_time", event, 25)
    for after, form in ((40, SIGN), (55, RELAY), (70, SIGN), (100, RELAY), (115, SIGN)):
        _act(on_time, _after(event, after), form)  # county leader, city office and leader, province
    for after, kind, body in FOLLOWUPS:
        clock.set_fixed(_after(event, after))
        followup = emergency_ops.add_followup(writer, on_time, {"followup_kind": kind, "body": body})
        _act(followup, _after(event, after + 10), SIGN)

    event = today - timedelta(days=2) + timedelta(hours=19, minutes=20)
    late = _report(writer, "late", event, 125)
    for after, form in ((145, SIGN), (160, RELAY_SKIP), (190, RELAY), (205, SIGN)):
        _act(late, _after(event, after), form)  # the leader signs 2 h 25 min after the event: 25 minutes late
    clock.set_fixed(_after(event, 220))
    request = emergency_ops.request_followup(_user("zb_city"), late, {
        "due_time": _local(event + timedelta(hours=13)), "note": "请于明早8时前续报伤员救治和房屋排查情况。"})
    _act(request, _after(event, 730), {"body": "伤员伤情稳定；全村自建房排查完毕，另有2处存在隐患，已疏散住户。"})
    _act(request, _after(event, 745), SIGN)

    event = today - timedelta(days=1) + timedelta(hours=14, minutes=10)
    held = _report(_user("xy_qingshan_baishi"), "held", event, 20)
    _act(held, _after(event, 30), SIGN)
    _act(held, _after(event, 50), HOLD)  # 青山县's editor or duty officer, by the hour

    event = today - timedelta(days=2) + timedelta(hours=16, minutes=30)
    clock.set_fixed(event + timedelta(hours=18, minutes=30))
    emergency_ops.record_fault(_user("bj_city"), {
        "unit_id": db.session.query(Unit.id).filter_by(code="county-02").scalar(), "kind": "missed",
        "event_time": _local(event), "title": "临江区沙洲镇一化工企业发生火情",
        "description": "从市应急管理局获悉此事，临江区委办公室未按规定报送。"})
    return 3


def load(history=True):
    """Everything above, each part once; `history=False` leaves out the year of history (tests of the samples)."""
    now = clock.now()  # before any back-dated step moves it
    units, new_units = _units()
    new_users = _users(units)
    samples = 0
    if db.session.query(InfoItem).count() == 0:
        writer = db.session.query(User).filter_by(username=DEMO_LOGINS[0][0]).one()
        for title, importance, steps in SAMPLES:
            _walk(title, importance, steps, writer)
            samples += 1
    cases = 0
    if db.session.query(InstructionCase).count() == 0:
        supervisor = db.session.query(User).filter_by(username="dc_city").one()
        for sample in CASE_SAMPLES:
            _case(*sample, supervisor)
            cases += 1
    emergencies = 0
    if db.session.query(Emergency).count() == 0:
        with _backdated():
            emergencies = _emergencies()
    with _backdated():
        scored = information_work.load()
    year_items = year_cases = year_emergencies = 0
    if history:
        with _backdated():
            year_items, year_cases, year_emergencies = year.load(now, _sample_emergency_day(now))
    key_tasks.load()
    return (f"demo: {len(units)} units ({new_units} new), {len(USERS)} users ({new_users} new), "
            f"{samples} sample items, {cases} sample cases, {emergencies} sample emergencies, "
            f"{scored} items of last month's information work, "
            f"a year of history: {year_items} items, {year_cases} cases, {year_emergencies} emergencies")


def login_help():
    lines = ["", f"演示账号（密码均为 {DEMO_PASSWORD}）："]
    lines += [f"  {username:<16} {hint}" for username, hint in DEMO_LOGINS]
    return "\n".join(lines)
