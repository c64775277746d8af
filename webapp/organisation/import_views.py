"""Bulk import and export of units and users from Excel: template, export, upload with a dry run, confirm."""
import hashlib

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user

from webapp import idempotency
from webapp.attachments import storage
from webapp.attachments.models import size_label
from webapp.auth.models import UNIT_KINDS
from webapp.core.access import role_required
from webapp.extensions import db
from webapp.workbooks import file_response, workbook
from webapp.xlsx_import import ImportRefused, checked_upload

from . import excel, import_plan, operations

bp = Blueprint("org_import", __name__)

IMPORTERS = ("admin", "secadmin")  # 三员分立: the 安全保密管理员 imports clearances and role grants only
PENDING = "org_import"  # session key: the uploaded file waiting for its confirmation
SHOWN_CHANGES = 2000  # the dry run lists every problem, and the first changes up to this many


def _no_store(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/import")
@role_required(*IMPORTERS)
def index():
    return _page()


@bp.route("/template.xlsx")
@role_required(*IMPORTERS)
def template():
    return file_response(excel.template_file(), "组织机构导入模板.xlsx")


@bp.route("/export.xlsx")
@role_required(*IMPORTERS)
def export():
    data = operations.export_organisation(current_user._get_current_object())
    db.session.commit()
    return _no_store(file_response(data, "组织机构导出.xlsx"))


@bp.route("/import/check", methods=["POST"])
@role_required(*IMPORTERS)
def check():
    """Keep the upload aside and show what importing it would do; nothing is written to the organisation."""
    upload = request.files.get("file")
    try:
        filename = _checked_upload(upload)
    except ImportRefused as exc:
        return _refused(str(exc))
    _drop_pending()
    key, _size, sha256 = storage.current().save(upload.stream)
    session[PENDING] = {"key": key, "sha256": sha256, "filename": filename, "user": current_user.id}
    try:
        plan = _plan(session[PENDING])
    except ImportRefused as exc:
        _drop_pending()
        return _refused(str(exc))
    return _no_store(render_template("organisation/import_check.html", plan=plan, pending=session[PENDING],
                                     shown_changes=SHOWN_CHANGES))


@bp.route("/import/confirm", methods=["POST"])
@role_required(*IMPORTERS)
def confirm():
    """Import the checked file at once, all or nothing, after checking it again against the database."""
    idempotency.claim()
    pending = session.get(PENDING)
    if (not pending or pending.get("user") != current_user.id
            or pending.get("sha256") != request.form.get("sha256")):
        flash("没有待确认的导入文件（可能已导入或已被新上传的文件替换），请重新上传。", "error")
        return redirect(url_for(".index"))
    try:
        plan = _plan(pending)
    except (ImportRefused, FileNotFoundError):
        _drop_pending()
        flash("待导入的文件已失效，请重新上传。", "error")
        return redirect(url_for(".index"))
    if not plan.ok:
        flash("数据在检查后发生了变化，文件现有问题，未导入任何数据。", "error")
        page = render_template("organisation/import_check.html", plan=plan, pending=pending,
                               shown_changes=SHOWN_CHANGES)
        return _no_store((page, 409))
    outcome = import_plan.apply(plan, current_user._get_current_object(), pending["sha256"], pending["filename"])
    idempotency.remember(url_for(".index"))
    db.session.commit()
    _drop_pending()
    if request.form.get("download") and outcome.passwords:
        lines = [(username, name, password) for username, name, password in outcome.passwords]
        data = workbook(("用户名", "姓名", "临时密码"), lines, title="新用户临时密码（请妥善转交，首次登录后修改）",
                        widths=(20, 14, 20), sheet_name="临时密码")
        return _no_store(file_response(data, "新用户临时密码.xlsx"))
    return _no_store(render_template("organisation/import_done.html", outcome=outcome))


def _checked_upload(upload):
    return checked_upload(upload, excel.limits(current_app.config)[0])


def _plan(pending):
    """Read the kept file again (never trusting what the page sent back) and check it against the database."""
    with storage.current().open(pending["key"]) as stream:
        digest = hashlib.sha256(stream.read()).hexdigest()
        if digest != pending["sha256"]:
            raise ImportRefused("待导入的文件已改变，请重新上传。")
        stream.seek(0)
        sheets = excel.read(stream, current_app.config)
    return import_plan.check(sheets, current_user._get_current_object())


def _drop_pending():
    pending = session.pop(PENDING, None)
    if pending:
        storage.current().delete(pending["key"])


def _refused(message):
    return _page(error=message), 422


def _page(error=None):
    max_bytes, _, max_rows = excel.limits(current_app.config)
    return render_template("organisation/import.html", error=error, max_bytes=size_label(max_bytes),
                           max_rows=max_rows, kinds="、".join(UNIT_KINDS.values()))
