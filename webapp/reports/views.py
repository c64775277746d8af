"""Pages of information items: list and detail with history (new and discard: draft_views.py)."""
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from webapp import audit
from webapp.engine import clock
from webapp.extensions import db
from webapp.inbox import access, subjects
from webapp.scoring import queries as scoring_queries
from webapp.scoring.rules import INSTRUCTION_LEVELS

from . import drafts, queries
from .process import PROCESS_KEY
from .schemas import CATEGORIES, PUBLICATIONS

bp = Blueprint("reports", __name__)


def task_subject(row):
    """The item beside an information-report task's form."""
    item = queries.item_for_instance(row.instance_id)
    return {"item": item, "history": queries.history(item) if item else [], "categories": CATEGORIES,
            "publications": PUBLICATIONS, "task_data": item.form_values() if item else {},
            "notice_template": "reports/_task_notice.html", "subject_template": "reports/_task_subject.html",
            "discardable": drafts.discardable_task(current_user, item) is not None}


subjects.register(PROCESS_KEY, task_subject)
access.register(PROCESS_KEY, queries.visible_instance)


@bp.route("/")
@login_required
def index():
    scope = request.args.get("scope", "unit")
    if scope not in {"unit", "mine", "received"}:
        scope = "unit"
    return render_template("reports/list.html", items=queries.list_for(current_user, scope), scope=scope)


@bp.route("/<int:item_id>")
@login_required
def detail(item_id):
    item = queries.get_visible(current_user, item_id)
    viewed = audit.record_view(item, current_user)
    page = render_template(
        "reports/detail.html", item=item, history=queries.history(item), open_tasks=queries.open_tasks(item),
        instructions=scoring_queries.instructions_of(item),
        may_record_instruction=scoring_queries.may_record_instruction(current_user, item),
        instruction_levels=INSTRUCTION_LEVELS, today=clock.local_today(),
    )
    if viewed:
        db.session.commit()  # the view of a secret item is audited
    return page
