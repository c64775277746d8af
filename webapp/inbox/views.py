"""Inbox lists (待办/已办/我发起的/抄送我的/催办记录) and the task page that renders each step's form."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import step_messages
from webapp.audit.views_helper import viewed
from webapp.core import clock
from webapp.core.errors import FormInvalid
from webapp.core.roles import SECRECY_LEVELS, URGENCY_LEVELS
from webapp.extensions import db
from webapp.inputs.bodies import form_values
from webapp.reports import queries as report_queries

from . import operations, pages, queries, schemas
from .items import kind_of

bp = Blueprint("inbox", __name__)


FILTER_CHOICES = {"direction": ("方向", schemas.DIRECTIONS), "type": ("类型", schemas.TYPES),
                  "urgency": ("紧急程度", URGENCY_LEVELS), "secrecy": ("密级", SECRECY_LEVELS),
                  "due": ("办理期限", schemas.DUE_STATES), "unit": ("单位", None), "sort": ("排序", schemas.SORTS)}


def _render_list(tab, **extra):
    """A tab of the inbox; its filters carry over to the other tabs that offer them."""
    args = schemas.parse_list_args(tab, request.args)
    page = queries.list_page(tab, current_user, args)
    now = clock.now()
    keep = {k: v for k, v in args.items() if k != "page"}
    tab_links = {t: url_for(f"inbox.{t}", **{k: v for k, v in keep.items() if k in schemas.TAB_FILTERS[t]})
                 for t in schemas.TABS}
    return render_template(
        "inbox/list.html", tab=tab, tab_labels=schemas.TABS, tab_links=tab_links, page=page, tasks=page.rows,
        args=args, keep=keep, filters=[(name, *FILTER_CHOICES[name]) for name in schemas.TAB_FILTERS[tab]],
        kind_of=kind_of, kind_labels=schemas.TYPES,
        due_state=lambda due_dt, kind=None: queries.due_state(due_dt, now, kind),
        near_due_hours=current_app.config["INBOX_NEAR_DUE_HOURS"],
        emergency_warn_minutes=current_app.config["EMERGENCY_WARN_MINUTES"], now=now, **extra)


@bp.route("/")
@login_required
def todo():
    return _render_list("todo", feedback=report_queries.recent_feedback(current_user))


@bp.route("/done")
@login_required
def done():
    return _render_list("done")


@bp.route("/started")
@login_required
def started():
    return _render_list("started")


@bp.route("/copied")
@login_required
def copied():
    return _render_list("copied")


@bp.route("/urges")
@login_required
def urges():
    return _render_list("urges")


def render_task(row, values=None, errors=None, status=200, **extra):
    """The task page; `extra` marks up a verb's form refused for a field (`verb_errors`, `verb_values`)."""
    return render_template("inbox/task.html", task=row, values=values or {}, errors=errors or {},
                           **pages.task_page(row, current_user), **step_messages.context_for(row), **extra), status


@bp.route("/tasks/<int:row_id>", methods=["GET", "POST"])
@login_required
def task(row_id):
    row = queries.task_for(current_user, row_id)
    if request.method == "GET":
        page = render_task(row)
        viewed(row, current_user)
        return page
    form = form_values(request.form, drop=("csrf_token",))
    action = form.pop("action", "submit")
    try:
        if action == "draft":
            operations.save_task_draft(current_user, row.id, form)
            db.session.commit()
            flash("草稿已保存。")
            return redirect(url_for("inbox.task", row_id=row.id))
        instance = operations.complete_task(current_user, row.id, form)
    except FormInvalid as exc:
        db.session.rollback()
        return render_task(row, values=form, errors=exc.fields, status=422)
    db.session.commit()
    if instance.last_incident:
        flash(f"已提交，但后续系统处理出错：{instance.last_incident}（已记录为异常，待管理员处理）", "error")
    else:
        flash(step_messages.done_message(row))
    return redirect(url_for("inbox.todo"))
