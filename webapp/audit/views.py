"""The 安全审计员's audit pages: search the log, export what was found to Excel."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from marshmallow import ValidationError

from webapp.core import clock
from webapp.core.access import role_required
from webapp.core.formats import local_dt
from webapp.extensions import db

from . import queries, reviews, workbook
from .schemas import ACTION_CHOICES, AuditFilterSchema

bp = Blueprint("audit", __name__)


def _filters():
    """(filters, errors) from the query string."""
    try:
        return AuditFilterSchema().load(request.args.to_dict()), {}
    except ValidationError as exc:
        return None, exc.normalized_messages()


def _render(filters, errors):
    page = queries.search(filters, filters.pop("page")) if filters is not None else None
    hidden = queries.above_clearance(page.items, current_user.clearance) if page is not None else set()
    args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("audit/index.html", page=page, hidden=hidden, hidden_summary=queries.HIDDEN_SUMMARY,
                           errors=errors, args=args, actions=ACTION_CHOICES,
                           max_rows=current_app.config["AUDIT_EXPORT_MAX_ROWS"]), 422 if errors else 200


@bp.route("/")
@role_required("auditor")
def index():
    return _render(*_filters())


@bp.route("/verify", methods=["POST"])
@role_required("auditor")
def verify():
    """校验完整性: recompute every entry's hash (as `flask audit verify` does) and say what was found."""
    result = reviews.verify_log(current_user._get_current_object())
    if result.ok:
        pending = f"另有 {result.unsealed} 条新记录等待封存。" if result.unsealed else ""
        flash(f"审计日志完整：共 {result.count} 条，逐条校验哈希链未发现篡改或缺失。{pending}")
    else:
        for line in result.messages():
            flash(f"{line}。", "error")
    db.session.commit()
    return redirect(url_for("audit.index"))


@bp.route("/export.xlsx")
@role_required("auditor")
def export_xlsx():
    filters, errors = _filters()
    if errors:
        return _render(filters, errors)
    limit = current_app.config["AUDIT_EXPORT_MAX_ROWS"]
    total = queries.count(filters)
    args = {key: value for key, value in request.args.items() if key != "page"}
    if total > limit:
        flash(f"符合条件的记录共 {total} 条，超过单次导出上限 {limit} 条，未导出。请缩小日期范围或增加条件后分批导出。",
              "error")
        return redirect(url_for("audit.index", **args))
    data = reviews.export_log(filters, args, total, limit, current_user._get_current_object())
    db.session.commit()
    name = f"audit-log-{local_dt(clock.now(), '%Y%m%d-%H%M')}.xlsx"
    return send_file(data, mimetype=workbook.XLSX, as_attachment=True, download_name=name)
