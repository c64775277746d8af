"""Pages of scoring: the month's ranking and its circular, the scoring table's versions, 批示 on items."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import idempotency, months, workbooks
from webapp.core import clock
from webapp.core.access import role_required
from webapp.core.errors import FormInvalid, NotAllowed, NotFound
from webapp.core.forms import load
from webapp.extensions import db
from webapp.inputs.schemas import MonthArgs
from webapp.reports import queries as report_queries

from . import (
    awards,
    models,  # noqa: F401  (the tables join the metadata)
    operations,
    queries,
)
from .pdf import table_pdf
from .rules import BONUSES, DEFAULT_RULES, INSTRUCTION_LEVELS, PENALTIES, form_values, groups
from .rules import field_name as rule_field

bp = Blueprint("scoring", __name__)


def _month(default=None):
    """The month asked for in the query string or the form; `default` (else this month) when none."""
    month = load(MonthArgs, {"month": request.args.get("month") or request.form.get("month")})["month"]
    return month or default or months.this_month()


def _office():
    office = queries.ranking_office(current_user)
    if office is None:
        raise NotAllowed("只有信息部门编辑和本级领导可以查看排名。")
    return office


@bp.route("/")
@login_required
def index():
    office = queries.ranking_office(current_user)
    circulars = queries.circulars_visible(current_user)
    if office is None:
        return render_template("scoring/circulars.html", circulars=circulars,
                               awards=awards.published_awards(current_user))
    # It opens on last month: the one whose circular can be published now.
    first = _month(default=months.previous_month(clock.local_today()))
    ranking = queries.month_ranking(office, first)
    return render_template("scoring/index.html", office=office, month=first, ranking=ranking,
                           columns=queries.columns(ranking), rows=queries.table_rows(ranking), circulars=circulars,
                           published=queries.circular_for(office, first), title=queries.title_of(office, first),
                           month_over=first < clock.local_today().replace(day=1))


@bp.route("/ranking.<fmt>")
@login_required
def ranking_file(fmt):
    office, first = _office(), _month()
    ranking = queries.month_ranking(office, first)
    return table_file(fmt, queries.title_of(office, first), queries.columns(ranking), queries.table_rows(ranking),
                 f"计分版本：{queries.versions_text(ranking.versions)}（未发布的实时排名）")


@bp.route("/circulars", methods=["POST"])
@role_required("editor")
def publish():
    office, first = _office(), _month()
    idempotency.claim()
    circular = operations.publish_circular(office, first, request.form, current_user)
    target = url_for("scoring.circular", circular_id=circular.id)
    idempotency.remember(target)
    db.session.commit()
    flash(f"{first:%Y年%m月}信息工作通报已发布，已通知 {len(circular.rows['unit_ids'])} 个单位。")
    return redirect(target)


@bp.route("/circulars/<int:circular_id>")
@login_required
def circular(circular_id):
    row = queries.get_circular(current_user, circular_id)
    return render_template("scoring/circular.html", circular=row, title=queries.title_of(row.issuing_unit, row.month),
                           columns=row.rows["columns"], rows=row.rows["rows"],
                           own_index=_own_index(row))


@bp.route("/circulars/<int:circular_id>.<fmt>")
@login_required
def circular_file(circular_id, fmt):
    row = queries.get_circular(current_user, circular_id)
    return table_file(fmt, queries.title_of(row.issuing_unit, row.month), row.rows["columns"], row.rows["rows"],
                 f"发布：{row.published_by.name}，{row.published_dt.astimezone(clock.LOCAL_TZ):%Y-%m-%d %H:%M}",
                 row.remark)


@bp.route("/rules", methods=["GET", "POST"])
@role_required("admin")
def rules():
    current = queries.version_on(clock.local_today())
    values, errors, status = {**form_values(current.rules), "effective_from": clock.local_today().isoformat()}, {}, 200
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            idempotency.claim()
            version = operations.save_version(values, current_user)
        except FormInvalid as exc:
            db.session.rollback()
            errors, status = exc.fields, exc.status
        else:
            idempotency.remember(url_for("scoring.rules"))
            db.session.commit()
            flash(f"考核计分办法已保存，自 {version.effective_from:%Y-%m-%d} 起生效。")
            return redirect(url_for("scoring.rules"))
    return render_template("scoring/rules.html", values=values, errors=errors, groups=groups(), field=rule_field,
                           versions=queries.versions(), current=current, defaults=DEFAULT_RULES,
                           group_labels={"adoption": "采用加分", "instruction": "领导批示加分",
                                         "forwarded": "转报上级采用加分（按采用层级）",
                                         "bonus": "奖励加分", "penalty": "扣分"},
                           levels=INSTRUCTION_LEVELS, penalties=PENALTIES, bonuses=BONUSES), status


@bp.route("/items/<int:item_id>/instructions", methods=["POST"])
@role_required("editor")
def record_instruction(item_id):
    item = report_queries.get_visible(current_user, item_id)
    idempotency.claim()  # before the try: a missing or reused key is its own error page, not a field's message
    try:
        operations.record_instruction(item, request.form, current_user)
    except FormInvalid as exc:
        db.session.rollback()
        flash("登记批示失败：" + "；".join(f"{m}" for msgs in exc.fields.values() for m in msgs), "error")
        return redirect(url_for("reports.detail", item_id=item.id))
    idempotency.remember(url_for("reports.detail", item_id=item.id))
    db.session.commit()
    flash("领导批示已登记，计入报送单位考核。")
    return redirect(url_for("reports.detail", item_id=item.id))


def _own_index(circular):
    ids = circular.rows.get("unit_ids", [])
    return ids.index(current_user.unit_id) if current_user.unit_id in ids else None


def table_file(fmt, title, columns, rows, subtitle, remark=""):
    if fmt == "xlsx":
        return workbooks.xlsx_response(title, columns, rows, f"{title}.xlsx")
    if fmt == "pdf":
        response = Response(table_pdf(title, subtitle, columns, rows, remark), mimetype="application/pdf")
        response.headers["Content-Disposition"] = workbooks.content_disposition(f"{title}.pdf")
        return response
    raise NotFound("不支持的导出格式。")
