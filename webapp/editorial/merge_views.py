"""综合: the page that picks items awaiting the office's feedback and the form that merges them."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import idempotency
from webapp.core.access import role_required
from webapp.core.errors import FormInvalid, NotAllowed, TaskConflict
from webapp.core.forms import load
from webapp.core.roles import URGENCY_LEVELS
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.reports.schemas import CATEGORIES

from . import merging
from .schemas import MergePickSchema, MergeSchema
from .views import bp


def _page(chosen=(), values=None, errors=None, status=200):
    return render_template("editorial/merge.html", candidates=merging.candidates(current_user), chosen=chosen,
                           values=values or {}, errors=errors or {}, categories=CATEGORIES,
                           urgency_levels=URGENCY_LEVELS), status


def _posted():
    form = {k: v for k, v in request.form.items() if k not in ("csrf_token", idempotency.FIELD)}
    form["item_ids"] = request.form.getlist("item_ids")
    form["shares"] = request.form.getlist("shares")
    return form


def _picked(ids):
    """The chosen items (for the form's list), or none when the choice is not valid."""
    try:
        return merging.prefill(current_user, load(MergePickSchema, {"item_ids": ids})["item_ids"])[0]
    except (FormInvalid, TaskConflict):
        return []


@bp.route("/merge")
@role_required("editor")
def merge():
    """Tick items and 综合所选: the form opens prefilled with their titles, texts and equal shares."""
    if not merging.may_merge(current_user):
        raise NotAllowed("只有信息部门的编辑可以综合信息。")
    try:
        ids = load(MergePickSchema, {"item_ids": request.args.getlist("item_ids")})["item_ids"]
        if not ids:
            return _page()
        chosen, values = merging.prefill(current_user, ids)
    except FormInvalid as exc:
        return _page(errors=exc.fields, status=422)
    except TaskConflict as exc:
        return _page(errors={"item_ids": [exc.message]}, status=409)
    return _page(chosen, values)


@bp.route("/merge/new", methods=["POST"])
@role_required("editor")
def merge_items():
    idempotency.claim()
    form = _posted()
    try:
        combined = merging.merge(current_user, load(MergeSchema, form))
    except (FormInvalid, TaskConflict) as exc:
        db.session.rollback()
        errors = exc.fields if isinstance(exc, FormInvalid) else {"item_ids": [exc.message]}
        chosen = _picked(form["item_ids"]) if isinstance(exc, FormInvalid) else []
        return _page(chosen, form, errors, exc.status)
    task = db.session.query(HumanTask).filter_by(instance_id=combined.instance_id, state="open").first()
    target = url_for("inbox.task", row_id=task.id) if task else url_for("reports.detail", item_id=combined.id)
    idempotency.remember(target)
    db.session.commit()
    flash(f"已综合为《{combined.title}》，请在此选择采用的刊物。")
    return redirect(target)
