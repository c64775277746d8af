"""Results over a year: the bonuses an office awards its units, and its annual awards (先进单位 / 优秀信息员).

A bonus counts in the quarter and the year of its date (`queries.ranking(with_bonuses=True)`). The awards are
decided from the year's ranking, saved, and published once: then their table is frozen like a circular's.
"""
from datetime import date

from sqlalchemy.orm import joinedload

from webapp import audit
from webapp.auth.models import User, UserRole
from webapp.core import clock, hooks
from webapp.core.errors import FormInvalid, NotAllowed, NotFound, TaskConflict
from webapp.core.forms import load
from webapp.core.links import path_for
from webapp.extensions import db
from webapp.notices import operations as notices
from webapp.reports.queries import reporting_units

from . import queries
from .models import AnnualAward, UnitBonus
from .rules import UNIT_BONUSES, plain_number, points
from .schemas import AwardsSchema, BonusSchema

AWARD_KINDS = {"unit": "先进单位", "officer": "优秀信息员"}
AWARD_COLUMNS = ["奖项", "单位", "信息员", "年度名次", "年度得分", "评选理由"]
AWARD_ROLES = ("writer", "verifier", "leader", "principal")


def _keeper(office, user):
    if queries.ranking_office(user) != office or not user.has_role("editor"):
        raise NotAllowed("只有本部门信息编辑可以登记奖励和评选年度先进。")


# --- bonuses ----------------------------------------------------------------------------------------------------

def bonuses_of(office, year):
    """The bonuses the office recorded in `year`, by date."""
    return (db.session.query(UnitBonus).options(joinedload(UnitBonus.unit))
            .filter(UnitBonus.office_id == office.id, UnitBonus.awarded_on >= date(year, 1, 1),
                    UnitBonus.awarded_on < date(year + 1, 1, 1))
            .order_by(UnitBonus.awarded_on, UnitBonus.id).all())


def bonus_points(bonus):
    """What the bonus is worth: its entry's points in the version in force on its date."""
    return plain_number(points(queries.version_on(bonus.awarded_on).rules, "bonus", bonus.bonus_key))


def record_bonus(office, raw, user):
    """The office records that one of its units earned a bonus; the unit is told."""
    _keeper(office, user)
    form = load(BonusSchema, raw)
    ranked = {u.id: u for u in reporting_units(office)}
    if form["unit_id"] not in ranked:
        raise FormInvalid({"unit_id": ["只能为向本部门报送信息的单位登记奖励"]})
    published = award_for(office, form["awarded_on"].year)
    if published is not None and published.published_dt is not None:
        raise FormInvalid({"awarded_on": [f"{form['awarded_on'].year}年度评选结果已发布，不能再登记该年度的奖励"]})
    bonus = UnitBonus(office_id=office.id, unit_id=form["unit_id"], bonus_key=form["bonus_key"],
                      reason=form["reason"].strip(), awarded_on=form["awarded_on"], recorded_by_id=user.id,
                      recorded_dt=clock.now())
    db.session.add(bonus)
    db.session.flush()
    label = UNIT_BONUSES[bonus.bonus_key]
    audit.record("scoring.bonus.record", summary=f"登记奖励加分：{ranked[bonus.unit_id].name}，{label}",
                 target_type="unit_bonus", target_id=str(bonus.id), user=user)
    notices.send(f"奖励加分：{label}", unit_id=bonus.unit_id, role="writer", body=bonus.reason,
                 link=path_for("scoring.year", year=bonus.awarded_on.year))
    return bonus


def remove_bonus(office, bonus_id, user):
    """A bonus recorded by mistake goes, unless its year's awards are published."""
    _keeper(office, user)
    bonus = db.session.get(UnitBonus, bonus_id)
    if bonus is None or bonus.office_id != office.id:
        raise NotFound("该奖励记录不存在。")
    award = award_for(office, bonus.awarded_on.year)
    if award is not None and award.published_dt is not None:
        raise TaskConflict(f"{bonus.awarded_on.year}年度评选结果已发布，奖励记录不能再删除。")
    label = UNIT_BONUSES.get(bonus.bonus_key, bonus.bonus_key)
    audit.record("scoring.bonus.remove", summary=f"删除奖励加分：{bonus.unit.name}，{label}",
                 target_type="unit_bonus", target_id=str(bonus.id), user=user)
    db.session.delete(bonus)
    db.session.flush()
    return bonus


