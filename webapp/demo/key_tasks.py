"""Demo decision supervision: this year's key-task ledger of the 市委督查室 (8 areas, 20 tasks), one checkpoint's
round with reports at every stage, a 派人督办, and that checkpoint's 督查通报 drafted, returned once and signed.

Everything goes through the real operations and the engine; loading twice adds nothing (the ledger's title is
unique in its year)."""
from datetime import datetime, time, timedelta

from webapp import engine
from webapp.auth.models import Unit, User
from webapp.core import clock
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.keytasks import checkpoints, circulars, operations, queries
from webapp.keytasks.models import KeyTaskLedger, KeyTaskMilestone, KeyTaskReport

TITLE = "市委市政府重点工作任务"
AREAS = ["经济发展", "改革开放", "乡村振兴", "城市建设", "生态环保", "民生保障", "社会治理", "党的建设"]
LEADERS = {"county-01": "副市长 陈国华", "dept-01": "副市长 李明远", "dept-02": "副市长 王晓燕",
           "dept-03": "副市长 刘建军"}
# (area, title, lead unit, cooperating units, targets, milestones as (month, day, text))
TASKS = [
    (0, "推进临江经济开发区扩容提质", "dept-01", ["dept-06", "county-02"], "新增入园企业30家，完成投资50亿元",
     [(3, 31, "完成园区规划修编"), (6, 30, "签约项目20个"), (12, 31, "完成年度投资目标")]),
    (0, "实施重大项目攻坚行动", "dept-01", ["dept-04", "dept-08"], "重大项目开工率90%以上",
     [(4, 30, "一季度项目集中开工"), (9, 30, "开工率达到80%"), (12, 31, "开工率达到90%")]),
    (0, "培育壮大县域特色产业", "county-01", ["dept-11", "dept-12"], "茶叶、林果两个百亿产业链成形",
     [(5, 31, "出台产业链扶持办法"), (11, 30, "完成龙头企业招引")]),
    (1, "深化“放管服”改革", "dept-01", ["dept-16", "dept-17"], "政务服务事项“一网通办”率达到95%",
     [(3, 31, "梳理事项清单"), (8, 31, "上线一网通办平台")]),
    (1, "推进国有企业改革", "dept-01", ["dept-04"], "完成市属国企整合重组",
     [(6, 30, "制定重组方案"), (12, 31, "完成整合")]),
    (1, "扩大高水平对外开放", "county-01", ["dept-12"], "进出口总额增长8%", [(9, 30, "举办招商推介会2场")]),
    (2, "推进高标准农田建设", "county-01", ["dept-11", "dept-10"], "新建高标准农田5万亩",
     [(4, 15, "完成项目招标"), (10, 31, "完成建设任务")]),
    (2, "实施农村人居环境整治", "county-01", ["dept-08", "dept-07"], "农村卫生厕所普及率达到90%",
     [(6, 30, "完成改厕1万户"), (12, 31, "完成年度整治任务")]),
    (2, "发展壮大村级集体经济", "county-01", ["dept-11"], "村级集体经济收入全部超过10万元",
     [(7, 31, "完成薄弱村帮扶结对")]),
    (3, "推进老旧小区改造", "dept-01", ["dept-08", "county-02"], "改造老旧小区40个",
     [(3, 31, "完成改造计划"), (10, 31, "完成主体改造")]),
    (3, "建设智慧城市平台", "dept-03", ["dept-01", "dept-19"], "建成城市运行管理中心",
     [(6, 30, "完成平台建设招标"), (12, 31, "平台上线运行")]),
    (4, "打好蓝天保卫战", "dept-03", ["dept-07", "dept-09"], "空气质量优良天数比例达到90%",
     [(5, 31, "完成重点企业治理"), (12, 31, "完成年度目标")]),
    (4, "推进长江岸线生态修复", "county-01", ["dept-07", "dept-06"], "完成岸线修复20公里",
     [(6, 30, "完成10公里修复"), (11, 30, "全部完工")]),
    (5, "新建改扩建中小学校", "dept-02", ["dept-08", "dept-06"], "新增学位8000个",
     [(3, 31, "完成选址"), (8, 31, "秋季学期投入使用")]),
    (5, "推进义务教育优质均衡发展", "dept-02", ["county-01"], "通过国家义务教育优质均衡评估",
     [(6, 30, "完成自评"), (11, 30, "迎接国家评估")]),
    (5, "稳定和扩大就业", "dept-02", ["dept-05"], "城镇新增就业3万人", [(6, 30, "新增就业1.5万人"),
                                                                        (12, 31, "新增就业3万人")]),
    (6, "深化平安临江建设", "dept-03", ["dept-17", "county-01"], "群众安全感达到98%",
     [(4, 30, "开展专项整治行动"), (10, 31, "完成满意度测评")]),
    (6, "推进信访积案化解", "dept-03", ["dept-17"], "信访积案化解率达到95%", [(6, 30, "化解积案50%")]),
    (7, "加强基层党组织建设", "county-01", [], "软弱涣散村党组织全部整顿到位",
     [(5, 31, "完成排查"), (10, 31, "整顿到位")]),
    (7, "推进清廉机关建设", "dept-02", ["dept-03"], "建成清廉机关示范点10个", [(9, 30, "命名示范点")]),
]
# What each task's report of the round has been through: accepted, completed, returned by the 督查室, waiting for
# the 督查室's review, waiting for the unit's leader, or nothing sent yet.
STAGES = ["accept", "accept", "accept", "complete", "accept", "return", "review", "sign", "accept", "none",
          "accept", "review", "accept", "accept", "sign", "none", "accept", "return", "accept", "review"]
