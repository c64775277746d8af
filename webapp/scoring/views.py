"""Pages of scoring (being built for issue 6)."""
from flask import Blueprint
from flask_login import login_required

from . import models  # noqa: F401  (the tables join the metadata)

bp = Blueprint("scoring", __name__)


@bp.route("/")
@login_required
def index():
    return "考核通报"
