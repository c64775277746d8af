"""Pages of supervision (being built for issue 6)."""
from flask import Blueprint

from webapp.auth.access import role_required

from . import models  # noqa: F401  (the tables join the metadata)

bp = Blueprint("supervision", __name__)


@bp.route("/")
@role_required("supervisor", "leader", "principal")
def index():
    return "督查台"
