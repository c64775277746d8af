"""新建信息 and 作废: the compose form opens empty and creates nothing; the first save creates the item."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import idempotency, step_messages
from webapp.core.errors import FormInvalid, NotAllowed, TaskConflict
from webapp.core.forms import load
from webapp.extensions import db
from webapp.inputs.bodies import form_values

from . import drafts, queries
from .schemas import CATEGORIES, DiscardSchema
from .views import bp


def compose_page(values=None, errors=None, status=200, **context):
    """The empty compose form; `context` names what it answers (a 约稿's `commission`) and where it posts."""
    if not current_user.has_role("writer"):
        raise NotAllowed("只有信息员可以新建信息。")
    return render_template("reports/compose.html", values=values or {}, errors=errors or {}, task_data={},
                           categories=CATEGORIES, **context), status


def first_save_response(save, **context):
    """Answer the compose form's first save (保存草稿 or 提交审核): `save(user, form, submit)` creates the item and
    returns (item, compose task row); a refused form keeps nothing and shows the form again."""
    idempotency.claim()
    form = form_values(request.form, drop=("csrf_token", idempotency.FIELD))
    submit = form.pop("action", "draft") == "submit"
    try:
        item, task = save(current_user, form, submit)
    except FormInvalid as exc:
        db.session.rollback()  # no item, no draft, the key unclaimed: the corrected form is a new submit
        return compose_page(values=form, errors=exc.fields, status=422, **context)
    target = url_for("inbox.todo") if submit else url_for("inbox.task", row_id=task.id)
    idempotency.remember(target)
    db.session.commit()
    flash(step_messages.done_message(task) if submit else f"草稿已保存：“{item.title}”在您的待办中，可继续编辑或作废。")
    return redirect(target)


@bp.route("/compose")
@login_required
def compose():
    return compose_page()


@bp.route("/new", methods=["POST"])
@login_required
def new():
    """The first save of a new item (保存草稿 or 提交审核); a refused form keeps nothing and shows the form again."""
    return first_save_response(drafts.first_save)


@bp.route("/<int:item_id>/discard", methods=["POST"])
@login_required
def discard(item_id):
    if not current_user.has_role("writer"):
        raise NotAllowed("只有信息员可以作废草稿。")
    item = queries.get_visible(current_user, item_id)
    values = load(DiscardSchema, form_values(request.form, drop=("csrf_token",)))
    if drafts.discardable_task(current_user, item) is None:
        raise TaskConflict("该信息已提交或已作废，不能作废。")
    drafts.discard(current_user, item, values["reason"])
    db.session.commit()
    flash(f"草稿“{item.title}”已作废，已从待办中移除；办理过程仍可在“我发起的”中查看。")
    return redirect(url_for("inbox.todo"))