PROGRESS = ("对照节点目标，{title}各项工作有序推进：已成立工作专班，完成阶段性任务，配合单位按分工落实。",
            "配合单位已按分工提供相关材料。", "下一步将加快推进，确保按期完成年度目标。")
CIRCULAR = {"summary": "本期全市重点工作任务总体推进有序，多数任务按节点完成阶段目标，个别任务进度滞后、报送不及时。",
            "area_remarks": "经济发展：开发区扩容和重大项目攻坚进展较快。\n乡村振兴：高标准农田建设进度需加快。",
            "requirements": "各牵头单位对照节点逐项推进；逾期未报的单位于5个工作日内补报并说明原因。"}


def _user(username):
    return db.session.query(User).filter_by(username=username).one()


def _first(role, unit_id):
    return next(u for u in db.session.query(User).filter_by(unit_id=unit_id).order_by(User.id) if u.has_role(role))


def _checkpoint(ledger, today):
    """The latest checkpoint already passed this year, or the first one when none has."""
    dates = checkpoints.checkpoint_dates(ledger)
    passed = [d for d in dates if d < today]
    return passed[-1] if passed else dates[0]


def _step(instance_id, form, at, user=None):
    clock.set_fixed(at)
    row = db.session.query(HumanTask).filter_by(instance_id=instance_id, state="open").order_by(HumanTask.id).first()
    engine.complete(row.id, user or _first(row.role, row.unit_id), form)


def _walk(report, stage, at):
    """One report through its steps: the lead unit's 承办人 reports, its leader signs, the 督查室 reviews."""
    task = report.task
    form = dict(zip(("progress", "cooperation", "next_steps"), PROGRESS, strict=True))
    form["progress"] = form["progress"].format(title=task.title)
    if stage == "none":
        return
    for row in (db.session.query(HumanTask).filter_by(instance_id=report.instance_id, state="open")
                .filter(HumanTask.step_key != "report").order_by(HumanTask.id).all()):  # 配合单位报送 first
        clock.set_fixed(at - timedelta(minutes=20))
        engine.complete(row.id, _first(row.role, row.unit_id), {
            "contribution_progress": f"配合推进“{task.title}”：已按分工完成本单位承担的工作。",
            "contribution_problems": "无", "contribution_next": "继续按分工配合牵头单位推进。"})
    _step(report.instance_id, form, at)
    if stage == "sign":
        return
    _step(report.instance_id, {"decision": "sign", "opinion": "同意报送。"}, at + timedelta(hours=2))
    if stage == "review":
        return
    review = {"decision": stage, "opinion": "审核通过。", "return_reasons": []}
    if stage == "return":
        review.update(opinion="请对照节点目标说明进度，补充下一步措施。",
                      return_reasons=["no_milestone", "no_measures"])
    _step(report.instance_id, review, at + timedelta(hours=4), _user("dc_city"))


