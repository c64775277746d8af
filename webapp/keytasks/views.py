"""Pages of the key-task ledgers: the list, a ledger by area with its lights, a task, the leaders' lights."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import idempotency
from webapp.core import clock
from webapp.core.access import role_required
from webapp.core.errors import FormInvalid, NotFound
from webapp.core.forms import load
from webapp.extensions import db

from . import checkpoints, operations, queries
from .models import CHECKPOINT_MODES, LIGHTS, RETURN_REASONS
from .schemas import LedgerSchema, SiteVisitSchema, StartRoundSchema, TaskSchema

bp = Blueprint("keytasks", __name__)


def _form():
    return {k: v for k, v in request.form.items() if k not in ("csrf_token", idempotency.FIELD)}


def _task_form():
    form = _form()
    form.pop("cooperating_unit_ids", None)
    ids = request.form.getlist("cooperating_unit_ids")
    return {**form, "cooperating_unit_ids": ids} if ids else form


def task_subject(row):
    """The task and its milestones and earlier reports beside a key_task step's form."""
    report = queries.report_for_instance(row.instance_id)
    task = report.task if report else None
    ids = [task.id] if task else []
    return {"kt_report": report, "kt_task": task, "kt_milestones": queries.milestones_of(ids).get(task.id, [])
            if task else [], "kt_units": queries.units_by_id([task.lead_unit_id, *task.cooperating_unit_ids])
            if task else {}, "return_reasons": RETURN_REASONS, "subject_template": "keytasks/_subject.html",
            "kt_contributions": queries.contributions_of([report.id])[report.id] if report else []}


def cockpit_panel(office, user):
    """The leaders' cockpit: the lights per area of the office's ledgers of this year (page_extras)."""
    year = clock.local_today().year
    ledgers = [ledger for ledger in queries.ledgers_for(user) if ledger.unit_id == office.id and ledger.year == year]
    return {"keytask_ledgers": [(ledger, *queries.area_lights(user, ledger)) for ledger in ledgers],
            "keytask_lights": LIGHTS, "keytask_template": "keytasks/_cockpit.html"}


@bp.route("/")
@login_required
def index(errors=None, values=None, status=200):
    may_create = current_user.has_role("supervisor") and current_user.unit.function == "supervision"
    return render_template("keytasks/index.html", ledgers=queries.ledgers_for(current_user), may_create=may_create,
                           modes=CHECKPOINT_MODES, errors=errors or {}, values=values or {},
                           watches=bool(queries.watched_offices(current_user)),
                           year=clock.local_today().year), status


@bp.route("/new", methods=["POST"])
@role_required("supervisor")
def new():
    idempotency.claim()
    form = _form()
    try:
        ledger = operations.create_ledger(current_user, load(LedgerSchema, form))
    except FormInvalid as exc:
        db.session.rollback()
        return index(exc.fields, form, 422)
    target = url_for("keytasks.ledger", ledger_id=ledger.id)
    idempotency.remember(target)
    db.session.commit()
    flash(f"已建立督查台账“{ledger.year}年 {ledger.title}”。")
    return redirect(target)


def _ledger_page(ledger, status=200, **forms):
    groups, counts = queries.ledger_view(current_user, ledger)
    may_edit = queries.may_edit(current_user, ledger)
    return render_template("keytasks/ledger.html", ledger=ledger, groups=groups, counts=counts, lights=LIGHTS,
                           may_edit=may_edit, whole=queries.sees_whole(current_user, ledger),
                           units=queries.handling_units() if may_edit else [],
                           checkpoints=checkpoints.checkpoint_dates(ledger), today=clock.local_today(),
                           task_errors=forms.get("task_errors", {}), task_values=forms.get("task_values", {}),
                           round_errors=forms.get("round_errors", {})), status


@bp.route("/<int:ledger_id>")
@login_required
def ledger(ledger_id):
    return _ledger_page(queries.get_ledger(current_user, ledger_id))


