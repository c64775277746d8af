"""A year of demo history: items, instruction cases and emergencies of the twelve months before this one.

Everything is made through the real operations (create_item, register_case, emergencies.report, the engine's
complete) with the clock pinned to each step's moment, so deadlines, timers, 迟报 and overdue flags come out as they
would have: the statistics, the monthly rankings, the cockpit's 12-month charts and the emergency summary open on
real shapes. Last month's information work is information_work's (a ranking the tests check figure by figure) and
the month of the sample emergencies is theirs; the history fills the other months. A fixed random seed keeps it the
same on every machine.
"""
import random
from datetime import datetime, time, timedelta

from webapp import engine
from webapp.auth.models import Unit, User
from webapp.cases.models import InstructionCase
from webapp.cases.operations import register_case
from webapp.core import clock
from webapp.emergencies import operations as emergency_ops
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.months import previous_month
from webapp.reports.operations import create_item
from webapp.reports.queries import item_for_instance
from webapp.reports.schemas import PUBLICATIONS
from webapp.scoring.operations import record_instruction

MONTHS = 12
SEED = 2026
COUNTIES = ["qingshan", "linjiang", "jiangwan", "yunxi", "songling", "liutang", "meiling", "fenglin", "heming",
            "shiwan"]
DEPARTMENTS = ["fgw", "jyj", "gaj", "nyj", "wjw", "yjj"]
ITEM_TOPICS = ["春耕生产", "防汛备汛", "项目建设", "招商引资", "乡村振兴", "民生实事", "基层治理", "生态环保",
               "安全生产", "营商环境", "文旅融合", "就业创业"]
ITEM_ANGLES = ["取得阶段性成效", "的做法与启示", "存在的问题及建议", "推进情况", "亮点纷呈", "需引起重视"]
ITEM_BODY = ("{title}。今年以来，{unit}围绕{topic}压实责任、细化措施，共组织专项行动{n}次，覆盖群众约{m}户，"
             "主要做法：一是强化统筹调度，二是创新工作机制，三是加强督促检查。")
# (weight, outcome) of an item at the upper office: adopted (with a 批示 now and then), not adopted, returned first
ITEM_OUTCOMES = [(50, "adopt"), (8, "instructed"), (20, "reject"), (10, "returned_adopted"), (4, "returned")]

CASE_UNITS = ["county-01", "dept-01", "dept-02", "dept-03"]
CASE_LEADERS = {"provincial": ["省委书记 陈立新", "省长 林卫东", "省委副书记 郑国平"],
                "city": ["市委书记 周建国", "市长 赵志刚", "市委副书记 吴海燕"]}
CASE_TOPICS = ["城区内涝治理", "农村饮水安全", "学校周边交通安全", "重点项目用地保障", "信访积案化解", "校园食品安全",
               "电信网络诈骗防范", "老旧小区改造", "河道垃圾清理", "企业欠薪问题"]
CASE_TEXT = "请{unit}高度重视，认真核查，提出切实可行的整改措施，按期报告办理结果。"
PROGRESS = "已成立工作专班，完成现场核查，正在逐项制定整改方案。"
REPORT = ("经核查，反映问题基本属实，主要原因是日常监管不到位。已完成整改：一是全面排查，二是建立台账逐项销号，"
          "三是建立长效机制，定期调度。")

EMERGENCY_KINDS = [("道路交通事故", "县道{n}号线", "一辆货车与一辆面包车相撞，道路单向通行受阻。"),
                   ("民房火灾", "{town}一处民房", "一处两层民房起火，明火已被扑灭。"),
                   ("山体滑坡", "{town}村道旁", "连日降雨引发小型山体滑坡，村道中断。"),
                   ("企业火情", "工业园区一企业", "一家企业仓库起火，未造成人员被困。"),
                   ("游客被困", "{town}景区", "数名游客在景区山道被困，已组织救援。")]
