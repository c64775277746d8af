"""Pages of information items: list, new, detail with history."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import idempotency
from webapp.attachments.queries import page_panel
from webapp.audit.views_helper import viewed
from webapp.core import clock
from webapp.designer.queries import instance_diagram
from webapp.extensions import db
from webapp.inbox import access, subjects
from webapp.scoring import queries as scoring_queries
from webapp.scoring.rules import INSTRUCTION_LEVELS

from . import operations, queries
from .process import PROCESS_KEY
from .schemas import CATEGORIES, PUBLICATIONS

bp = Blueprint("reports", __name__)


def task_subject(row):
    """The item beside an information-report task's form."""
    item = queries.item_for_instance(row.instance_id)
    return {"item": item, "history": queries.history(item) if item else [], "categories": CATEGORIES,
            "publications": PUBLICATIONS, "task_data": item.form_values() if item else {},
            "notice_template": "reports/_task_notice.html", "subject_template": "reports/_task_subject.html"}


subjects.register(PROCESS_KEY, task_subject)
access.register(PROCESS_KEY, queries.visible_instance)


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
        instructions=scoring_queries.instructions_of(item),
        may_record_instruction=scoring_queries.may_record_instruction(current_user, item),
        instruction_levels=INSTRUCTION_LEVELS, today=clock.local_today(),
        attachment_panel=page_panel(current_user, item.instance_id), diagram=instance_diagram(item.instance),
    )
    viewed(item, current_user)
    return page
