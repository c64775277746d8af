"""Pages of instruction cases: the tracking list, registration, a case's page, the deadline rules."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from marshmallow import ValidationError

from webapp import idempotency
from webapp.audit.views_helper import viewed
from webapp.core import clock, hooks
from webapp.core.access import role_required
from webapp.core.errors import FormInvalid, NotFound
from webapp.core.forms import load
from webapp.engine import diagram_state
from webapp.extensions import db

from . import operations, queries
from .models import LEVELS, RETURN_REASONS
from .schemas import RuleSchema, SiteVisitSchema

bp = Blueprint("cases", __name__)


def task_subject(row):
    """The case beside a case task's form: its fields, deadlines, reports so far, who may be chosen."""
    case = queries.case_for_instance(row.instance_id)
    return {"case": case, "history": queries.history(case) if case else [], "reports": queries.reports(case),
            "assist_units": queries.assist_units(case), "handling_units": queries.handling_units(),
            "levels": LEVELS, "return_reasons": RETURN_REASONS, "now": clock.now(),
            "task_data": queries.form_values(case),
            "notice_template": "cases/_task_notice.html", "subject_template": "cases/_case.html"}




@bp.route("/")
@login_required
def index():
    alert = request.args.get("alert")
    alert = alert if alert in queries.ALERT_FILTERS else None
    return render_template("cases/list.html", cases=queries.list_for(current_user, alert), alert=alert,
                           now=clock.now())


@bp.route("/new", methods=["POST"])
@role_required("supervisor")
def new():
    idempotency.claim()
    _case, task = operations.register_case(current_user)
    target = url_for("inbox.task", row_id=task.id)
    idempotency.remember(target)
    db.session.commit()
    return redirect(target)


def _detail_page(case, **visit_form):
    return render_template("cases/detail.html", case=case, history=queries.history(case),
                           return_reasons=RETURN_REASONS, open_tasks=queries.open_tasks(case),
                           reports=queries.reports(case), assist_units=queries.assist_units(case),
                           may_record_visit=queries.may_record_visit(current_user, case),
                           diagram=diagram_state(case.instance), **visit_form,
                           **hooks.extras("cases.detail", obj=case, user=current_user))


@bp.route("/<int:case_id>")
@login_required
def detail(case_id):
    case = queries.get_visible(current_user, case_id)
    page = _detail_page(case)
    viewed(case, current_user)
    return page


@bp.route("/<int:case_id>/visits", methods=["POST"])
@role_required("supervisor")
def site_visit(case_id):
    case = queries.get_visible(current_user, case_id)
    idempotency.claim()
    form = {k: v for k, v in request.form.items() if k not in ("csrf_token", idempotency.FIELD)}
    try:
        values = load(SiteVisitSchema, form)
    except FormInvalid as exc:
        db.session.rollback()  # nothing recorded, the key unclaimed: the corrected form is a new submit
        return _detail_page(case, visit_errors=exc.fields, visit_values=form), 422
    operations.record_site_visit(case, values, current_user)
    target = url_for("cases.detail", case_id=case.id, _anchor="history")
    idempotency.remember(target)
    db.session.commit()
    flash(f"已记录派人督办（{values['visit_date'].isoformat()}，{values['inspectors']}）。")
    return redirect(target)


@bp.route("/instance/<int:instance_id>")
@login_required
def by_instance(instance_id):
    case = queries.case_for_instance(instance_id)
    if case is None:
        raise NotFound("批示件不存在或您无权查看。")
    return redirect(url_for("cases.detail", case_id=queries.get_visible(current_user, case.id).id))


@bp.route("/rules", methods=["GET", "POST"])
@role_required("admin")
def rules():
    errors, values, level = {}, {}, None
    if request.method == "POST":
        level = request.form.get("level")
        if level not in LEVELS:
            raise NotFound("没有这一层级的期限规则。")
        values = {k: v for k, v in request.form.items() if k not in ("csrf_token", "level")}
        try:
            operations.save_rule(level, RuleSchema().load(values), current_user)
        except ValidationError as exc:
            errors = exc.normalized_messages()
        else:
            db.session.commit()
            flash(f"“{LEVELS[level]}”的期限规则已保存，新交办的批示件按新规则计算期限。")
            return redirect(url_for("cases.rules"))
    return render_template("cases/rules.html", rules=queries.effective_rules(), errors=errors, values=values,
                           error_level=level), 422 if errors else 200