SIGN = {"opinion": "情况属实，同意上报。"}
HOLD = {"decision": "hold", "sign_mode": "leader", "opinion": "已处置完毕，本级掌握。"}
RELAY = {"decision": "relay", "sign_mode": "leader", "opinion": "请值班领导核签后上报。"}


def _at(moment):
    clock.set_fixed(moment)


def _moment(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=clock.LOCAL_TZ)


def _workday(day):
    """The day, or the Monday after it when it falls on a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def months_before(today):
    """The first days of the twelve months before `today`'s, oldest first."""
    months = [today.replace(day=1)]
    for _ in range(MONTHS):
        months.insert(0, previous_month(months[0]))
    return months[:-1]


class History:
    """The users, units and random draws every part of the history shares."""

    def __init__(self, today):
        self.rng = random.Random(SEED)
        self.users = {u.username: u for u in db.session.query(User)}
        self.units = {u.code: u for u in db.session.query(Unit)}
        self.months = months_before(today)
        self.counts = {"items": 0, "cases": 0, "emergencies": 0}

    def user(self, name):
        return self.users[name]

    def holder(self, row):
        """The first user of the open step's unit and role (who acts on a group task)."""
        return next(u for u in sorted(self.users.values(), key=lambda u: u.id)
                    if u.unit_id == row.unit_id and u.has_role(row.role) and u.is_active)

    def step(self, instance_id, at, form, user=None):
        _at(at)
        row = db.session.query(HumanTask).filter_by(instance_id=instance_id, state="open").one()
        engine.complete(row.id, user or self.holder(row), form)

    def day(self, month, low=1, high=26):
        return _workday(month + timedelta(days=self.rng.randint(low - 1, high - 1)))

    def outcome(self):
        return self.rng.choices([o for _, o in ITEM_OUTCOMES], [w for w, _ in ITEM_OUTCOMES])[0]


def _item(history, tag, day, outcome):
    writer, unit = history.user(f"xy_{tag}"), history.user(f"xy_{tag}").unit
    topic = history.rng.choice(ITEM_TOPICS)
    title = f"{unit.name.removesuffix('委办公室').removesuffix('办公室')}{topic}{history.rng.choice(ITEM_ANGLES)}"
    compose = {"title": title, "category": "经济运行", "urgency": "normal", "importance": "general", "secrecy": "0",
               "body": ITEM_BODY.format(title=title, unit=unit.name, topic=topic, n=history.rng.randint(3, 30),
                                        m=history.rng.randint(200, 9000)),
               "source_unit": unit.name, "problem_report": "1" if "问题" in title or "重视" in title else ""}
    _at(_moment(day, 9))
    item, _task = create_item(writer)
    iid = item.instance_id
    history.step(iid, _moment(day, 9, 30), compose, writer)
    history.step(iid, _moment(day, 11), {"decision": "pass", "opinion": "情况属实。"}, history.user(f"zr_{tag}"))
    history.step(iid, _moment(day, 15), {"decision": "pass", "opinion": "同意报送。"}, history.user(f"ld_{tag}"))
    editor = history.user("bj_city")
    next_day = day + timedelta(days=1)
    if outcome.startswith("returned"):
        history.step(iid, _moment(next_day, 10), {"decision": "return", "opinion": "请补充具体数据和典型事例。"},
                     editor)
        if outcome == "returned":
            return
        day, next_day = next_day + timedelta(days=1), next_day + timedelta(days=2)
        history.step(iid, _moment(day, 9), {**compose, "body": compose["body"] + "已补充典型事例。"}, writer)
        history.step(iid, _moment(day, 11), {"decision": "pass", "opinion": "已补充。"}, history.user(f"zr_{tag}"))
        history.step(iid, _moment(day, 15), {"decision": "pass", "opinion": "同意报送。"}, history.user(f"ld_{tag}"))
    if outcome == "reject":
        history.step(iid, _moment(next_day, 10), {"decision": "reject", "opinion": "价值不大，不予采用。"}, editor)
        return
    history.step(iid, _moment(next_day, 10), {"decision": "adopt", "publication": history.rng.choice(PUBLICATIONS),
                                             "opinion": "内容翔实，予以采用。"}, editor)
    if outcome == "instructed":
        on = next_day + timedelta(days=3)
        _at(_moment(on, 16))
        record_instruction(item_for_instance(iid), {
            "leader_name": history.rng.choice(CASE_LEADERS["city"]), "leader_level": "city",
            "text": "此做法值得总结推广。", "instructed_on": on.isoformat()}, editor)


