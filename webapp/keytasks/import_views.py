"""Excel import of a ledger's tasks: the template, an upload with a dry run, then the import all or nothing."""
import hashlib

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user

from webapp import idempotency
from webapp.attachments import storage
from webapp.attachments.models import size_label
from webapp.core.access import role_required
from webapp.extensions import db
from webapp.workbooks import file_response
from webapp.xlsx_import import ImportRefused, checked_upload

from . import excel, import_plan, queries
from .views import bp

PENDING = "keytask_import"  # session key: the uploaded file waiting for its confirmation


def _no_store(response, status=200):
    response = make_response(response, status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/template.xlsx")
@role_required("supervisor")
def import_template():
    return file_response(excel.template_file(), "督查台账导入模板.xlsx")


@bp.route("/<int:ledger_id>/import")
@role_required("supervisor")
def import_page(ledger_id):
    return _page(queries.get_editable(current_user, ledger_id))


@bp.route("/<int:ledger_id>/import/check", methods=["POST"])
@role_required("supervisor")
def import_check(ledger_id):
    """Keep the upload aside and list each row's problems; nothing is written to the ledger."""
    ledger = queries.get_editable(current_user, ledger_id)
    upload = request.files.get("file")
    try:
        filename = _checked_upload(upload)
    except ImportRefused as exc:
        return _page(ledger, str(exc), 422)
    _drop_pending()
    key, _size, sha256 = storage.current().save(upload.stream)
    session[PENDING] = {"key": key, "sha256": sha256, "filename": filename, "user": current_user.id,
                        "ledger": ledger.id}
    try:
        plan = _plan(session[PENDING], ledger)
    except ImportRefused as exc:
        _drop_pending()
        return _page(ledger, str(exc), 422)
    return _no_store(render_template("keytasks/import_check.html", ledger=ledger, plan=plan,
                                     pending=session[PENDING]))


@bp.route("/<int:ledger_id>/import/confirm", methods=["POST"])
@role_required("supervisor")
def import_confirm(ledger_id):
    """Import the checked file at once, all or nothing, after checking it again against the ledger."""
    ledger = queries.get_editable(current_user, ledger_id)
    idempotency.claim()
    pending = session.get(PENDING)
    if (not pending or pending.get("user") != current_user.id or pending.get("ledger") != ledger.id
            or pending.get("sha256") != request.form.get("sha256")):
        flash("没有待确认的导入文件（可能已导入或已被新上传的文件替换），请重新上传。", "error")
        return redirect(url_for(".import_page", ledger_id=ledger.id))
    try:
        plan = _plan(pending, ledger)
    except (ImportRefused, FileNotFoundError):
        _drop_pending()
        flash("待导入的文件已失效，请重新上传。", "error")
        return redirect(url_for(".import_page", ledger_id=ledger.id))
    if not plan.ok:
        flash("台账在检查后发生了变化，文件现有问题，未导入任何数据。", "error")
        return _no_store(render_template("keytasks/import_check.html", ledger=ledger, plan=plan, pending=pending), 409)
    count = import_plan.apply(plan, ledger, current_user._get_current_object(), pending["sha256"], pending["filename"])
    target = url_for(".ledger", ledger_id=ledger.id)
    idempotency.remember(target)
    db.session.commit()
    _drop_pending()
    flash(f"已导入重点任务 {count} 项（{len(plan.areas)} 个领域）。")
    return redirect(target)


def _checked_upload(upload):
    return checked_upload(upload, excel.MAX_BYTES)


def _plan(pending, ledger):
    """Read the kept file again (never trusting what the page sent back) and check it against the ledger."""
    with storage.current().open(pending["key"]) as stream:
        if hashlib.sha256(stream.read()).hexdigest() != pending["sha256"]:
            raise ImportRefused("待导入的文件已改变，请重新上传。")
        stream.seek(0)
        rows = excel.read(stream)
    return import_plan.check(rows, ledger)


def _drop_pending():
    pending = session.pop(PENDING, None)
    if pending:
        storage.current().delete(pending["key"])


def _page(ledger, error=None, status=200):
    return _no_store(render_template("keytasks/import.html", ledger=ledger, error=error,
                                     max_bytes=size_label(excel.MAX_BYTES), max_rows=excel.MAX_ROWS,
                                     columns=excel.COLUMNS), status)
