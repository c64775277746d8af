"""/api/v1: the statistics reports, the monthly ranking, the quarter's summary, the year's ranking and the published
annual awards as JSON — the very tables the pages render and the Excel files hold (statistics.reports,
scoring.queries, scoring.awards), for the same readers."""
from flask_login import current_user

from webapp import months
from webapp.core import clock
from webapp.core.errors import NotAllowed, NotFound
from webapp.scoring import awards
from webapp.scoring import queries as scoring_queries
from webapp.scoring.schemas import QuarterArgs, YearArgs
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
    office = _ranking_office()
    first = args["month"] or months.previous_month(clock.local_today())
    result = scoring_queries.month_ranking(office, first)
    return {"office_id": office.id, "office": office.name, "month": first.strftime("%Y-%m"),
            "title": scoring_queries.title_of(office, first),
            "versions": scoring_queries.versions_text(result.versions), "columns": scoring_queries.columns(result),
            "rows": scoring_queries.table_rows(result)}


def _ranking_office():
    office = scoring_queries.ranking_office(current_user)
    if office is None:
        raise NotAllowed("只有信息部门编辑和本级领导可以查看排名。")
    return office


def _last_month():
    return months.previous_month(clock.local_today())


def _results(office, ranking, year, quarter, title):
    return {"office_id": office.id, "office": office.name, "year": year, "quarter": quarter, "title": title,
            "versions": scoring_queries.versions_text(ranking.versions),
            "columns": scoring_queries.columns(ranking), "rows": scoring_queries.table_rows(ranking)}


@blp.route("/rankings/quarter")
@bearer.requires("read")
@blp.arguments(QuarterArgs, location="query", as_kwargs=False)
@blp.response(200, s.ResultsRanking)
@documented(422)
def quarter_ranking(args):
    """信息工作季度汇总（信息部门编辑和本级领导）：与页面和导出的表格相同（含奖励加分）；year、quarter（1-4）
    默认为上月所在的季度。"""
    office, last = _ranking_office(), _last_month()
    year, quarter = args["year"] or last.year, args["quarter"] or months.quarter_of(last)
    ranking = scoring_queries.quarter_ranking(office, year, quarter)
    return _results(office, ranking, year, quarter, scoring_queries.quarter_title(office, year, quarter))


@blp.route("/rankings/year")
@bearer.requires("read")
@blp.arguments(YearArgs, location="query", as_kwargs=False)
@blp.response(200, s.ResultsRanking)
@documented(422)
def year_ranking(args):
    """信息工作年度排名（信息部门编辑和本级领导）：与页面和导出的表格相同（含奖励加分）；year 默认为上月所在的年度。"""
    office = _ranking_office()
    year = args["year"] or _last_month().year
    ranking = scoring_queries.year_ranking(office, year)
    return _results(office, ranking, year, None, scoring_queries.year_title(office, year))


@blp.route("/awards")
@bearer.requires("read")
@blp.arguments(s.AwardsArgs, location="query", as_kwargs=False)
@blp.response(200, s.AwardsOut)
@documented(404, 422)
def annual_awards(args):
    """已发布的年度先进单位和优秀信息员名单：本部门的，或本单位报送信息的部门的（office）；year 默认为上月所在的年度。
    未发布或无权查看的为 404。"""
    year = args["year"] or _last_month().year
    office_id = args["office"]
    if office_id is None:
        office = scoring_queries.ranking_office(current_user) or current_user.unit.upward_info_unit()
        office_id = office.id if office is not None else None
    award = awards.readable_award(current_user, office_id, year) if office_id is not None else None
    if award is None or award.published_dt is None:
        raise NotFound("该年度评选结果不存在或尚未发布。")
    return {"office_id": award.office.id, "office": award.office.name, "year": award.year,
            "title": awards.awards_title(award.office, award.year), "state": awards.award_state(award),
            "published_dt": award.published_dt, "remark": award.remark or "",
            "columns": awards.AWARD_COLUMNS, "rows": awards.award_rows(award, None)}
