"""The reports (统计报表) as tables: built once here for the pages, their Excel files and /api/v1 alike.

Each function takes the reader and the parsed query and returns (the Report, what the page adds around it).
"""
from datetime import timedelta

from flask import url_for

from webapp import months, workbooks
from webapp.cases.models import LEVELS, InstructionCase
from webapp.core import clock
from webapp.core.errors import NotAllowed, NotFound
from webapp.emergencies.models import LEVEL_LABELS
from webapp.workbooks import Report

from . import models, queries
from .schemas import drill_key

DRILL_LIMIT = 2000
KINDS = ("overdue", "overdue_cases", "faults", "fault_list", "monthly")


def _drill_key(by, key):
    """A drill-down key as the queries take it: a unit id, a level code or a month; 404 when it names nothing."""
    if key is None:
        raise NotFound("请从统计表中选择要查看的分组。")
    found = drill_key(by, key)
    if found is None:
        raise NotFound("统计分组不存在。")
    return found


def _capped(rows):
    return f"仅显示前 {DRILL_LIMIT} 条，请缩小统计区间。" if len(rows) >= DRILL_LIMIT else ""


def overdue(user, query):
    scope, scope_name = queries.case_scope(user)
    first, last = query["first"], query["last"]
    by = query["by"] if query["by"] in queries.GROUPINGS else "unit"
    now = clock.now()
    groups = queries.overdue_groups(scope, first, last, by, now)
    missed = queries.missed_feedback(scope, first, last, by)
    groups += [(key, queries.group_label(by, key), 0, 0) for key in missed if key not in {g[0] for g in groups}]
    period = {"from": first.strftime("%Y-%m"), "to": last.strftime("%Y-%m")}
    report = Report(
        title=f"{scope_name}超期批示件统计（{first:%Y年%m月}至{last:%Y年%m月}到期，{queries.GROUPINGS[by]}）",
        columns=[{"unit": "承办单位", "level": "批示层级", "month": "到期月份"}[by], "超期未办结", "逾期办结", "合计",
                 "未按时反馈"],
        rows=[[label, a, b, a + b, missed.get(key, 0)] for key, label, a, b in groups],
        links=[url_for("statistics.overdue_cases", by=by, key=key, **period) for key, *_ in groups],
        total=["合计", sum(g[2] for g in groups), sum(g[3] for g in groups), sum(g[2] + g[3] for g in groups),
               sum(missed.values())],
        note="统计到期日在区间内、已过办理期限仍未办结或办结晚于期限的批示件；期限按批准延期后的期限计算，"
             "月份按北京时间。未按时反馈：首次反馈期限在区间内、未在期限前反馈的批示件（紧急件 7 日内首次反馈）。")
    return report, {"kind": "overdue", "groupings": queries.GROUPINGS, "by": by, **period,
                    "filename": f"超期批示件统计_{period['from']}_{period['to']}.xlsx"}


def overdue_cases(user, query):
    scope, scope_name = queries.case_scope(user)
    first, last, by = query["first"], query["last"], query["by"]
    key = _drill_key(by, query["key"])
    now = clock.now()
    cases = (queries.overdue_cases(scope, first, last, now, key, by)
             .order_by(InstructionCase.due_dt, InstructionCase.id).limit(DRILL_LIMIT).all())
    report = Report(
        title=f"{scope_name}超期批示件明细（{first:%Y年%m月}至{last:%Y年%m月}到期）",
        columns=["编号", "标题", "承办单位", "批示层级", "办理期限", "办结时间", "超期天数", "延期次数", "状态"],
        rows=[[c.case_no, c.title, c.lead_unit.name if c.lead_unit else "", LEVELS.get(c.level, ""),
               _local(c.due_dt), _local(c.closed_dt) if c.closed_dt else "", queries.days_late(c, now),
               len(c.extensions or []), "逾期办结" if c.closed_dt else "超期未办结"] for c in cases],
        links=[url_for("cases.detail", case_id=c.id) for c in cases],
        note=_capped(cases))
    return report, {"kind": "cases", "filename": f"超期批示件明细_{first:%Y-%m}_{last:%Y-%m}.xlsx"}