# --- annual awards ------------------------------------------------------------------------------------------------

def award_for(office, year):
    return db.session.query(AnnualAward).filter_by(office_id=office.id, year=year).one_or_none()


def published_awards(user, limit=10):
    """Published award lists of the office the user reports to or ranks for, newest year first."""
    offices = {u.id for u in (user.unit.upward_info_unit(), queries.ranking_office(user)) if u is not None}
    return (db.session.query(AnnualAward)
            .filter(AnnualAward.office_id.in_(offices), AnnualAward.published_dt.isnot(None))
            .order_by(AnnualAward.year.desc()).limit(limit).all())


def readable_award(user, office_id, year):
    """The published awards of an office the user reports to (or the office's own list, published or not)."""
    office = queries.ranking_office(user)
    if office is not None and office.id == office_id:
        return award_for(office, year)
    upward = user.unit.upward_info_unit()
    award = (db.session.query(AnnualAward).filter_by(office_id=office_id, year=year).one_or_none()
             if upward is not None and upward.id == office_id else None)
    if award is None or award.published_dt is None:
        raise NotFound("该年度评选结果不存在或尚未发布。")
    return award


def officer_choices(office):
    """The information officers who may be named: active writers of the units the office ranks, by unit."""
    units = {u.id: u for u in reporting_units(office)}
    if not units:
        return []
    return (db.session.query(User).join(UserRole, UserRole.user_id == User.id)
            .filter(User.unit_id.in_(units), UserRole.role == "writer", User.is_active_user.is_(True),
                    User.is_service.is_(False))
            .order_by(User.unit_id, User.name).all())


def award_rows(award, ranking):
    """The award table's cells (`AWARD_COLUMNS`): units first, then officers, with the year's rank and score."""
    if award.rows is not None:
        return award.rows["rows"]
    by_unit = {row.unit.id: row for row in ranking.rows}
    users = {u.id: u for u in db.session.query(User).filter(
        User.id.in_([e["user_id"] for e in award.entries if e.get("user_id")]))}
    lines = []
    for entry in sorted(award.entries, key=lambda e: (e["kind"] != "unit", _rank_key(by_unit.get(e["unit_id"])))):
        row = by_unit.get(entry["unit_id"])
        user = users.get(entry.get("user_id"))
        lines.append([AWARD_KINDS[entry["kind"]], row.unit.name if row else "", user.name if user else "",
                      row.rank if row and row.rank is not None else "—", plain_number(row.score) if row else "",
                      entry["reason"]])
    return lines


def _rank_key(row):
    return (row is None or row.rank is None, row.rank if row and row.rank else 0)


def save_awards(office, raw, user):
    """The office's decision for a year, checked against its annual ranking; kept until published."""
    _keeper(office, user)
    form = load(AwardsSchema, raw)
    year = form["year"]
    if year > clock.local_today().year:
        raise FormInvalid({"year": ["不能评选尚未开始的年度"]})
    award = award_for(office, year)
    if award is not None and award.published_dt is not None:
        raise TaskConflict(f"{year}年度评选结果已发布，不能再修改。")
    entries = _checked_entries(office, year, form, raw)
    if award is None:
        award = AnnualAward(office_id=office.id, year=year, entries=entries, saved_by_id=user.id,
                            saved_dt=clock.now(), remark="")
        db.session.add(award)
    award.entries, award.remark = entries, form["remark"].strip()
    award.saved_by_id, award.saved_dt = user.id, clock.now()
    db.session.flush()
    audit.record("scoring.awards.save", summary=f"保存{year}年度信息工作先进评选（{len(entries)}项）",
                 target_type="annual_award", target_id=str(award.id), user=user)
    return award


