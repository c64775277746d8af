"""访问令牌: a person's tokens for other systems — issue (the secret shown once), list, revoke."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import idempotency
from webapp.core import clock
from webapp.core.access import role_required
from webapp.core.errors import FormInvalid
from webapp.core.forms import load
from webapp.extensions import db

from . import tokens
from .models import SCOPES
from .token_schemas import IssueSchema, ServiceIssueSchema

bp = Blueprint("api_tokens", __name__)


def _page(status=200, errors=None, values=None, secret=None):
    return render_template("api/tokens.html", tokens=tokens.listed(current_user), now=clock.now(), scopes=SCOPES,
                           errors=errors or {}, values=values or {}, secret=secret), status


@bp.route("/settings/tokens")
@login_required
def index():
    return _page()


@bp.route("/settings/tokens", methods=["POST"])
@login_required
def issue():
    idempotency.claim()
    try:
        form = load(IssueSchema, {"name": request.form.get("name", ""), "days": request.form.get("days", ""),
                                  "scopes": request.form.getlist("scopes")})
        row, secret = tokens.issue(current_user, form["name"], form["scopes"], form["days"])
    except FormInvalid as exc:
        db.session.rollback()
        return _page(422, exc.fields, request.form)
    idempotency.remember(url_for("api_tokens.index"))
    db.session.commit()
    # The secret is in this one answer and nowhere else: a repeat of the post finds its key used and shows the list.
    return _page(201, secret=secret)


@bp.route("/settings/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id):
    row = tokens.revoke(current_user, token_id)
    db.session.commit()
    flash(f"令牌“{row.name}”已吊销。")
    return redirect(url_for("api_tokens.index"))


# --- 服务账号令牌: an administrator's page for the tokens of service accounts -----------------------------------

def _service_page(status=200, errors=None, values=None, secret=None, owner=None):
    return render_template("api/service_tokens.html", accounts=tokens.service_accounts(), now=clock.now(),
                           scopes={k: v for k, v in SCOPES.items() if k != "admin"}, errors=errors or {},
                           values=values or {}, secret=secret, owner=owner), status


@bp.route("/admin/service-tokens")
@role_required("admin")
def service():
    return _service_page()


@bp.route("/admin/service-tokens", methods=["POST"])
@role_required("admin")
def service_issue():
    idempotency.claim()
    try:
        form = load(ServiceIssueSchema, {"account_id": request.form.get("account_id", ""),
                                         "name": request.form.get("name", ""), "days": request.form.get("days", ""),
                                         "scopes": request.form.getlist("scopes")})
        account = tokens.service_account(form["account_id"])
        _row, secret = tokens.issue(account, form["name"], form["scopes"], form["days"], issued_by=current_user)
    except FormInvalid as exc:
        db.session.rollback()
        return _service_page(422, exc.fields, request.form)
    idempotency.remember(url_for("api_tokens.service"))
    db.session.commit()
    return _service_page(201, secret=secret, owner=account)


@bp.route("/admin/service-tokens/<int:token_id>/revoke", methods=["POST"])
@role_required("admin")
def service_revoke(token_id):
    row = tokens.revoke(current_user, token_id, service=True)
    db.session.commit()
    flash(f"服务账号 {row.user.name} 的令牌“{row.name}”已吊销。")
    return redirect(url_for("api_tokens.service"))
