"""The checkpoint's 督查通报: the draft from the data (or frozen once submitted), its Excel equal to the screen,
starting the draft (key_task_circular), and the signed circular's print page and PDF."""
from flask import Response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import idempotency, workbooks
from webapp.core.access import role_required
from webapp.core.errors import FormInvalid, NotFound
from webapp.core.forms import load
from webapp.extensions import db
from webapp.workbooks import file_response, sheets_workbook

from . import checkpoints, circulars, queries
from .circular_forms import StartCircularSchema
from .circular_print import circular_pdf as render_pdf
from .circular_print import circular_sheet
from .schemas import CircularArgs
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


def task_subject(row):
    """The circular's figures (live while drafting, frozen after) beside each step's form."""
    circular = circulars.for_instance(row.instance_id)
    reports, visits, _row = circulars.shown(circular.ledger, circular.checkpoint) if circular else ([], [], None)
    return {"circular": circular, "reports": reports, "visits": visits, "task_data": circulars.form_values(circular),
            "subject_template": "keytasks/_circular_subject.html"}


@bp.route("/<int:ledger_id>/circular")
@login_required
def circular(ledger_id, errors=None, status=200):
    ledger = _desk_ledger(ledger_id)
    checkpoint = _checkpoint(ledger, request.args)
    reports, visits, row = circulars.shown(ledger, checkpoint)
    return render_template("keytasks/circular.html", ledger=ledger, checkpoint=checkpoint, reports=reports,
                           visits=visits, circular=row, checkpoints=checkpoints.checkpoint_dates(ledger),
                           history=circulars.history(row) if row else [],
                           may_draft=queries.may_edit(current_user, ledger) and row is None,
                           errors=errors or {}), status


@bp.route("/<int:ledger_id>/circular.xlsx")
@login_required
def circular_xlsx(ledger_id):
    ledger = _desk_ledger(ledger_id)
    checkpoint = _checkpoint(ledger, request.args)
    reports, _visits, _row = circulars.shown(ledger, checkpoint)
    data = sheets_workbook([(("分领域", "分牵头单位")[i], r.columns, [*r.rows, r.total] if r.rows else [], None)
                            for i, r in enumerate(reports)])
    return file_response(data, f"{reports[0].title.removesuffix('（分领域）')}.xlsx")


@bp.route("/<int:ledger_id>/circulars", methods=["POST"])
@role_required("supervisor")
def draft_circular(ledger_id):
    ledger = queries.get_editable(current_user, ledger_id)
    idempotency.claim()
    try:
        values = load(StartCircularSchema, {k: v for k, v in request.form.items()
                                            if k not in ("csrf_token", idempotency.FIELD)})
        _row, task = circulars.start(current_user, ledger, values["checkpoint"])
    except FormInvalid as exc:
        db.session.rollback()
        return circular(ledger_id, exc.fields, 422)
    target = url_for("inbox.task", row_id=task.id)
    idempotency.remember(target)
    db.session.commit()
    return redirect(target)


def _published(circular_id):
    row = circulars.get_visible(current_user, circular_id)
    if not row.is_published:
        raise NotFound("督查通报尚未签发，不能印发。")
    return row


@bp.route("/circulars/<int:circular_id>")
@login_required
def circular_print(circular_id):
    row = _published(circular_id)
    back = url_for("keytasks.circular", ledger_id=row.ledger_id, checkpoint=row.checkpoint.isoformat()) \
        if queries.sees_whole(current_user, row.ledger) else url_for("keytasks.ledger", ledger_id=row.ledger_id)
    return render_template("keytasks/circular_print.html", sheet=circular_sheet(row), back_url=back,
                           pdf_url=url_for("keytasks.circular_pdf", circular_id=row.id))


@bp.route("/circulars/<int:circular_id>.pdf")
@login_required
def circular_pdf(circular_id):
    sheet = circular_sheet(_published(circular_id))
    response = Response(render_pdf(sheet), mimetype="application/pdf")
    response.headers["Content-Disposition"] = workbooks.content_disposition(f"督查通报{sheet.issue}.pdf")
    return response


@bp.route("/circulars/instance/<int:instance_id>")
@login_required
def circular_by_instance(instance_id):
    row = circulars.for_instance(instance_id)
    if row is None or not queries.sees_whole(current_user, queries.get_ledger(current_user, row.ledger_id)):
        raise NotFound("督查通报不存在或您无权查看。")
    return redirect(url_for("keytasks.circular", ledger_id=row.ledger_id, checkpoint=row.checkpoint.isoformat()))
