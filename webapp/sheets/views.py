"""The sheets' pages and PDFs, each behind exactly the access check of the detail page it prints."""
from flask import Blueprint, Response, render_template, url_for
from flask_login import current_user, login_required

from webapp import workbooks
from webapp.audit.views_helper import viewed
from webapp.cases import queries as case_queries
from webapp.core.errors import NotFound
from webapp.emergencies import queries as emergency_queries
from webapp.reports import queries as report_queries

from . import content
from .pdf import sheet_pdf

bp = Blueprint("sheets", __name__)
CASE_SHEETS = {"supervision": content.case_supervision_sheet, "report": content.case_report_sheet}


def _respond(subject, build, back_url, pdf_url, as_pdf):
    """The sheet as a page or a PDF; the view of a secret subject is audited as on its detail page."""
    sheet = build(subject)
    if as_pdf:
        response = Response(sheet_pdf(sheet), mimetype="application/pdf")
        response.headers["Content-Disposition"] = workbooks.content_disposition(f"{sheet.title}{sheet.number}.pdf")
    else:
        response = render_template("sheets/sheet.html", sheet=sheet, back_url=back_url, pdf_url=pdf_url)
    viewed(subject, current_user)
    return response


def _item(item_id, as_pdf):
    subject = report_queries.get_visible(current_user, item_id)
    return _respond(subject, content.item_sheet, url_for("reports.detail", item_id=item_id),
                    url_for(".item_pdf", item_id=item_id), as_pdf)


def _case(case_id, form, as_pdf):
    if form not in CASE_SHEETS:
        raise NotFound("没有这种单据。")
    subject = case_queries.get_visible(current_user, case_id)
    return _respond(subject, CASE_SHEETS[form], url_for("cases.detail", case_id=case_id),
                    url_for(".case_pdf", case_id=case_id, form=form), as_pdf)


def _emergency(emergency_id, as_pdf):
    subject = emergency_queries.get_visible(current_user, emergency_id)
    return _respond(subject, content.emergency_sheet, url_for("emergencies.detail", emergency_id=emergency_id),
                    url_for(".emergency_pdf", emergency_id=emergency_id), as_pdf)


@bp.route("/items/<int:item_id>")
@login_required
def item(item_id):
    return _item(item_id, as_pdf=False)


@bp.route("/items/<int:item_id>.pdf")
@login_required
def item_pdf(item_id):
    return _item(item_id, as_pdf=True)


@bp.route("/cases/<int:case_id>/<form>")
@login_required
def case(case_id, form):
    return _case(case_id, form, as_pdf=False)


@bp.route("/cases/<int:case_id>/<form>.pdf")
@login_required
def case_pdf(case_id, form):
    return _case(case_id, form, as_pdf=True)


@bp.route("/emergencies/<int:emergency_id>")
@login_required
def emergency(emergency_id):
    return _emergency(emergency_id, as_pdf=False)


@bp.route("/emergencies/<int:emergency_id>.pdf")
@login_required
def emergency_pdf(emergency_id):
    return _emergency(emergency_id, as_pdf=True)