def _staffed(cooperating, lead):
    """The cooperating units that can send their part: the demo's units with a 承办人 (the keys of LEADERS), others
    standing in for the departments named in TASKS, which have no 承办人 in the demo organisation."""
    if not cooperating:
        return []
    others = [code for code in LEADERS if code != lead]
    chosen = [code for code in cooperating if code in others] or [others[len(cooperating) % len(others)]]
    return chosen


def _ledger(dc):
    ledger = operations.create_ledger(dc, {"year": clock.local_today().year, "title": TITLE,
                                           "checkpoint_mode": "quarterly"})
    units = {u.code: u.id for u in db.session.query(Unit)}
    staffed, areas = queries.staffed_unit_ids(), {}
    for number, (area, title, lead, cooperating, targets, milestones) in enumerate(TASKS, start=1):
        lines = "；".join(f"{ledger.year}-{m:02d}-{d:02d} {text}" for m, d, text in milestones)
        operations.add_task(ledger, {"area": AREAS[area], "number": str(number), "title": title,
                                     "leader_name": LEADERS[lead], "lead_unit_id": units[lead],
                                     "cooperating_unit_ids": [units[c] for c in _staffed(cooperating, lead)],
                                     "targets": targets,
                                     "milestones": lines}, dc, areas=areas, audited=False, staffed=staffed)
    return ledger


def _round(ledger, dc, checkpoint, base):
    """The checkpoint's round started 12 days before it (or two days ago), its reports walked at half-hour steps;
    milestones already due are ticked for the tasks reported and accepted."""
    clock.set_fixed(base)
    tasks = queries.tasks_of(dc, ledger)
    operations.start_round(ledger, checkpoint, dc, tasks)
    for index, task in enumerate(tasks):
        report = db.session.query(KeyTaskReport).filter_by(task_id=task.id, checkpoint=checkpoint).one()
        _walk(report, STAGES[index], base + timedelta(minutes=30 * (index + 1)))
        if STAGES[index] == "accept":
            for milestone in db.session.query(KeyTaskMilestone).filter_by(task_id=task.id):
                if milestone.due_date <= base.date() and milestone.done_dt is None:
                    operations.mark_milestone_done(task, milestone.id, dc)
    lagging = next(t for t, stage in zip(tasks, STAGES, strict=True) if stage == "none")
    operations.record_site_visit(lagging, {"inspectors": "市委督查室 黄鹏飞、苏彩霞", "visit_date": base.date(),
                                           "findings": "现场查看，项目前期手续尚未办结，资金未拨付，进度滞后于节点。",
                                           "agreed": "10个工作日内办结前期手续，每周向督查室报送进展。"}, dc)


def _circular(ledger, dc, checkpoint, at):
    """The checkpoint's circular: drafted, returned by the 督查室's second reader once, drafted again, signed."""
    clock.set_fixed(at)
    circular, _task = circulars.start(dc, ledger, checkpoint)
    _step(circular.instance_id, CIRCULAR, at + timedelta(minutes=10), dc)
    _step(circular.instance_id, {"decision": "return", "opinion": "请补充派人督办的情况。"}, at + timedelta(minutes=40),
          _user("dc2_city"))
    _step(circular.instance_id, {**CIRCULAR, "summary": CIRCULAR["summary"] + "本期对滞后任务派人督办1次。"},
          at + timedelta(minutes=70), dc)
    _step(circular.instance_id, {"decision": "approve", "opinion": "同意报签。"}, at + timedelta(minutes=100),
          _user("dc2_city"))
    _step(circular.instance_id, {"decision": "sign", "opinion": "同意印发。"}, at + timedelta(minutes=130),
          _user("ld_city"))


def load():
    """This year's ledger, once; returns how many tasks it added (0 when it was there)."""
    dc = _user("dc_city")
    year = clock.local_today().year
    if db.session.query(KeyTaskLedger.id).filter_by(unit_id=dc.unit_id, year=year, title=TITLE).first():
        return 0
    found = clock.pinned()
    now = clock.now()
    try:
        ledger = _ledger(dc)
        checkpoint = _checkpoint(ledger, clock.local_today())
        due = datetime.combine(checkpoint, time(9), tzinfo=clock.LOCAL_TZ) - timedelta(days=12)
        base = min(due, now - timedelta(days=2))
        _round(ledger, dc, checkpoint, base)
        _circular(ledger, dc, checkpoint, max(now - timedelta(hours=3), base + timedelta(days=1)))
    finally:
        clock.set_fixed(found)
    db.session.flush()
    return len(TASKS)

