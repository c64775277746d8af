"""Load the demo organisation and a few items at different steps; safe to run again."""
from werkzeug.security import generate_password_hash

from webapp.auth.models import Unit, User
from webapp.cases.models import InstructionCase
from webapp.cases.operations import register_case
from webapp.engine import runner
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.reports.models import InfoItem
from webapp.reports.operations import create_item

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
    return next(u for u in db.session.query(User).filter_by(unit_id=unit_id) if u.has_role(role))


def _walk(title, importance, steps, writer):
    item, task = create_item(writer)
    compose = {"title": title, "body": SAMPLE_BODY.format(title=title, n=120 + len(title)), "category": "经济运行",
               "urgency": "normal", "importance": importance, "secrecy": "0", "source_unit": writer.unit.name}
    if not steps:
        runner.save_draft(task.id, writer, compose)
        return
    for step in steps:
        row = db.session.query(HumanTask).filter_by(instance_id=item.instance_id, state="open").one()
        if step == "submit":
            runner.complete(row.id, writer, compose)
            continue
        role, decision = step
        actor = _user_for(role, row.unit_id)
        form = {"decision": decision, "opinion": "情况属实，同意报送。" if decision == "pass" else ""}
        if decision == "return":
            form["opinion"] = "数据需进一步核实，请补充来源。"
        if decision == "adopt":
            form.update(publication="汇要", opinion="内容翔实，予以采用。")
        runner.complete(row.id, actor, form)


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
    runner.complete(task.id, supervisor, {
        "title": title, "source_leader": leader, "level": level, "urgency": urgency, "secrecy": "0",
        "instruction": CASE_TEXT.format(unit=unit.name), "instruction_date": "2026-01-05", "lead_unit_id": unit.id})
    row = db.session.query(HumanTask).filter_by(instance_id=case.instance_id, state="open").one()
    runner.complete(row.id, supervisor, CASE_ASSIGN)
    for step in steps:
        row = db.session.query(HumanTask).filter_by(instance_id=case.instance_id, state="open").one()
        handler = _user_for("handler", row.unit_id)
        if step == "progress":
            runner.complete(row.id, handler, CASE_PROGRESS)
        else:
            runner.complete(row.id, handler, {"decision": "close", "report": CASE_CLOSE, "doc_no": "青办字〔2026〕8号"})


def load():
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
    return (f"demo: {len(units)} units ({new_units} new), {len(USERS)} users ({new_users} new), "
            f"{samples} sample items, {cases} sample cases")


def login_help():
    lines = ["", f"演示账号（密码均为 {DEMO_PASSWORD}）："]
    lines += [f"  {username:<16} {hint}" for username, hint in DEMO_LOGINS]
    return "\n".join(lines)
