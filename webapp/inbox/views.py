"""Inbox pages (待办/已办) and the task page that renders each step's form."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.engine import clock, runner
from webapp.engine.errors import FormInvalid
from webapp.extensions import db
from webapp.reports import queries as report_queries

from . import queries, subjects

bp = Blueprint("inbox", __name__)


@bp.route("/")
@login_required
def todo():
    return render_template("inbox/list.html", tab="todo", tasks=queries.todo(current_user), now=clock.now(),
                           feedback=report_queries.recent_feedback(current_user))


@bp.route("/done")
@login_required
def done():
    return render_template("inbox/list.html", tab="done", tasks=queries.done(current_user))


def _render_task(row, values=None, errors=None, status=200):
    from . import pages

    return render_template("inbox/task.html", task=row, values=values or {}, errors=errors or {},
                           **pages.task_page(row, current_user), **subjects.context_for(row)), status


@bp.route("/tasks/<int:row_id>", methods=["GET", "POST"])
@login_required
def task(row_id):
    row = queries.task_for(current_user, row_id)
    if request.method == "GET":
        return _render_task(row)
    # A field sent several times (ticked boxes) arrives as a list, any other as its single value.
    form = {k: (v if len(v) > 1 else v[0]) for k, v in request.form.lists() if k != "csrf_token"}
    action = form.pop("action", "submit")
    try:
        if action == "draft":
            runner.save_draft(row.id, current_user, {k: v for k, v in form.items() if v != ""})
            db.session.commit()
            flash("草稿已保存。")
            return redirect(url_for("inbox.task", row_id=row.id))
        instance = runner.complete(row.id, current_user, form)
    except FormInvalid as exc:
        db.session.rollback()
        return _render_task(row, values=form, errors=exc.fields, status=422)
    db.session.commit()
    if instance.last_incident:
        flash(f"已提交，但后续系统处理出错：{instance.last_incident}（已记录为异常，待管理员处理）", "error")
    else:
        flash(f"“{row.step_label}”已办理。")
    return redirect(url_for("inbox.todo"))
