"""Issues (期): starting one (publication_issue), its page, and the signed issue's print page and PDF."""
from flask import Response, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp import idempotency, workbooks
from webapp.audit.views_helper import viewed
from webapp.core.access import role_required
from webapp.core.errors import FormInvalid, NotFound
from webapp.core.roles import SECRECY_LEVELS, URGENCY_LEVELS
from webapp.extensions import db

from . import issues, publications
from .issue_print import issue_pdf, issue_sheet
from .schemas import MAX_ENTRIES
from .views import bp, publication


def task_subject(row):
    """The issue beside each step's form; the compile step offers the publication's adopted items."""
    issue = issues.for_instance(row.instance_id)
    values = {"secrecy": issue.secrecy, "urgency": issue.urgency} if issue else {}
    for n, entry in enumerate(issue.entries if issue else [], start=1):
        values.update({f"item_{n}": entry.item_id, f"headline_{n}": entry.headline, f"note_{n}": entry.note})
    return {"issue": issue, "task_data": values, "subject_template": "editorial/_issue_subject.html",
            "history": issues.history(issue) if issue else [],
            "issue_candidates": issues.candidates(issue.publication, issue) if issue else [],
            "slots": range(1, MAX_ENTRIES + 1), "secrecy_levels": SECRECY_LEVELS, "urgency_levels": URGENCY_LEVELS}


@bp.route("/publications/<int:publication_id>/issues", methods=["POST"])
@role_required("editor")
def start_issue(publication_id):
    row = publications.get_for_editor(current_user, publication_id)
    idempotency.claim()
    try:
        _issue, task = issues.start(current_user, row)
    except FormInvalid as exc:
        db.session.rollback()
        return publication(publication_id, exc.fields, None, 422)
    target = url_for("inbox.task", row_id=task.id)
    idempotency.remember(target)
    db.session.commit()
    return redirect(target)


@bp.route("/issues/<int:issue_id>")
@login_required
def issue(issue_id):
    row = issues.get_visible(current_user, issue_id)
    page = render_template("editorial/issue.html", issue=row, history=issues.history(row),
                           may_manage=publications.is_editor_of(current_user, row.publication.unit_id))
    viewed(row, current_user)  # a secret issue's reading is audited
    return page


def _signed(issue_id):
    row = issues.get_visible(current_user, issue_id)
    if not row.is_signed:
        raise NotFound("本期尚未签发，不能印发。")
    return row


@bp.route("/issues/<int:issue_id>/print")
@login_required
def issue_print(issue_id):
    row = _signed(issue_id)
    page = render_template("editorial/issue_print.html", sheet=issue_sheet(row),
                           back_url=url_for("editorial.issue", issue_id=row.id),
                           pdf_url=url_for("editorial.issue_pdf_file", issue_id=row.id))
    viewed(row, current_user)
    return page


@bp.route("/issues/<int:issue_id>.pdf")
@login_required
def issue_pdf_file(issue_id):
    sheet = issue_sheet(_signed(issue_id))
    response = Response(issue_pdf(sheet), mimetype="application/pdf")
    response.headers["Content-Disposition"] = workbooks.content_disposition(f"{sheet.masthead}{sheet.issue}.pdf")
    return response
