"""Pages of results over time: the quarter's summary and the year's ranking, the office's bonuses, the awards."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import idempotency, months
from webapp.core import clock
from webapp.core.access import role_required
from webapp.core.errors import FormInvalid, NotAllowed, NotFound
from webapp.core.forms import load
from webapp.extensions import db
from webapp.inputs.fields import MAX_ID
from webapp.reports.queries import reporting_units

from . import awards, queries
from .rules import UNIT_BONUSES, plain_number
from .schemas import QuarterArgs, YearArgs
from .views import bp, table_file


def _office():
    office = queries.ranking_office(current_user)
    if office is None:
        raise NotAllowed("只有信息部门编辑和本级领导可以查看排名。")
    return office


def _last_month():
    return months.previous_month(clock.local_today())


def _quarter():
    """The quarter asked for; by default the one last month falls in (the one a summary is being made of)."""
    args = load(QuarterArgs, request.args)
    last = _last_month()
    return args["year"] or last.year, args["quarter"] or months.quarter_of(last)


def _year():
    return load(YearArgs, request.args)["year"] or _last_month().year


def _summary(office, ranking, title, **context):
    return render_template("scoring/results.html", office=office, ranking=ranking, title=title,
                           columns=queries.columns(ranking), rows=queries.table_rows(ranking),
                           subtitle=_subtitle(ranking), **context)


def _subtitle(ranking):
    return f"计分版本：{queries.versions_text(ranking.versions)}（各月按当时生效的计分办法计分，含本期登记的奖励加分）"


@bp.route("/quarter")
@login_required
def quarter():
    office = _office()
    year, number = _quarter()
    ranking = queries.quarter_ranking(office, year, number)
    return _summary(office, ranking, queries.quarter_title(office, year, number), period="quarter", year=year,
                    quarter=number, quarters=months.QUARTER_NAMES)


@bp.route("/quarter.<fmt>")
@login_required
def quarter_file(fmt):
    office = _office()
    year, number = _quarter()
    ranking = queries.quarter_ranking(office, year, number)
    return table_file(fmt, queries.quarter_title(office, year, number), queries.columns(ranking),
                      queries.table_rows(ranking), _subtitle(ranking))


@bp.route("/year")
@login_required
def year():
    office = _office()
    number = _year()
    ranking = queries.year_ranking(office, number)
    return _summary(office, ranking, queries.year_title(office, number), period="year", year=number,
                    award=awards.award_for(office, number))


@bp.route("/year.<fmt>")
@login_required
def year_file(fmt):
    office = _office()
    number = _year()
    ranking = queries.year_ranking(office, number)
    return table_file(fmt, queries.year_title(office, number), queries.columns(ranking),
                      queries.table_rows(ranking), _subtitle(ranking))


# --- bonuses ----------------------------------------------------------------------------------------------------

@bp.route("/bonuses", methods=["GET", "POST"])
@login_required
def bonuses():
    office = _office()
    number = _year()
    values, errors, status = {"awarded_on": clock.local_today().isoformat()}, {}, 200
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            idempotency.claim()
            bonus = awards.record_bonus(office, values, current_user)
        except FormInvalid as exc:
            db.session.rollback()
            errors, status = exc.fields, exc.status
        else:
            target = url_for("scoring.bonuses", year=bonus.awarded_on.year)
            idempotency.remember(target)
            db.session.commit()
            flash(f"已登记{bonus.unit.name}的奖励加分（{UNIT_BONUSES[bonus.bonus_key]}）。")
            return redirect(target)
    rows = awards.bonuses_of(office, number)
    award = awards.award_for(office, number)
    return render_template("scoring/bonuses.html", office=office, year=number, bonuses=rows,
                           points={b.id: awards.bonus_points(b) for b in rows}, units=reporting_units(office),
                           entries=UNIT_BONUSES, values=values, errors=errors,
                           frozen=award is not None and award.published_dt is not None), status


@bp.route("/bonuses/<int:bonus_id>/delete", methods=["POST"])
@role_required("editor")
def remove_bonus(bonus_id):
    bonus = awards.remove_bonus(_office(), bonus_id, current_user)
    db.session.commit()
    flash("奖励记录已删除。")
    return redirect(url_for("scoring.bonuses", year=bonus.awarded_on.year))


# --- annual awards ------------------------------------------------------------------------------------------------

def _award_page_args():
    """(office, year, the award or None) of the page asked for: the user's own office's, or the office's
    published list the user reports to (`?office=`)."""
    number = _year()
    office = queries.ranking_office(current_user)
    raw = request.args.get("office", "")
    if raw:
        if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
            raise NotFound("该年度评选结果不存在或尚未发布。")
        if office is None or office.id != int(raw):
            award = awards.readable_award(current_user, int(raw), number)
            return award.office, number, award
    if office is None:
        raise NotAllowed("只有信息部门编辑和本级领导可以评选年度先进。")
    return office, number, awards.award_for(office, number)


@bp.route("/awards", methods=["GET", "POST"])
@login_required
def awards_page():
    office, number, award = _award_page_args()
    errors, status, values = {}, 200, None
    if request.method == "POST":
        values = request.form.to_dict()
        raw = {**values, "unit_ids": request.form.getlist("unit_ids"),
               "officer_ids": request.form.getlist("officer_ids")}
        try:
            idempotency.claim()
            award = awards.save_awards(_office(), raw, current_user)
        except FormInvalid as exc:
            db.session.rollback()
            errors, status = exc.fields, exc.status
            values = {**values, "unit_ids": raw["unit_ids"], "officer_ids": raw["officer_ids"]}
        else:
            target = url_for("scoring.awards_page", year=award.year)
            idempotency.remember(target)
            db.session.commit()
            flash(f"{award.year}年度评选结果已保存，发布前仍可修改。")
            return redirect(target)
    return _awards_view(office, number, award, errors, values), status


def _awards_view(office, number, award, errors, values):
    keeper = queries.ranking_office(current_user) == office and current_user.has_role("editor")
    ranking = queries.year_ranking(office, number) if award is None or award.rows is None else None
    rows = awards.award_rows(award, ranking) if award is not None else []
    if values is None:
        entries = award.entries if award is not None else []
        values = {"unit_ids": [str(e["unit_id"]) for e in entries if e["kind"] == "unit"],
                  "officer_ids": [str(e["user_id"]) for e in entries if e["kind"] == "officer"],
                  "remark": award.remark if award is not None else ""}
        values.update({f"reason_{e['kind']}_{e['user_id'] if e['kind'] == 'officer' else e['unit_id']}": e["reason"]
                       for e in entries})
    state = awards.award_state(award) if award is not None else ""
    editable = keeper and (award is None or award.published_dt is None) and number <= clock.local_today().year
    return render_template("scoring/awards.html", office=office, year=number, award=award,
                           title=awards.awards_title(office, number), columns=awards.AWARD_COLUMNS, rows=rows,
                           ranking=ranking, officers=awards.officer_choices(office) if editable else [],
                           editable=editable, keeper=keeper, values=values, errors=errors, state=state,
                           plain=plain_number)


@bp.route("/awards/publish", methods=["POST"])
@role_required("editor")
def publish_awards():
    office = _office()
    number = load(YearArgs, {"year": request.form.get("year")})["year"]
    if number is None:
        raise FormInvalid({"year": ["请选择年度"]})
    award = awards.publish_awards(office, number, current_user)
    db.session.commit()
    flash(f"{number}年度评选结果已发布，已通知各报送单位。")
    return redirect(url_for("scoring.awards_page", year=award.year))


@bp.route("/awards.<fmt>")
@login_required
def awards_file(fmt):
    office, number, award = _award_page_args()
    if award is None:
        raise NotFound("该年度尚未保存评选结果。")
    ranking = None if award.rows is not None else queries.year_ranking(office, number)
    return table_file(fmt, awards.awards_title(office, number), awards.AWARD_COLUMNS,
                      awards.award_rows(award, ranking), awards.award_state(award), award.remark)