def _items(history, skip_month):
    for month in history.months:
        if month == skip_month:
            continue  # information_work's month
        writers = COUNTIES + history.rng.sample(DEPARTMENTS, 1)
        recent = month >= history.months[-3]
        returned = False
        for tag in writers:
            for _ in range(history.rng.choice((0, 1, 1, 1, 2)) if tag in COUNTIES else 1):
                outcome = "returned" if recent and not returned else history.outcome()
                returned = returned or outcome == "returned"
                if outcome == "returned" and not recent:
                    outcome = "returned_adopted"  # only recent returns still wait for their writer
                _item(history, tag, history.day(month, 1, 20), outcome)  # done within its month
                history.counts["items"] += 1


def _case(history, month, kind, today):
    """A case registered in `month` by the city's 督查室, carried to `kind`: on_time / late / extended (archived),
    open (being handled, not due) or overdue (being handled past its deadline)."""
    supervisor = history.user("dc_city")
    level = "provincial" if history.rng.random() < 0.4 else "city"
    unit = history.units[history.rng.choice(CASE_UNITS)]
    topic = history.rng.choice(CASE_TOPICS)
    registered = history.day(month, 1, 8 if kind == "overdue" else 20)
    if kind == "open":
        registered = max(registered, today - timedelta(days=12))  # not due yet: a provincial case has 15 days
    _at(_moment(registered, 9))
    case, task = register_case(supervisor)
    cid = case.instance_id
    history.step(cid, _moment(registered, 9, 20), {
        "title": f"关于{unit.name}{topic}问题的批示", "source_leader": history.rng.choice(CASE_LEADERS[level]),
        "level": level, "urgency": "normal", "secrecy": "0", "instruction": CASE_TEXT.format(unit=unit.name),
        "instruction_date": (registered - timedelta(days=1)).isoformat(), "lead_unit_id": unit.id}, supervisor)
    history.step(cid, _moment(registered, 10), {"decision": "assign", "requirements": "请按期报送办理结果。"},
                 supervisor)
    history.counts["cases"] += 1
    due = db.session.query(InstructionCase).filter_by(instance_id=cid).one().due_dt.astimezone(clock.LOCAL_TZ)
    history.step(cid, _moment(_workday(registered + timedelta(days=4)), 16), {"decision": "progress",
                                                                            "progress": PROGRESS})
    if kind in ("open", "overdue"):
        return
    if kind == "extended":
        asked = due - timedelta(days=3)
        until = (due + timedelta(days=10)).date().isoformat()
        history.step(cid, asked, {"decision": "extension", "extend_until": until,
                                  "extension_reason": "涉及多个部门，整改方案需报县政府常务会议审定。"})
        history.step(cid, asked + timedelta(hours=2), {"decision": "approve", "opinion": "同意延期。"})
        closed = due + timedelta(days=6)
    elif kind == "late":
        closed = due + timedelta(days=history.rng.randint(2, 8))
    else:
        closed = due - timedelta(days=history.rng.randint(3, 9))
    history.step(cid, closed, {"decision": "close", "report": REPORT, "doc_no": f"{unit.name[:2]}办字〔{closed.year}〕"
                                                                                 f"{history.rng.randint(10, 99)}号"})
    history.step(cid, closed + timedelta(hours=2), {"decision": "sign", "opinion": "同意报结。"})
    history.step(cid, closed + timedelta(hours=20), {"decision": "accept", "opinion": "办理到位，同意办结。"})


