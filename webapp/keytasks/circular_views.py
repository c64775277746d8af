"""The checkpoint's 督查通报: the draft from the data, its Excel equal to the screen, publishing (freezing) it."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import idempotency
from webapp.core.access import role_required
from webapp.core.errors import FormInvalid, NotFound
from webapp.core.forms import load
from webapp.extensions import db
from webapp.workbooks import file_response, sheets_workbook

from . import checkpoints, circulars, queries
from .schemas import CircularArgs, PublishCircularSchema
from .views import bp


def _desk_ledger(ledger_id):
    ledger = queries.get_ledger(current_user, ledger_id)
    if not queries.sees_whole(current_user, ledger):
        raise NotFound("督查台账不存在或您无权查看。")
    return ledger


def _checkpoint(ledger, args):
    dates = checkpoints.checkpoint_dates(ledger)
    chosen = load(CircularArgs, args).get("checkpoint") or dates[0]
    if chosen not in dates:
        raise NotFound("不是本台账的报送节点。")
    return chosen


@bp.route("/<int:ledger_id>/circular")
@login_required
def circular(ledger_id, errors=None, status=200):
    ledger = _desk_ledger(ledger_id)
    checkpoint = _checkpoint(ledger, request.args)
    reports, published = circulars.tables(current_user, ledger, checkpoint)
    return render_template("keytasks/circular.html", ledger=ledger, checkpoint=checkpoint, reports=reports,
                           published=published, checkpoints=checkpoints.checkpoint_dates(ledger),
                           may_publish=queries.may_edit(current_user, ledger) and published is None,
                           errors=errors or {}), status


@bp.route("/<int:ledger_id>/circular.xlsx")
@login_required
def circular_xlsx(ledger_id):
    ledger = _desk_ledger(ledger_id)
    checkpoint = _checkpoint(ledger, request.args)
    reports, _published = circulars.tables(current_user, ledger, checkpoint)
    data = sheets_workbook([(("分领域", "分牵头单位")[i], r.columns, [*r.rows, r.total] if r.rows else [], None)
                            for i, r in enumerate(reports)])
    return file_response(data, f"{reports[0].title.removesuffix('（分领域）')}.xlsx")


@bp.route("/<int:ledger_id>/circulars", methods=["POST"])
@role_required("supervisor")
def publish_circular(ledger_id):
    ledger = queries.get_editable(current_user, ledger_id)
    idempotency.claim()
    try:
        values = load(PublishCircularSchema, {k: v for k, v in request.form.items()
                                      if k not in ("csrf_token", idempotency.FIELD)})
        frozen = circulars.publish(current_user, ledger, values["checkpoint"], values.get("remark", ""))
    except FormInvalid as exc:
        db.session.rollback()
        return circular(ledger_id, exc.fields, 422)
    target = url_for("keytasks.circular", ledger_id=ledger.id, checkpoint=frozen.checkpoint.isoformat())
    idempotency.remember(target)
    db.session.commit()
    flash("督查通报已发布，数字已固定，并已通知各牵头单位。")
    return redirect(target)
