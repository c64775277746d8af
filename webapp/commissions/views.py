"""Pages of 约稿: the office's requests and new request form; a unit's requests and answering one."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import idempotency
from webapp.core import clock
from webapp.core.errors import FormInvalid, NotAllowed
from webapp.extensions import db
from webapp.reports import draft_views
from webapp.reports.queries import reporting_units

from . import (
    models,  # noqa: F401  (the tables join the metadata)
    operations,
    queries,
)

bp = Blueprint("commissions", __name__)


@bp.route("/")
@login_required
def index():
    office = queries.issuing_office(current_user)
    return render_template("commissions/list.html", office=office, now=clock.now(),
                           issued=queries.issued_by(office) if office else [],
                           addressed=queries.addressed_to(current_user.unit), status=queries.status,
                           summary=queries.summary, labels=queries.STATUS_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    office = queries.issuing_office(current_user)
    if office is None:
        raise NotAllowed("只有信息部门编辑可以发出约稿。")
    units = reporting_units(office)
    values, errors, status = {"unit_ids": []}, {}, 200
    if request.method == "POST":
        values = {"topic": request.form.get("topic", ""), "detail": request.form.get("detail", ""),
                  "due": request.form.get("due", ""), "unit_ids": request.form.getlist("unit_ids")}
        try:
            idempotency.claim()
            commission = operations.create(current_user, values, units)
        except FormInvalid as exc:
            db.session.rollback()
            errors, status = exc.fields, exc.status
        else:
            target = url_for("commissions.detail", commission_id=commission.id)
            idempotency.remember(target)
            db.session.commit()
            flash(f"已向 {len(commission.targets)} 个单位发出约稿。")
            return redirect(target)
    return render_template("commissions/new.html", units=units, values=values, errors=errors,
                           office=office), status


@bp.route("/<int:commission_id>")
@login_required
def detail(commission_id):
    commission = queries.get_visible(current_user, commission_id)
    own = commission.issuing_unit_id == current_user.unit_id
    answers = queries.answers(commission, current_user, None if own else current_user.unit_id)
    by_unit = {}
    for item in answers:
        by_unit.setdefault(item.unit_id, []).append(item)
    targets = commission.targets if own else [queries.target_of(commission.id, current_user.unit_id)]
    return render_template("commissions/detail.html", commission=commission, targets=targets, by_unit=by_unit,
                           own=own, status=queries.status, labels=queries.STATUS_LABELS,
                           summary=queries.summary(commission))


def _answer_context(commission):
    return {"commission": commission, "action": url_for("commissions.answer", commission_id=commission.id),
            "cancel": url_for("commissions.detail", commission_id=commission.id)}


@bp.route("/<int:commission_id>/compose")
@login_required
def compose(commission_id):
    """撰写信息 for a 约稿: the empty compose form, as 新建信息's; it creates nothing until the first save."""
    commission = queries.get_visible(current_user, commission_id)
    operations.check_answerable(current_user, commission_id)
    return draft_views.compose_page(**_answer_context(commission))


@bp.route("/<int:commission_id>/answer", methods=["POST"])
@login_required
def answer(commission_id):
    """The first save of the answer (保存草稿 or 提交审核); a refused form keeps nothing and shows the form again."""
    commission = queries.get_visible(current_user, commission_id)
    return draft_views.first_save_response(
        lambda user, form, submit: operations.answer(user, commission_id, form, submit),
        **_answer_context(commission))