@bp.route("/<int:ledger_id>/tasks", methods=["POST"])
@role_required("supervisor")
def add_task(ledger_id):
    ledger = queries.get_editable(current_user, ledger_id)
    idempotency.claim()
    form = _task_form()
    try:
        task = operations.add_task(ledger, load(TaskSchema, form), current_user)
    except FormInvalid as exc:
        db.session.rollback()
        return _ledger_page(ledger, 422, task_errors=exc.fields, task_values=form)
    target = url_for("keytasks.task", task_id=task.id)
    idempotency.remember(target)
    db.session.commit()
    flash(f"已新增重点任务 {task.number}。")
    return redirect(target)


@bp.route("/<int:ledger_id>/rounds", methods=["POST"])
@role_required("supervisor")
def start_round(ledger_id):
    ledger = queries.get_editable(current_user, ledger_id)
    idempotency.claim()
    try:
        checkpoint = load(StartRoundSchema, _form())["checkpoint"]
        count = operations.start_round(ledger, checkpoint, current_user, queries.tasks_of(current_user, ledger))
    except FormInvalid as exc:
        db.session.rollback()
        return _ledger_page(ledger, 422, round_errors=exc.fields)
    target = url_for("keytasks.ledger", ledger_id=ledger.id)
    idempotency.remember(target)
    db.session.commit()
    flash(f"已发起 {checkpoint.isoformat()} 进展报送：新发起 {count} 项（已发起或已完成的任务不重复发起）。")
    return redirect(target)


@bp.route("/<int:ledger_id>/lights")
@login_required
def lights(ledger_id):
    ledger = queries.get_ledger(current_user, ledger_id)
    rows, counts = queries.area_lights(current_user, ledger)
    return render_template("keytasks/lights.html", ledger=ledger, rows=rows, counts=counts, lights=LIGHTS)


def _task_page(task, status=200, visit_errors=None, visit_values=None):
    milestones = queries.milestones_of([task.id])[task.id]
    reports = queries.reports_of([task.id])[task.id]
    today = clock.local_today()
    colour = queries.light(task, milestones, reports, today, queries.warning_horizon(today), clock.now())
    return render_template("keytasks/task.html", task=task, milestones=milestones, reports=reports, light=colour,
                           lights=LIGHTS, units=queries.units_by_id([task.lead_unit_id, *task.cooperating_unit_ids]),
                           may_edit=queries.may_edit(current_user, task.ledger), today=today,
                           visits=queries.site_visits(task), visit_errors=visit_errors or {},
                           contributions=queries.contributions_of([r.id for r in reports]),
                           visit_values=visit_values or {}), status


@bp.route("/tasks/<int:task_id>")
@login_required
def task(task_id):
    return _task_page(queries.get_task(current_user, task_id))


@bp.route("/tasks/<int:task_id>/visits", methods=["POST"])
@role_required("supervisor")
def site_visit(task_id):
    task = queries.get_task(current_user, task_id)
    if not queries.may_edit(current_user, task.ledger):
        raise NotFound("重点任务不存在或您无权查看。")
    idempotency.claim()
    form = _form()
    try:
        values = load(SiteVisitSchema, form)
    except FormInvalid as exc:
        db.session.rollback()  # nothing recorded, the key unclaimed: the corrected form is a new submit
        return _task_page(task, 422, exc.fields, form)
    operations.record_site_visit(task, values, current_user)
    target = url_for("keytasks.task", task_id=task.id, _anchor="visits")
    idempotency.remember(target)
    db.session.commit()
    flash(f"已记录派人督办（{values['visit_date'].isoformat()}，{values['inspectors']}）。")
    return redirect(target)


@bp.route("/tasks/<int:task_id>/milestones/<int:milestone_id>/done", methods=["POST"])
@role_required("supervisor")
def milestone_done(task_id, milestone_id):
    task = queries.get_task(current_user, task_id)
    milestone = operations.mark_milestone_done(task, milestone_id, current_user)
    db.session.commit()
    flash(f"已确认节点完成：{milestone.text}")
    return redirect(url_for("keytasks.task", task_id=task.id))


@bp.route("/instance/<int:instance_id>")
@login_required
def by_instance(instance_id):
    report = queries.report_for_instance(instance_id)
    if report is None:
        raise NotFound("重点任务不存在或您无权查看。")
    return redirect(url_for("keytasks.task", task_id=queries.get_task(current_user, report.task_id).id))
