"""/api/v1: the statistics reports and the monthly ranking as JSON — the very tables the pages render and the
Excel files hold (statistics.reports, scoring.queries), for the same readers."""
from flask_login import current_user

from webapp import months
from webapp.core import clock
from webapp.core.errors import NotAllowed, NotFound
from webapp.scoring import queries as scoring_queries
from webapp.statistics import reports
from webapp.statistics.schemas import MonthSchema, PeriodSchema

from . import bearer
from . import v1_schemas as s
from .v1 import blp, documented

PERIOD_REPORTS = {"overdue": reports.overdue, "overdue_cases": reports.overdue_cases, "faults": reports.faults,
                  "fault_list": reports.fault_list}


@blp.route("/statistics/<string:kind>")
@bearer.requires("read")
@blp.arguments(PeriodSchema, location="query", as_kwargs=False)
@blp.response(200, s.ReportOut)
@documented(404, 422)
def statistics(query, kind):
    """统计报表：overdue（超期批示件统计）、overdue_cases（明细，需 by 与 key）、faults（迟报漏报瞒报统计）、
    fault_list（明细）；参数 from、to（YYYY-MM）、by、key 与页面相同。"""
    if kind not in PERIOD_REPORTS:
        raise NotFound("没有这个统计报表。")
    report, _context = PERIOD_REPORTS[kind](current_user, query)
    return report


@blp.route("/statistics/monthly")
@bearer.requires("read")
@blp.arguments(MonthSchema, location="query", as_kwargs=False)
@blp.response(200, s.ReportOut)
@documented(422)
def monthly(query):
    """领导批示件月报表（督查室、本级领导和承办单位）；month 默认为上月。"""
    report, _context = reports.monthly(current_user, query)
    return report


@blp.route("/rankings")
@bearer.requires("read")
@blp.arguments(s.RankingArgs, location="query", as_kwargs=False)
@blp.response(200, s.Ranking)
@documented(422)
def ranking(args):
    """信息工作月度排名（信息部门编辑和本级领导）：与页面和导出的表格相同；month 默认为上月。"""
    office = scoring_queries.ranking_office(current_user)
    if office is None:
        raise NotAllowed("只有信息部门编辑和本级领导可以查看排名。")
    first = args["month"] or months.previous_month(clock.local_today())
    result = scoring_queries.month_ranking(office, first)
    return {"office_id": office.id, "office": office.name, "month": first.strftime("%Y-%m"),
            "title": scoring_queries.title_of(office, first),
            "versions": scoring_queries.versions_text(result.versions), "columns": scoring_queries.columns(result),
            "rows": scoring_queries.table_rows(result)}
