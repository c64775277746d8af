"""The search page behind the shell's box."""
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from webapp.core.errors import FormInvalid
from webapp.core.forms import load

from . import queries
from .schemas import KINDS, SearchArgs

bp = Blueprint("search", __name__)


@bp.route("/")
@login_required
def index():
    try:
        args = load(SearchArgs, request.args)
    except FormInvalid as exc:
        return render_template("search/results.html", text=request.args.get("q", "")[:100], kind=None, kinds=KINDS,
                               results={}, errors=exc.fields, limit=queries.LIMIT), 422
    text = args.get("q") or ""
    results = queries.search(current_user, text, args.get("kind")) if text else {}
    return render_template("search/results.html", text=text, kind=args.get("kind"), kinds=KINDS, results=results,
                           errors={}, limit=queries.LIMIT)
