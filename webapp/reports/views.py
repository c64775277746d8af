"""Pages of information items: list, new, detail with history."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import idempotency
from webapp.audit.views_helper import viewed
from webapp.core import clock, hooks
from webapp.engine import diagram_state
from webapp.extensions import db

from . import operations, queries
from .schemas import CATEGORIES, PUBLICATIONS

bp = Blueprint("reports", __name__)


def task_subject(row):
    """The item beside an information-report task's form."""
    item = queries.item_for_instance(row.instance_id)
    return {"item": item, "history": queries.history(item) if item else [], "categories": CATEGORIES,
            "publications": PUBLICATIONS, "task_data": item.form_values() if item else {},
            "notice_template": "reports/_task_notice.html", "subject_template": "reports/_task_subject.html"}




@bp.route("/")
@login_required
def index():
    scope = request.args.get("scope", "unit")
    if scope not in {"unit", "mine", "received"}:
        scope = "unit"
    return render_template("reports/list.html", items=queries.list_for(current_user, scope), scope=scope)


@bp.route("/new", methods=["POST"])
@login_required
def new():
    idempotency.claim()
    _item, task = operations.create_item(current_user)
    target = url_for("inbox.task", row_id=task.id)
    idempotency.remember(target)
    db.session.commit()
    return redirect(target)


@bp.route("/<int:item_id>")
@login_required
def detail(item_id):
    item = queries.get_visible(current_user, item_id)
    page = render_template(
        "reports/detail.html", item=item, history=queries.history(item), open_tasks=queries.open_tasks(item),
        today=clock.local_today(), diagram=diagram_state(item.instance),
        **hooks.extras("reports.detail", obj=item, user=current_user),
    )
    viewed(item, current_user)
    return page
