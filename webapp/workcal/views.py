"""Admin page of the working-day calendar: which years have holiday data, and pasting a year's arrangement."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from webapp.core import clock
from webapp.core.access import role_required
from webapp.extensions import db

from . import operations, queries
from .deadlines import SHANGHAI
from .schemas import YearEntriesSchema, format_lines

bp = Blueprint("workcal", __name__)


def _years_shown():
    this_year = clock.now().astimezone(SHANGHAI).year
    return {this_year - 1, this_year, this_year + 1} | queries.entered_years()


def _render(submitted=None, errors=None, status=200):
    """submitted: the posted form (year as typed) to show again next to its errors."""
    years = _years_shown()
    overview = queries.year_overview(years)
    texts = {o.year: format_lines(o.days) for o in overview}
    return render_template("workcal/calendar.html", overview=overview, texts=texts,
                           submitted=submitted or {}, errors=errors or {}), status


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def calendar():
    if request.method == "GET":
        return _render()
    try:
        form = YearEntriesSchema().load(request.form)
    except ValidationError as exc:
        return _render(submitted=request.form.to_dict(), errors=exc.normalized_messages(), status=422)
    _rows, recomputed = operations.save_year(form["year"], form["entries"], form["complete"], form["note"],
                                             current_user)
    state = "已确认全部录入" if form["complete"] else "尚未确认全部录入"
    db.session.commit()
    flash(f"{form['year']} 年节假日安排已保存（{len(form['entries'])} 天，{state}）。")
    if recomputed:
        flash(f"{recomputed} 件期限待定的批示件已按新日历计算期限。")
    return redirect(url_for("workcal.calendar", _anchor=f"year-{form['year']}"))
