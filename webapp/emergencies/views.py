"""Pages of emergency information: report, phone report, list, detail with countdowns, follow-ups, record."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from webapp.inbox import access

from . import queries
from .process import FOLLOWUP_KEY, REPORT_KEY

bp = Blueprint("emergencies", __name__)

access.register(REPORT_KEY, queries.visible_instance)
access.register(FOLLOWUP_KEY, queries.visible_followup_instance)


@bp.route("/")
@login_required
def index():
    return render_template("emergencies/list.html", emergencies=queries.list_for(current_user))
