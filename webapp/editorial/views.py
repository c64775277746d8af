"""The office's publications: the list with a new one's form, one publication's settings and issues."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import idempotency
from webapp.core.access import role_required
from webapp.core.errors import FormInvalid
from webapp.core.forms import load
from webapp.extensions import db

from . import issues, publications
from .models import FREQUENCIES, KINDS, SIGNERS
from .schemas import PublicationSchema

bp = Blueprint("editorial", __name__)


def posted():
    """The posted form without the CSRF token and the one-time key; ticked recipients as a list."""
    form = {k: v for k, v in request.form.items() if k not in ("csrf_token", idempotency.FIELD)}
    if "recipient_unit_ids" in form:
        form["recipient_unit_ids"] = request.form.getlist("recipient_unit_ids")
    return form


def _choices():
    return {"kinds": KINDS, "frequencies": FREQUENCIES, "signers": SIGNERS,
            "recipients": publications.recipient_choices(current_user.unit_id)}


@bp.route("/")
@role_required("editor")
def index(errors=None, values=None, status=200):
    rows = publications.of_unit(current_user.unit_id)
    db.session.commit()  # an office that had none starts with the former list
    return render_template("editorial/index.html", publications=rows, errors=errors or {},
                           values=values or {"numbered_per_year": True, "active": True}, **_choices()), status


@bp.route("/publications/new", methods=["POST"])
@role_required("editor")
def new_publication():
    idempotency.claim()
    form = posted()
    try:
        publication = publications.create(current_user, load(PublicationSchema, form))
    except FormInvalid as exc:
        db.session.rollback()
        return index(exc.fields, form, 422)
    target = url_for("editorial.publication", publication_id=publication.id)
    idempotency.remember(target)
    db.session.commit()
    flash(f"已新增刊物《{publication.name}》。")
    return redirect(target)


@bp.route("/publications/<int:publication_id>")
@role_required("editor")
def publication(publication_id, errors=None, values=None, status=200):
    row = publications.get_for_editor(current_user, publication_id)
    shown = values if values is not None else {
        "name": row.name, "kind": row.kind, "frequency": row.frequency, "numbered_per_year": row.numbered_per_year,
        "signer_role": row.signer_role, "bao": row.bao, "song": row.song, "fa": row.fa, "active": row.active,
        "recipient_unit_ids": row.recipient_unit_ids or []}
    return render_template("editorial/publication.html", publication=row, issues=issues.of_publication(row),
                           candidates=issues.candidates(row), errors=errors or {}, values=shown,
                           **_choices()), status


@bp.route("/publications/<int:publication_id>/edit", methods=["POST"])
@role_required("editor")
def edit_publication(publication_id):
    row = publications.get_for_editor(current_user, publication_id)
    form = posted()
    try:
        publications.update(current_user, row, load(PublicationSchema, form))
    except FormInvalid as exc:
        db.session.rollback()
        return publication(publication_id, exc.fields, form, 422)
    db.session.commit()
    flash(f"刊物《{row.name}》的设置已保存。")
    return redirect(url_for("editorial.publication", publication_id=row.id))
