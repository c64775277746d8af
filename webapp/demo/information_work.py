"""Demo information work of last month: adoptions, a 批示, an item 转报 to the province and adopted there with a
provincial 批示, two counties' items merged into one combined item (综合) and adopted, a missed and an answered 约稿,
and an open 约稿.

With it the ranking (考核通报) opens on a month with figures, ready for the editor to publish its circular.
"""
from datetime import datetime, time, timedelta

from webapp import engine
from webapp.auth.models import Unit, User
from webapp.commissions.models import Commission, CommissionTarget
from webapp.commissions.operations import answer
from webapp.core import clock
from webapp.editorial import merging
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.months import previous_month
from webapp.reports import forwarding
from webapp.reports.models import InfoItem
from webapp.reports.operations import create_item
from webapp.scoring.awards import record_bonus
from webapp.scoring.operations import record_instruction

BODY = "{title}。据统计，相关工作覆盖群众约{n}户，主要做法是压实责任、细化措施、强化督导，取得阶段性成效。"
# (county tag, day of last month, title, decision, publication, 报忧)
ITEMS = [
    ("qingshan", 3, "青山县三项举措推动春耕生产", "adopt", "汇要", False),
    ("qingshan", 9, "青山县探索“党建+产业”助农增收", "adopt", "专报", False),
    ("qingshan", 16, "青山县部分村组饮水安全存在隐患需引起重视", "adopt", "内参", True),
    ("qingshan", 21, "青山县召开全县经济工作推进会", "reject", None, False),
    ("linjiang", 5, "临江区优化营商环境“一网通办”成效明显", "adopt", "汇要", False),
    ("linjiang", 12, "临江区滨江街道创新网格化治理", "adopt", "上报", False),
    ("linjiang", 19, "临江区开展安全生产大检查", "reject", None, False),
    ("jiangwan", 8, "江湾区新港码头货运量同比增长两成", "adopt", "重要信息", False),
    ("yunxi", 6, "云溪县茶产业带动群众增收", "adopt", "汇要", False),
    ("yunxi", 11, "云溪县一季度经济运行亮点", "adopt", "汇要", False),
    # 综合: left to the city's editor, who merges the two into one combined item (`_merged`).
    ("jiangwan", 13, "江湾区冬春农田水利建设进展顺利", "merge", None, False),
    ("yunxi", 14, "云溪县冬春农田水利建设完成投资过半", "merge", None, False),
]
MERGED_TITLE = "我市冬春农田水利建设扎实推进"
COUNTIES = {"qingshan": "county-01", "linjiang": "county-02", "jiangwan": "county-03", "yunxi": "county-04"}


def _moment(day, hour):
    return datetime.combine(day, time(hour), tzinfo=clock.LOCAL_TZ)


def _at(day, hour):
    clock.set_fixed(_moment(day, hour))


def _user(username):
    return db.session.query(User).filter_by(username=username).one()


def _unit(code):
    return db.session.query(Unit).filter_by(code=code).one()


def _step(item, user, form):
    row = db.session.query(HumanTask).filter_by(instance_id=item.instance_id, state="open").one()
    engine.complete(row.id, user, form)


def _item(tag, day, title, decision, publication, problem, commission=None):
    writer = _user(f"xy_{tag}")
    _at(day, 9)
    compose = {"title": title, "body": BODY.format(title=title, n=300 + 7 * day.day), "category": "经济运行",
               "urgency": "normal", "importance": "general", "secrecy": "0", "source_unit": writer.unit.name,
               "problem_report": "1" if problem else ""}
    if commission:
        item, _task = answer(writer, commission.id, compose, submit=True)
    else:
        item, _task = create_item(writer)
        _step(item, writer, compose)
    _step(item, _user(f"zr_{tag}"), {"decision": "pass", "opinion": "情况属实。"})
    _step(item, _user(f"ld_{tag}"), {"decision": "pass", "opinion": "同意报送。"})
    if decision == "merge":  # awaits the city's 编辑处理, to be merged
        return db.session.query(InfoItem).filter_by(instance_id=item.instance_id).one()
    _at(day, 16)
    form = {"decision": decision, "opinion": "内容翔实，予以采用。" if decision == "adopt" else "价值不大，不予采用。"}
    if publication:
        form["publication"] = publication
    _step(item, _user("bj_city"), form)
    return db.session.query(InfoItem).filter_by(instance_id=item.instance_id).one()