def _cases(history, today):
    for index, month in enumerate(history.months):
        recent = len(history.months) - index  # 1 for last month
        if recent == 1:
            kinds = ["open", "overdue", "on_time"]
        elif recent == 2:
            kinds = ["overdue", "extended", "late"]
        else:
            kinds = history.rng.sample(["on_time", "on_time", "late", "extended"], 3)
        for kind in kinds:
            _case(history, month, kind, today)


def _emergency(history, tag, month, late):
    writer = history.user(f"xy_{tag}")
    kind, place, summary = history.rng.choice(EMERGENCY_KINDS)
    town = writer.unit.name.removesuffix("委办公室")
    event = _moment(history.day(month, 1, 24), history.rng.choice((8, 10, 14, 16, 20, 22)),
                    history.rng.choice((5, 20, 40)))
    _at(event + timedelta(minutes=history.rng.randint(20, 50)))
    emergency = emergency_ops.report(writer, {
        "title": f"{town}发生{kind}", "place": place.format(n=history.rng.randint(101, 399), town=town),
        "summary": summary, "casualties": "无人员死亡", "measures": "已组织相关部门赶赴现场处置。",
        "urgency": "urgent", "secrecy": "0", "sign_mode": "leader", "skip_reason": "",
        "event_time": (event.astimezone(clock.LOCAL_TZ)).strftime("%Y-%m-%dT%H:%M")})
    signed = event + timedelta(minutes=history.rng.randint(130, 200) if late else history.rng.randint(55, 110))
    history.step(emergency.instance_id, signed, SIGN)  # the county's leader: the city has it now
    if history.rng.random() < 0.35:  # relayed to the province, which keeps it
        history.step(emergency.instance_id, signed + timedelta(minutes=15), RELAY)
        history.step(emergency.instance_id, signed + timedelta(minutes=35), SIGN)
    history.step(emergency.instance_id, signed + timedelta(minutes=50), HOLD)
    history.counts["emergencies"] += 1


def _emergencies(history, skip_month):
    for index, month in enumerate(history.months):
        if month == skip_month:
            continue  # the sample emergencies' month
        for _ in range(history.rng.choice((1, 2, 2, 3))):
            _emergency(history, history.rng.choice(COUNTIES), month, late=history.rng.random() < 0.2)
        if index % 3 == 1:  # a 漏报 or 瞒报 the city's 信息科 learnt of another way
            unit = history.user(f"xy_{history.rng.choice(COUNTIES[1:])}").unit
            event = _moment(history.day(month, 1, 24), 11)
            _at(event + timedelta(days=2))
            kind = "concealed" if index % 6 == 4 else "missed"
            emergency_ops.record_fault(history.user("bj_city"), {
                "unit_id": unit.id, "kind": kind, "event_time": event.strftime("%Y-%m-%dT%H:%M"),
                "title": f"{unit.name[:3]}一处工地发生坍塌",
                "description": "从市应急管理局获悉此事，该单位未按规定报送。"})


def _fire_due_timers():
    """Cases past their deadline: their timers fire now (reminders, 到期), as the sweeper would at start."""
    open_cases = db.session.query(InstructionCase.instance_id).filter(InstructionCase.closed_dt.is_(None)).all()
    for (instance_id,) in open_cases:
        engine.fire_timers(instance_id)


def load(now, sample_emergency_day):
    """The history, once (skipped when any case was registered before this month's first day, which only the history
    does). `now`: the real moment, before the clock is moved; `sample_emergency_day`: the day of the earliest sample
    emergency, whose month the history leaves to them. Returns (items, cases, emergencies) added."""
    today = now.astimezone(clock.LOCAL_TZ).date()
    first = today.replace(day=1)
    if db.session.query(InstructionCase).filter(InstructionCase.registered_dt < _moment(first, 0)).count():
        return 0, 0, 0
    history = History(today)
    _items(history, previous_month(first))
    _cases(history, today)
    _emergencies(history, sample_emergency_day.replace(day=1))
    _at(now)
    _fire_due_timers()
    return history.counts["items"], history.counts["cases"], history.counts["emergencies"]