def _checked_entries(office, year, form, raw):
    ranking = queries.year_ranking(office, year)
    by_unit = {row.unit.id: row for row in ranking.rows}
    errors, entries = {}, []
    for unit_id in dict.fromkeys(form["unit_ids"]):
        row = by_unit.get(unit_id)
        if row is None:
            errors.setdefault("unit_ids", []).append("先进单位只能从本部门年度排名的单位中评选")
            continue
        if row.veto:
            errors.setdefault("unit_ids", []).append(
                f"{row.unit.name}本年度有瞒报，一票否决，不能评为先进单位")
            continue
        reason = _reason(raw, f"reason_unit_{unit_id}", errors)
        entries.append({"kind": "unit", "unit_id": unit_id, "user_id": None,
                        "reason": reason or f"年度排名第{row.rank}名，得分{plain_number(row.score)}"})
    officers = {u.id: u for u in officer_choices(office)}
    for user_id in dict.fromkeys(form["officer_ids"]):
        officer = officers.get(user_id)
        if officer is None:
            errors.setdefault("officer_ids", []).append("优秀信息员只能从本部门排名单位的信息员中评选")
            continue
        name = f"reason_officer_{user_id}"
        reason = _reason(raw, name, errors)
        if not reason and name not in errors:
            errors[name] = [f"请填写{officer.name}的评选理由"]
        entries.append({"kind": "officer", "unit_id": officer.unit_id, "user_id": officer.id, "reason": reason})
    if not entries and not errors:
        errors["unit_ids"] = ["请至少评选一个先进单位或一名优秀信息员"]
    if errors:
        raise FormInvalid(errors)
    return entries


def _reason(raw, name, errors):
    text = str(raw.get(name) or "").strip()
    if len(text) > 500:
        errors[name] = ["评选理由不超过500字"]
    elif any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
        errors[name] = ["评选理由含有不可见的控制字符"]
    return text


def publish_awards(office, year, user):
    """Freeze the saved awards with the year's ranking as it stands, and tell every ranked unit."""
    _keeper(office, user)
    award = award_for(office, year)
    if award is None:
        raise TaskConflict(f"{year}年度尚未保存评选结果，请先保存再发布。")
    if award.published_dt is not None:
        raise TaskConflict(f"{year}年度评选结果已经发布，不能重复发布。")
    ranking = queries.year_ranking(office, year)
    vetoed = [row.unit.name for row in ranking.rows if row.veto and any(
        e["kind"] == "unit" and e["unit_id"] == row.unit.id for e in award.entries)]
    if vetoed:  # a 瞒报 recorded after the list was saved
        raise TaskConflict(f"{'、'.join(vetoed)}本年度有瞒报，一票否决，不能评为先进单位；请修改评选结果后再发布。")
    award.rows = {"columns": AWARD_COLUMNS, "rows": award_rows(award, ranking)}
    award.published_by_id, award.published_dt = user.id, clock.now()
    db.session.flush()
    title = awards_title(office, year)
    link = path_for("scoring.awards_page", year=year, office=office.id)
    for row in ranking.rows:
        for role in AWARD_ROLES:
            notices.send(title, unit_id=row.unit.id, role=role, link=link, body="年度信息工作先进评选结果已发布。")
    audit.record("scoring.awards.publish", summary=f"发布{title}", target_type="annual_award",
                 target_id=str(award.id), user=user)
    hooks.announce("circular.published", kind="scoring_awards", object_id=award.id, title=title, unit_id=office.id,
                   secrecy=0, link=link)
    return award


def awards_title(office, year):
    return f"{office.name}{year}年度信息工作先进单位和优秀信息员名单"


def award_state(award):
    """The line under the title, the same on the page and in the PDF."""
    if award.published_dt is not None:
        return (f"{award.office.name}发布（已冻结）：{award.published_by.name}，"
                f"{award.published_dt.astimezone(clock.LOCAL_TZ):%Y-%m-%d %H:%M}")
    return (f"未发布的评选结果：{award.saved_by.name}保存于{award.saved_dt.astimezone(clock.LOCAL_TZ):%Y-%m-%d %H:%M}，"
            "名次和得分为当前年度排名")