def faults(user, query):
    first, last = query["first"], query["last"]
    by = query["by"] if query["by"] in ("unit", "month") else "unit"
    units = queries.fault_scope(user)
    groups = queries.fault_groups(units, first, last, by, user.clearance)
    period = {"from": first.strftime("%Y-%m"), "to": last.strftime("%Y-%m")}
    report = Report(
        title=f"紧急信息迟报漏报瞒报统计（{first:%Y年%m月}至{last:%Y年%m月}）",
        columns=["单位" if by == "unit" else "月份", "迟报", "漏报", "瞒报", "合计", "迟报分钟合计"],
        rows=[[label, late, missed, concealed, late + missed + concealed, minutes]
              for _key, label, late, missed, concealed, minutes in groups],
        links=[url_for("statistics.fault_list", by=by, key=key, **period) for key, *_ in groups],
        total=["合计", *[sum(g[i] for g in groups) for i in (2, 3, 4)], sum(g[2] + g[3] + g[4] for g in groups),
               sum(g[5] for g in groups)],
        note="按事件发生时间（北京时间）计入月份；迟报按到达的每一级各记一次。")
    return report, {"kind": "faults", "by": by, "groupings": {"unit": "按单位", "month": "按月份"}, **period,
                    "filename": f"迟报漏报瞒报统计_{period['from']}_{period['to']}.xlsx"}


def fault_list(user, query):
    first, last, by = query["first"], query["last"], query["by"]
    key = _drill_key(by if by in ("unit", "month") else None, query["key"])
    rows = (queries.faults(queries.fault_scope(user), first, last, user.clearance, by, key)
            .limit(DRILL_LIMIT).all())
    report = Report(
        title=f"迟报漏报瞒报明细（{first:%Y年%m月}至{last:%Y年%m月}）",
        columns=["事件时间", "单位", "类型", "层级", "迟报分钟", "事件", "记录单位"],
        rows=[[_local(f.event_dt), f.unit.name, queries.FAULT_KINDS.get(f.kind, f.kind),
               LEVEL_LABELS.get(f.level, f.level or ""),
               f.minutes_late if f.minutes_late is not None else "", f.title,
               f.recorded_unit.name if f.recorded_unit else "系统"] for f in rows],
        links=[url_for("emergencies.detail", emergency_id=f.emergency_id) if f.emergency_id else None for f in rows],
        note=_capped(rows))
    return report, {"kind": "fault_list", "filename": f"迟报漏报瞒报明细_{first:%Y-%m}_{last:%Y-%m}.xlsx"}


def _name_then(unit_id, first):
    """A unit's name at the end of the table's month: a unit renamed since keeps its name of then."""
    from webapp.organisation.queries import name_at

    return name_at(unit_id, months.local_midnight(months.next_month(first)) - timedelta(microseconds=1))


def monthly(user, query):
    first = query["month"]
    office = queries.supervision_office(user)
    if office is not None:
        tables = queries.month_tables(office, first)
        title = f"{office.name}{first:%Y年%m月}领导批示件月报表"
    elif user.roles & queries.UNIT_TABLE_ROLES:
        tables = queries.unit_tables(user.unit_id, first)
        title = f"{user.unit.name}{first:%Y年%m月}领导批示件月报表"
    else:
        raise NotAllowed("只有督查室、本级领导和承办单位可以查看批示件月报表。")
    report = Report(
        title=title,
        columns=["承办单位", "督查室", "本月交办", "本月办结", "按期办结", "逾期办结", "月末超期未结", "月末在办",
                 "年度累计交办", "年度累计办结", "报结率", "确认状态"],
        rows=[[_name_then(t.unit_id, first), _name_then(t.office_id, first),
               *_month_cells(t.figures_for(user.clearance)),
               f"已确认（{_local(t.confirmed_dt)}）" if t.confirmed_dt else "未确认"] for t in tables],
        marks=[None if t.confirmed_dt else "unconfirmed" for t in tables],
        note="本月交办、办结按北京时间计；报结率 = 年度累计办结 ÷ 年度累计交办。"
             "报表生成后数字冻结，确认后不再重新生成。数字只计您的密级可以查看的批示件。")
    return report, {"month": first, "office": office, "tables": tables}


def _month_cells(figures):
    """A table's figures as the reader may see them, with the 报结率; "—" for a table never split by secrecy."""
    if figures is None:
        return ["—"] * (len(models.CaseMonthTable.FIGURES) + 1)
    return [*(figures[name] for name in models.CaseMonthTable.FIGURES),
            workbooks.percent(figures["closed_to_date"], figures["received_to_date"])]


def _local(moment):
    return moment.astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""
