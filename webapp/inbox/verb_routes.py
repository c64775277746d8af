"""The verbs on a task page (签收/退回签收/转办/退回/撤回/催办/抄送) and the read-only item page.

Each verb answers a person with a flash message and a redirect back, and an API client with JSON.
"""
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import idempotency, step_messages
from webapp.audit.views_helper import viewed
from webapp.core.errors import AppError, FormInvalid, NotFound
from webapp.core.forms import load
from webapp.core.responses import wants_json
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.inputs.messages import first_message
from webapp.inputs.urls import safe_target

from . import access, operations, pages, queries
from .schemas import CopySchema, PhraseSchema, ReturnSchema, TransferSchema, UrgeSchema
from .views import bp, render_task


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
    # A verb without a form of its own to mark up names a refused field in the message itself.
    flash(first_message(exc.fields) if isinstance(exc, FormInvalid) else exc.message, "error")
    return redirect(target)


def _verb(row_id, run, message, after=None, form_name=None):
    """Run one verb on a task row; on success go to `after` (default: back to the task page).

    A verb with a form on the task page (`form_name`: transfer, return) shows a refused field on that form (422).
    """
    back = url_for("inbox.task", row_id=row_id)
    try:
        run()
    except FormInvalid as exc:
        if form_name is None or wants_json():
            return _refused(exc, back)
        db.session.rollback()
        try:
            row = queries.task_for(current_user, row_id)  # the page only for whoever may see it
        except AppError as refused:
            return _refused(refused, back)
        return render_task(row, status=exc.status, verb_errors={form_name: exc.fields},
                           verb_values={form_name: request.form.to_dict()})
    except AppError as exc:
        return _refused(exc, back)
    return _done(message, after or back)


@bp.route("/tasks/<int:row_id>/claim", methods=["POST"])
@login_required
def claim(row_id):
    return _verb(row_id, lambda: operations.claim_task(current_user, row_id), "已签收，该任务只在您的待办中显示。")


@bp.route("/tasks/<int:row_id>/release", methods=["POST"])
@login_required
def release(row_id):
    return _verb(row_id, lambda: operations.release_task(current_user, row_id), "已退回签收，本岗位人员均可办理。",
                 url_for("inbox.todo"))


@bp.route("/tasks/<int:row_id>/transfer", methods=["POST"])
@login_required
def transfer(row_id):
    def run():
        form = load(TransferSchema, request.form)
        operations.transfer_task(current_user, row_id, form["target_user_id"], form["reason"])

    return _verb(row_id, run, "已转办。", url_for("inbox.todo"), form_name="transfer")


@bp.route("/tasks/<int:row_id>/return", methods=["POST"])
@login_required
def return_to(row_id):
    def run():
        form = load(ReturnSchema, request.form)
        operations.return_task(current_user, row_id, form["target_row_id"], form["reason"])

    return _verb(row_id, run, "已退回。", url_for("inbox.todo"), form_name="return")


@bp.route("/tasks/<int:row_id>/withdraw", methods=["POST"])
@login_required
def withdraw(row_id):
    try:
        reopened = operations.withdraw_task(current_user, row_id)
    except AppError as exc:
        return _refused(exc, safe_target(request.referrer, url_for("inbox.task", row_id=row_id)))
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
        instance = _viewable(instance_id)
        form = load(CopySchema, {"user_ids": request.form.getlist("user_ids"),
                                 "unit_ids": request.form.getlist("unit_ids"), "note": request.form.get("note", "")})
        copied = operations.copy_to(instance, current_user, form["user_ids"], form["unit_ids"], form["note"])
    except FormInvalid as exc:
        if wants_json():
            raise
        db.session.rollback()  # the key unclaimed too: the corrected form is a new submit
        return _item_page(_viewable(instance_id), status=exc.status, copy_errors=exc.fields)
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
    instance = _viewable(instance_id)
    operations.mark_copy_read(instance_id, current_user)
    db.session.commit()
    return _item_page(instance)


def _viewable(instance_id):
    instance = access.viewable_instance(current_user, instance_id)
    if instance is None:
        raise NotFound("事项不存在或您无权查看。")
    return instance


def _item_page(instance, status=200, copy_errors=None):
    latest = pages.latest_row(instance.id)
    context = step_messages.context_for(latest) if latest else {}
    context.pop("notice_template", None)
    page = render_template("inbox/item.html", instance=instance, latest=latest, task=None,
                           copy_errors=copy_errors or {}, **pages.item_page(instance, current_user), **context)
    viewed(instance, current_user)
    return page, status
