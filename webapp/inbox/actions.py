"""The verbs on a task page (签收/退回签收/转办/退回/撤回/催办/抄送) and the read-only item page.

Each verb answers a person with a flash message and a redirect back, and an API client with JSON.
"""
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import audit, idempotency
from webapp.core.errors import AppError, FormInvalid, NotFound
from webapp.core.forms import load
from webapp.core.responses import wants_json
from webapp.engine import task_actions
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.inputs.messages import first_message
from webapp.inputs.urls import safe_target
from webapp.notices import events

from . import access, operations, pages, queries, subjects
from .schemas import CopySchema, PhraseSchema, ReturnSchema, TransferSchema, UrgeSchema
from .views import bp


def _done(message, target):
    db.session.commit()
    if wants_json():
        return jsonify(ok=True, message=message)
    flash(message)
    return redirect(target)


def _refused(exc, target):
    if wants_json():
        raise exc
    if exc.keep_changes:
        db.session.commit()
    else:
        db.session.rollback()
    # A verb has no form to mark up: a refused field is named in the message itself.
    flash(first_message(exc.fields) if isinstance(exc, FormInvalid) else exc.message, "error")
    return redirect(target)


def _verb(row_id, run, message, after=None):
    """Run one verb on a task row; on success go to `after` (default: back to the task page).

    Someone outside the step's unit or clearance is told it does not exist before the verb looks at its state.
    """
    back = url_for("inbox.task", row_id=row_id)
    try:
        queries.known_task(current_user, row_id)
        run()
    except AppError as exc:
        return _refused(exc, back)
    return _done(message, after or back)


@bp.route("/tasks/<int:row_id>/claim", methods=["POST"])
@login_required
def claim(row_id):
    return _verb(row_id, lambda: task_actions.claim(row_id, current_user), "已签收，该任务只在您的待办中显示。")


@bp.route("/tasks/<int:row_id>/release", methods=["POST"])
@login_required
def release(row_id):
    return _verb(row_id, lambda: task_actions.release(row_id, current_user), "已退回签收，本岗位人员均可办理。",
                 url_for("inbox.todo"))


@bp.route("/tasks/<int:row_id>/transfer", methods=["POST"])
@login_required
def transfer(row_id):
    def run():
        form = load(TransferSchema, request.form)
        row = task_actions.transfer(row_id, current_user, form["target_user_id"], form["reason"])
        events.task_transferred(row)

    return _verb(row_id, run, "已转办。", url_for("inbox.todo"))


@bp.route("/tasks/<int:row_id>/return", methods=["POST"])
@login_required
def return_to(row_id):
    def run():
        form = load(ReturnSchema, request.form)
        task_actions.return_to(row_id, current_user, form["target_row_id"], form["reason"])

    return _verb(row_id, run, "已退回。", url_for("inbox.todo"))


@bp.route("/tasks/<int:row_id>/withdraw", methods=["POST"])
@login_required
def withdraw(row_id):
    try:
        queries.known_task(current_user, row_id)
        instance = task_actions.withdraw(row_id, current_user)
    except AppError as exc:
        return _refused(exc, safe_target(request.referrer, url_for("inbox.task", row_id=row_id)))
    reopened = pages.reopened_for(instance, current_user)
    return _done("已撤回，可修改后重新提交。", url_for("inbox.task", row_id=reopened.id) if reopened
                 else url_for("inbox.todo"))


@bp.route("/tasks/<int:row_id>/urge", methods=["POST"])
@login_required
def urge(row_id):
    row = db.session.get(HumanTask, row_id)
    back = url_for("inbox.item", instance_id=row.instance_id) if row else url_for("inbox.todo")
    try:
        form = load(UrgeSchema, request.form)
        operations.urge(row_id, current_user, form["note"], form["notify_leader"])
    except AppError as exc:
        return _refused(exc, back)
    return _done(f"已催办“{row.step_label}”。", back)


@bp.route("/items/<int:instance_id>/copy", methods=["POST"])
@login_required
def copy(instance_id):
    back = url_for("inbox.item", instance_id=instance_id)
    idempotency.claim(optional=wants_json())  # a repeated 抄送 would add a second history entry
    try:
        instance = access.viewable_instance(current_user, instance_id)
        if instance is None:
            raise NotFound("事项不存在或您无权查看。")
        form = load(CopySchema, {"user_ids": request.form.getlist("user_ids"),
                                 "unit_ids": request.form.getlist("unit_ids"), "note": request.form.get("note", "")})
        copied = operations.copy_to(instance, current_user, form["user_ids"], form["unit_ids"], form["note"])
    except AppError as exc:
        return _refused(exc, back)
    message = f"已抄送：{'、'.join(u.name for u in copied) or '（均已抄送过）'}"
    idempotency.remember(back, {"ok": True, "message": message})
    return _done(message, back)


@bp.route("/phrases", methods=["POST"])
@login_required
def add_phrase():
    back = safe_target(request.referrer, url_for("inbox.todo"))
    try:
        operations.add_phrase(current_user, load(PhraseSchema, request.form)["text"])
    except AppError as exc:
        return _refused(exc, back)
    return _done("已加入常用语。", back)


@bp.route("/items/<int:instance_id>")
@login_required
def item(instance_id):
    """An item read-only, for whoever may see it: the starter, its performers, the copied, the domain's."""
    instance = access.viewable_instance(current_user, instance_id)
    if instance is None:
        raise NotFound("事项不存在或您无权查看。")
    operations.mark_copy_read(instance_id, current_user)
    latest = (db.session.query(HumanTask).filter_by(instance_id=instance_id).order_by(HumanTask.id.desc()).first())
    context = subjects.context_for(latest) if latest else {}
    context.pop("notice_template", None)
    audit.record_view(instance, current_user)
    db.session.commit()  # the copy's read mark, and the view of a secret item in the audit log
    return render_template("inbox/item.html", instance=instance, latest=latest, task=None,
                           **pages.item_page(instance, current_user), **context)