def _commission(topic, due, codes, created):
    clock.set_fixed(created)
    commission = Commission(issuing_unit_id=_unit("city-info").id, topic=topic, created_dt=created,
                            detail="请结合本地实际，突出典型做法和存在问题。", due_dt=due,
                            created_by_id=_user("bj_city").id)
    db.session.add(commission)
    db.session.flush()
    for code in codes:
        db.session.add(CommissionTarget(commission_id=commission.id, unit_id=_unit(code).id))
    db.session.flush()
    return commission


def _forwarded_to_the_province(item, first):
    """转报: the city forwards its 专报 item to the province, which adopts it and earns a provincial 批示; the county's
    item page lists both levels (docs/editorial.md)."""
    _at(first + timedelta(days=19), 15)
    upper = forwarding.forward(_user("bj_city"), item)
    _at(first + timedelta(days=21), 10)
    _step(upper, _user("bj_prov"), {"decision": "adopt", "publication": "汇要", "opinion": "转报信息，予以采用。"})
    _at(first + timedelta(days=24), 10)
    upper = db.session.get(InfoItem, upper.id)
    record_instruction(upper, {"leader_name": "省委副书记 李明", "leader_level": "provincial",
                               "text": "青山县的做法很好，请省委农办总结推广。",
                               "instructed_on": (first + timedelta(days=24)).isoformat()}, _user("bj_prov"))


def _merged(sources, first):
    """综合: the city's editor merges two counties' items (equal shares) and adopts the combined item into 汇要; the
    sources' pages say 已综合入《…》 and the ranking's note credits each county with its share (docs/editorial.md)."""
    _at(first + timedelta(days=14), 10)
    editor = _user("bj_city")
    combined = merging.merge(editor, {
        "item_ids": [item.id for item in sources], "shares": [], "title": MERGED_TITLE,
        "body": "\n\n".join(f"【{item.unit.name}】{item.body}" for item in sources), "category": "经济运行",
        "secrecy": 0, "urgency": "normal"})
    _at(first + timedelta(days=14), 16)
    _step(combined, editor, {"decision": "adopt", "publication": "汇要", "opinion": "综合两地情况，予以采用。"})
    return combined


def load():
    """Once: skipped when any 约稿 exists. Returns how many items it added."""
    if db.session.query(Commission).count():
        return 0
    today = datetime.combine(clock.local_today(), time(), tzinfo=clock.LOCAL_TZ)  # before the clock is moved
    first = previous_month(today.date())
    asked = _commission("一季度经济运行亮点", _moment(first + timedelta(days=14), 18),
                        [COUNTIES["jiangwan"], COUNTIES["yunxi"]], _moment(first + timedelta(days=1), 10))
    added = []
    for tag, day, title, decision, publication, problem in ITEMS:
        answers = asked if tag == "yunxi" and "一季度" in title else None
        added.append(_item(tag, first + timedelta(days=day - 1), title, decision, publication, problem, answers))
    _merged([item for item, (*_, decision, _p, _r) in zip(added, ITEMS, strict=True) if decision == "merge"], first)
    _at(first + timedelta(days=19), 10)
    record_instruction(added[1], {"leader_name": "市委书记 周建国", "leader_level": "city",
                                  "text": "此做法值得推广，请市委农办总结经验。",
                                  "instructed_on": (first + timedelta(days=19)).isoformat()}, _user("bj_city"))
    _forwarded_to_the_province(added[1], first)
    # A bonus in the quarter and the year (not in the month): 青山县 reached the province's top list.
    record_bonus(_unit("city-info"), {"unit_id": str(_unit(COUNTIES["qingshan"]).id), "bonus_key": "provincial_top",
                                      "reason": "上年度全省信息工作考核进入前十名",
                                      "awarded_on": (first + timedelta(days=17)).isoformat()}, _user("bj_city"))
    _commission("防汛备汛工作情况", today + timedelta(days=5, hours=18), list(COUNTIES.values()),
                today + timedelta(hours=8))
    return len(added)
