"""Pages of the reports (统计报表): overdue cases, emergency faults, monthly case tables; each prints and exports."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import months, workbooks
from webapp.core import forms
from webapp.core.errors import NotAllowed
from webapp.extensions import db

from . import (
    models,  # noqa: F401  (the tables join the metadata)
    operations,
    queries,
    reports,
)
from .schemas import ConfirmSchema, MonthSchema, PeriodSchema, ProduceSchema

bp = Blueprint("statistics", __name__)


def _period():
    """The report's query: months `first`..`last`, grouping `by`, drill-down `key` (see PeriodSchema)."""
    return forms.load(PeriodSchema, request.args.to_dict())


def _show(report, context):
    """The page, or with `format=xlsx` the same report as an Excel file."""
    filename = context.pop("filename")
    if request.args.get("format") == "xlsx":
        return workbooks.report_response(report, filename)
    return render_template("statistics/report.html", report=report, **context)


@bp.route("/")
@login_required
def index():
    return render_template("statistics/index.html", office=queries.supervision_office(current_user))


@bp.route("/overdue")
@login_required
def overdue():
    return _show(*reports.overdue(current_user, _period()))


@bp.route("/overdue/cases")
@login_required
def overdue_cases():
    return _show(*reports.overdue_cases(current_user, _period()))


@bp.route("/faults")
@login_required
def faults():
    return _show(*reports.faults(current_user, _period()))


@bp.route("/faults/list")
@login_required
def fault_list():
    return _show(*reports.fault_list(current_user, _period()))


@bp.route("/monthly")
@login_required
def monthly():
    report, context = reports.monthly(current_user, forms.load(MonthSchema, request.args.to_dict()))
    if request.args.get("format") == "xlsx":
        return workbooks.report_response(report)
    unconfirmed = [t for t in context["tables"] if t.confirmed_dt is None]
    return render_template("statistics/monthly.html", report=report, unconfirmed=unconfirmed,
                           month_over=context["month"] < months.this_month(), **context)


@bp.route("/monthly/produce", methods=["POST"])
@login_required
def produce():
    office = queries.supervision_office(current_user)
    if office is None or not current_user.has_role("supervisor"):
        raise NotAllowed("只有督查室可以生成月报表。")
    first = forms.load(ProduceSchema, request.form.to_dict())["month"]
    produced, kept = operations.produce(first, current_user, office=office)
    db.session.commit()
    kept_text = f"；{kept} 个单位已确认上报，不能重新生成，保持确认时的数字" if kept else ""
    flash(f"已生成 {produced} 个单位的{first:%Y年%m月}月报表{kept_text}。")
    return redirect(url_for("statistics.monthly", month=first.strftime("%Y-%m")))


@bp.route("/monthly/confirm", methods=["POST"])
@login_required
def confirm():
    form = forms.load(ConfirmSchema, request.form.to_dict())
    table = operations.confirm(current_user, form["table_id"], form["remark"])
    first = table.month
    db.session.commit()
    flash(f"本单位{first:%Y年%m月}领导批示件月报表已确认上报。")
    return redirect(url_for("statistics.monthly", month=first.strftime("%Y-%m")))


