"""Pages of information items: list and detail with history (new and discard: draft_views.py)."""
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from webapp import engine
from webapp.audit.views_helper import viewed
from webapp.core import clock, hooks
from webapp.engine import diagram_state

from . import drafts, forwarding, queries
from .checks import publications_of
from .schemas import CATEGORIES

bp = Blueprint("reports", __name__)


def task_subject(row):
    """The item beside an information-report task's form."""
    item = queries.item_for_instance(row.instance_id)
    return {"item": item, "history": queries.history(item) if item else [], "categories": CATEGORIES,
            "publications": publications_of(item.target_unit_id) if item and item.target_unit_id else [],
            "task_data": _form_values(item, row),
            "notice_template": "reports/_task_notice.html", "subject_template": "reports/_task_subject.html",
            "discardable": drafts.discardable_task(current_user, item) is not None}


def _form_values(item, row):
    """The compose form's values from the item's row; a 直报点's choice of office (报送至) lives in the workflow's
    data only, read when the form offers that choice (a returned item keeps it)."""
    if item is None:
        return {}
    values = item.form_values()
    if row.step_key == "compose" and item.unit is not None and item.unit.direct_report_unit_id:
        values["report_to"] = engine.task_data(row).get("report_to")
    return values


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
    page = render_template(
        "reports/detail.html", item=item, history=queries.history(item), open_tasks=queries.open_tasks(item),
        today=clock.local_today(), diagram=diagram_state(item.instance), chain=queries.chain_of(item, current_user),
        may_forward=forwarding.may_forward(current_user, item), upper_office=forwarding.upper_office(current_user.unit),
        **hooks.extras("reports.detail", obj=item, user=current_user),
    )
    viewed(item, current_user)
    return page
