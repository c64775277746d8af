"""Reads of scoring: the version in force, the units an office ranks, their monthly figures, score and rank.

Every figure is one grouped SQL count over projected, indexed rows (info_items, item_instructions,
reporting_faults, emergencies, commission_targets); nothing deserializes a workflow.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased

from webapp.auth.models import Unit
from webapp.commissions.models import Commission, CommissionTarget
from webapp.core import clock
from webapp.core.errors import NotFound
from webapp.emergencies.models import Emergency, ReportingFault
from webapp.extensions import db
from webapp.months import QUARTER_NAMES, local_midnight, months_between, next_month, previous_month
from webapp.reports.models import InfoItem, ItemMerge
from webapp.reports.queries import chain_of, reporting_units
from webapp.workbooks import percent

from .models import Circular, ItemInstruction, ScoringVersion, UnitBonus
from .rules import BONUSES, DEFAULT_RULES, INSTRUCTION_LEVELS, LEVELS, plain_number, points, publications

RANKING_ROLES = {"editor", "leader", "principal"}


@dataclass(frozen=True)
class Version:
    """A version of the scoring table as it applies; id None is the shipped default."""

    id: int | None
    effective_from: date
    rules: dict


DEFAULT_VERSION = Version(None, date(2000, 1, 1), DEFAULT_RULES)


def versions():
    """Saved versions, newest effective first (then newest saved)."""
    return (db.session.query(ScoringVersion)
            .order_by(ScoringVersion.effective_from.desc(), ScoringVersion.id.desc()).all())


def version_on(day):
    """The version in force on local date `day`: the latest saved one effective by then, else the default."""
    row = (db.session.query(ScoringVersion).filter(ScoringVersion.effective_from <= day)
           .order_by(ScoringVersion.effective_from.desc(), ScoringVersion.id.desc()).first())
    return Version(row.id, row.effective_from, row.rules) if row else DEFAULT_VERSION


def periods(first):
    """[(start day, end day, version)] covering the month that begins on `first`, split where a version starts."""
    end = next_month(first)
    starts = [first] + [d for (d,) in db.session.query(ScoringVersion.effective_from)
                        .filter(ScoringVersion.effective_from > first, ScoringVersion.effective_from < end)
                        .distinct().order_by(ScoringVersion.effective_from)]
    bounds = [*starts, end]
    return [(bounds[i], bounds[i + 1], version_on(bounds[i])) for i in range(len(starts))]


# --- who ranks whom ----------------------------------------------------------------------------------------------

def ranking_office(user):
    """The information office whose ranking the user keeps or reads in full: an editor's own office, or the
    info office of the unit a leader heads; None for everyone else."""
    unit = user.unit
    if user.has_role("editor") and unit.function == "info":
        return unit
    if user.roles & {"leader", "principal"} and unit.kind != "office":
        return unit.office("info")
    return None


# --- the month's figures ------------------------------------------------------------------------------------------

@dataclass
class UnitFigures:
    unit: Unit
    submitted: int = 0
    adopted: dict = field(default_factory=dict)        # publication -> items adopted into it
    adopted_above: dict = field(default_factory=dict)  # level (city, province …) -> 转报 items adopted there
    instructions: dict = field(default_factory=dict)   # leader level -> 批示
    problem_adopted: int = 0
    emergencies: int = 0
    late: int = 0
    missed: int = 0
    concealed: int = 0
    commission_missed: int = 0
    merged: list = field(default_factory=list)         # 综合: (kind, publication or level, share in basis points)
    bonus: float = 0.0                                 # the office's recorded bonuses (quarter and year)
    bonuses: dict = field(default_factory=dict)        # bonus key -> times
    score: float = 0.0
    veto: bool = False
    rank: int | None = None

    @property
    def adopted_total(self):
        return sum(self.adopted.values())

    @property
    def instructions_total(self):
        return sum(self.instructions.values())

    @property
    def adoption_rate(self):
        """采用率 = adopted ÷ submitted in the month; None when nothing was submitted."""
        return self.adopted_total / self.submitted if self.submitted else None


@dataclass
class Ranking:
    office: Unit
    month: date     # the first day counted
    rows: list
    versions: list  # the versions that applied, in order
    end: date | None = None  # the first day after
    publications: list = field(default_factory=list)  # the publications with a column, in the office's order
    with_bonuses: bool = False


def _add(target, key, value):
    target[key] = target.get(key, 0) + value


def _period_counts(office, ids, start, end):
    """Counts by unit for [start, end) (local days): {unit_id: UnitFigures-like dict of this period only}."""
    start_dt, end_dt = local_midnight(start), local_midnight(end)
    now = clock.now()
    counts = {uid: {"submitted": 0, "adopted": {}, "adopted_above": {}, "instructions": {}, "problem_adopted": 0,
                    "emergencies": 0, "late": 0, "missed": 0, "concealed": 0, "commission_missed": 0} for uid in ids}

    def by_unit(query):
        return query.filter(InfoItem.unit_id.in_(ids), InfoItem.target_unit_id == office.id)

    submitted = by_unit(db.session.query(InfoItem.unit_id, func.count())
                        .filter(InfoItem.submitted_dt >= start_dt, InfoItem.submitted_dt < end_dt)
                        ).group_by(InfoItem.unit_id)
    for uid, n in submitted:
        counts[uid]["submitted"] = n
    adopted = by_unit(db.session.query(InfoItem.unit_id, InfoItem.publication, InfoItem.problem_report, func.count())
                      .filter(InfoItem.outcome == "adopt", InfoItem.feedback_dt >= start_dt,
                              InfoItem.feedback_dt < end_dt)
                      ).group_by(InfoItem.unit_id, InfoItem.publication, InfoItem.problem_report)
    for uid, publication, problem, n in adopted:
        _add(counts[uid]["adopted"], publication or "", n)
        if problem:
            counts[uid]["problem_adopted"] += n
    instructions = (db.session.query(ItemInstruction.unit_id, ItemInstruction.leader_level, func.count())
                    .join(InfoItem, InfoItem.id == ItemInstruction.item_id)
                    .filter(ItemInstruction.unit_id.in_(ids), InfoItem.target_unit_id == office.id,
                            ItemInstruction.instructed_on >= start, ItemInstruction.instructed_on < end)
                    .group_by(ItemInstruction.unit_id, ItemInstruction.leader_level))
    for uid, level, n in instructions:
        _add(counts[uid]["instructions"], level, n)
    _count_above(office, ids, start, end, counts)
    _merged_credits(office, start, end, counts)
    reported = (db.session.query(Emergency.unit_id, func.count())
                .filter(Emergency.unit_id.in_(ids), Emergency.event_dt >= start_dt, Emergency.event_dt < end_dt)
                .group_by(Emergency.unit_id))
    for uid, n in reported:
        counts[uid]["emergencies"] = n
    # One late emergency is one 迟报, however many levels it reached late.
    late_count = func.count(func.distinct(ReportingFault.emergency_id))
    faults = (db.session.query(ReportingFault.unit_id, ReportingFault.kind, func.count(), late_count)
              .filter(ReportingFault.unit_id.in_(ids), ReportingFault.event_dt >= start_dt,
                      ReportingFault.event_dt < end_dt)
              .group_by(ReportingFault.unit_id, ReportingFault.kind))
    for uid, kind, n, distinct_emergencies in faults:
        counts[uid][kind] = distinct_emergencies if kind == "late" else n
    missed = (db.session.query(CommissionTarget.unit_id, func.count())
              .join(Commission, Commission.id == CommissionTarget.commission_id)
              .filter(Commission.issuing_unit_id == office.id, CommissionTarget.unit_id.in_(ids),
                      Commission.due_dt >= start_dt, Commission.due_dt < end_dt, Commission.due_dt <= now,
                      or_(CommissionTarget.answered_dt.is_(None), CommissionTarget.answered_dt > Commission.due_dt))
              .group_by(CommissionTarget.unit_id))
    for uid, n in missed:
        counts[uid]["commission_missed"] = n
    return counts


def offices_above(office):
    """{office id: level} of every information office above `office` (and the units themselves, where a unit has
    no information office): where the items it ranks may be forwarded or reported to directly."""
    unit = office.parent if office.kind == "office" else office
    above = {}
    upper = unit.parent if unit is not None else None
    while upper is not None:
        level = upper.kind if upper.kind in LEVELS else ("central" if upper.parent is None else None)
        above[upper.id] = level
        if (info := upper.office("info")) is not None:
            above[info.id] = level
        upper = upper.parent
    return above


def _credited(ids, unit_ids):
    """{unit id: the ranked unit of `ids` it is, or lies below} for the chains' first units."""
    ranked, found = set(ids), {}
    for unit_id in unit_ids:
        unit = db.session.get(Unit, unit_id)
        while unit is not None and unit.id not in ranked:
            unit = unit.parent
        if unit is not None:
            found[unit_id] = unit.id
    return found


def _count_above(office, ids, start, end, counts):
    """Adoptions and 批示 at every office above `office` of items whose chain started with a ranked unit or a unit
    below it (转报, 直报): each level's item counts once, in the month it was adopted or instructed."""
    above = offices_above(office)
    if not above:
        return
    start_dt, end_dt = local_midnight(start), local_midnight(end)
    origin = func.coalesce(InfoItem.origin_unit_id, InfoItem.unit_id)
    adopted = (db.session.query(origin, InfoItem.target_unit_id, func.count())
               .filter(InfoItem.target_unit_id.in_(above), InfoItem.outcome == "adopt",
                       InfoItem.feedback_dt >= start_dt, InfoItem.feedback_dt < end_dt)
               .group_by(origin, InfoItem.target_unit_id).all())
    instructed = (db.session.query(origin, ItemInstruction.leader_level, func.count())
                  .join(InfoItem, InfoItem.id == ItemInstruction.item_id)
                  .filter(InfoItem.target_unit_id.in_(above), ItemInstruction.instructed_on >= start,
                          ItemInstruction.instructed_on < end)
                  .group_by(origin, ItemInstruction.leader_level).all())
    credited = _credited(ids, {row[0] for row in (*adopted, *instructed)})
    for unit_id, target_id, n in adopted:
        if unit_id in credited and above[target_id] is not None:
            _add(counts[credited[unit_id]]["adopted_above"], above[target_id], n)
    for unit_id, level, n in instructed:
        if unit_id in credited:
            _add(counts[credited[unit_id]]["instructions"], level, n)


def _merged_credits(office, start, end, counts):
    """综合: each source unit of an item the office combined counts the combined item's adoption (in its month and
    publication) and each 批示 on it as its own, in `counts`; `merged` keeps the share, and `_score` gives only the
    points × the share."""
    start_dt, end_dt = local_midnight(start), local_midnight(end)
    combined = aliased(InfoItem)
    for row in counts.values():
        row.setdefault("merged", [])
    adopted = (db.session.query(ItemMerge.unit_id, combined.publication, ItemMerge.share_bp)
               .join(combined, combined.id == ItemMerge.combined_item_id)
               .filter(ItemMerge.unit_id.in_(list(counts)), combined.target_unit_id == office.id,
                       combined.outcome == "adopt", combined.feedback_dt >= start_dt, combined.feedback_dt < end_dt))
    for uid, publication, share in adopted:
        _add(counts[uid]["adopted"], publication or "", 1)
        counts[uid]["merged"].append(("adoption", publication or "", share))
    instructed = (db.session.query(ItemMerge.unit_id, ItemInstruction.leader_level, ItemMerge.share_bp)
                  .join(combined, combined.id == ItemMerge.combined_item_id)
                  .join(ItemInstruction, ItemInstruction.item_id == ItemMerge.combined_item_id)
                  .filter(ItemMerge.unit_id.in_(list(counts)), combined.target_unit_id == office.id,
                          ItemInstruction.instructed_on >= start, ItemInstruction.instructed_on < end))
    for uid, level, share in instructed:
        _add(counts[uid]["instructions"], level, 1)
        counts[uid]["merged"].append(("instruction", level, share))


def merged_note(merged):
    """The ranking's note on 综合 credits: 综合采用 2 条（占 1/3、1/2）；综合批示 1 件（占 1/3）."""
    parts = []
    for kind, words, unit in (("adoption", "综合采用", "条"), ("instruction", "综合批示", "件")):
        shares = [ItemMerge.share_text(share) for k, _key, share in merged if k == kind]
        if shares:
            parts.append(f"{words} {len(shares)} {unit}（占 {'、'.join(shares)}）")
    return "；".join(parts)


def _score(period, rules, kinds=None):
    kinds = kinds or {}
    total = sum(n * points(rules, "adoption", pub, kinds.get(pub)) for pub, n in period["adopted"].items())
    total += sum(n * points(rules, "forwarded", level) for level, n in period["adopted_above"].items())
    # a 综合 credit counts in full above, its points only by the source's share
    total -= sum((1 - share / ItemMerge.FULL) * points(rules, kind, key, kinds.get(key) if kind == "adoption" else None)
                 for kind, key, share in period["merged"])
    total += sum(n * points(rules, "instruction", level) for level, n in period["instructions"].items())
    total += period["problem_adopted"] * points(rules, "bonus", "problem_report")
    total -= sum(period[kind] * points(rules, "penalty", kind)
                 for kind in ("late", "missed", "concealed", "commission_missed"))
    veto = bool(rules.get("veto_concealed")) and period["concealed"] > 0
    return total, veto


def range_periods(start, end):
    """[(start day, end day, version)] covering every month from `start` (a month's first day) up to `end`."""
    return [period for first in months_between(start, previous_month(end)) for period in periods(first)]


def _bonuses(office, ids, start, end):
    """{unit_id: (points, {bonus key: times})} of the bonuses the office recorded in [start, end), each worth
    what the version in force on its date says."""
    found = {}
    rows = (db.session.query(UnitBonus.unit_id, UnitBonus.bonus_key, UnitBonus.awarded_on)
            .filter(UnitBonus.office_id == office.id, UnitBonus.unit_id.in_(ids),
                    UnitBonus.awarded_on >= start, UnitBonus.awarded_on < end))
    for uid, key, on in rows:
        total, times = found.get(uid, (0, {}))
        _add(times, key, 1)
        found[uid] = (total + points(version_on(on).rules, "bonus", key), times)
    return found


def ranking(office, start, end, with_bonuses=False):
    """Every unit the office ranks over [start, end) (whole months), each month counted with the version(s) in
    force then, with score and rank (a vetoed unit ranks last); `with_bonuses` adds the office's recorded
    bonuses (the quarter's and the year's totals)."""
    units = reporting_units(office)
    figures = {u.id: UnitFigures(u) for u in units}
    scored = publications(office.id)
    kinds = dict(scored)
    used = []
    for period_start, period_end, version in range_periods(start, end):
        if version not in used:
            used.append(version)
        for uid, period in _period_counts(office, list(figures), period_start, period_end).items():
            row = figures[uid]
            row.submitted += period["submitted"]
            for pub, n in period["adopted"].items():
                _add(row.adopted, pub, n)
            for level, n in period["adopted_above"].items():
                _add(row.adopted_above, level, n)
            for level, n in period["instructions"].items():
                _add(row.instructions, level, n)
            for name in ("problem_adopted", "emergencies", "late", "missed", "concealed", "commission_missed"):
                setattr(row, name, getattr(row, name) + period[name])
            row.merged.extend(period["merged"])
            score, veto = _score(period, version.rules, kinds)
            row.score += score
            row.veto = row.veto or veto
    if with_bonuses:
        for uid, (bonus, times) in _bonuses(office, list(figures), start, end).items():
            figures[uid].bonus, figures[uid].bonuses = bonus, times
            figures[uid].score += bonus
    rows = sorted(figures.values(), key=lambda r: (r.veto, -r.score, r.unit.code))
    previous = None
    for position, row in enumerate(rows, start=1):
        row.score = round(row.score, 2)
        if row.veto:
            row.rank = None
            continue
        # Competition ranking: equal scores share a rank, the next rank skips (1, 1, 3).
        row.rank = previous.rank if previous is not None and previous.score == row.score else position
        previous = row
    return Ranking(office, start, rows, used, end=end, publications=[name for name, _kind in scored],
                   with_bonuses=with_bonuses)


def month_ranking(office, first):
    """The month's ranking (no bonuses: they count in the quarter and the year)."""
    return ranking(office, first, next_month(first))


def quarter_ranking(office, year, quarter):
    first = date(year, 3 * quarter - 2, 1)
    return ranking(office, first, date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1),
                   with_bonuses=True)


def year_ranking(office, year):
    return ranking(office, date(year, 1, 1), date(year + 1, 1, 1), with_bonuses=True)


def title_of(office, first):
    """The ranking's and its circular's title."""
    return f"{office.name}{first:%Y年%m月}信息工作情况通报"


def quarter_title(office, year, quarter):
    return f"{office.name}{year}年第{QUARTER_NAMES[quarter]}季度信息工作情况汇总"


def year_title(office, year):
    return f"{office.name}{year}年度信息工作考核排名"


def versions_text(versions):
    """Which scoring versions a month's figures were counted with."""
    return "、".join("系统默认" if v.id is None else f"{v.effective_from:%Y-%m-%d}起生效版" for v in versions)


def columns(ranking):
    """The ranking table's Chinese headers, the same on the page, in Excel and in the PDF."""
    bonus = ["奖励加分"] if ranking.with_bonuses else []
    return ["名次", "单位", "报送", *[f"采用《{p}》" for p in ranking.publications], "采用合计", "采用率", "上级采用",
            "批示", "报忧采用", "紧急信息", "迟报", "漏报", "瞒报", "约稿未报", *bonus, "得分", "备注"]


def table_rows(ranking):
    """Plain cells of each unit's line, in the order of `columns(ranking)`."""
    lines = []
    for row in ranking.rows:
        other = sum(n for pub, n in row.adopted.items() if pub not in ranking.publications)
        notes = ["瞒报，一票否决"] if row.veto else []
        if other:
            notes.append(f"另有{other}条采用于其他刊物")
        if row.merged:
            notes.append(merged_note(row.merged))
        notes += [f"{BONUSES.get(key, key)}{'×' + str(n) if n > 1 else ''}" for key, n in sorted(row.bonuses.items())]
        instructions = "、".join(f"{INSTRUCTION_LEVELS.get(k, k)}{n}" for k, n in sorted(row.instructions.items()))
        above = sum(row.adopted_above.values())
        levels = "、".join(f"{label}{row.adopted_above[k]}" for k, label in LEVELS.items() if row.adopted_above.get(k))
        bonus = [plain_number(round(row.bonus, 2))] if ranking.with_bonuses else []
        lines.append([row.rank if row.rank is not None else "—", row.unit.name, row.submitted,
                      *[row.adopted.get(p, 0) for p in ranking.publications], row.adopted_total,
                      percent(row.adopted_total, row.submitted), above if not levels else f"{above}（{levels}）",
                      row.instructions_total if not instructions else f"{row.instructions_total}（{instructions}）",
                      row.problem_adopted, row.emergencies, row.late, row.missed, row.concealed,
                      row.commission_missed, *bonus, plain_number(row.score), "；".join(notes)])
    return lines


# --- circulars and 批示 -------------------------------------------------------------------------------------------

def circular_for(office, first):
    return db.session.query(Circular).filter_by(issuing_unit_id=office.id, month=first).one_or_none()


def _circular_offices(user):
    """The office the user reports to, and the office they rank for."""
    return {u.id for u in (user.unit.upward_info_unit(), ranking_office(user)) if u is not None}


def circulars_visible(user, limit=24):
    """Published circulars the user may read, newest month first."""
    return (db.session.query(Circular).filter(Circular.issuing_unit_id.in_(_circular_offices(user)))
            .order_by(Circular.month.desc()).limit(limit).all())


def get_circular(user, circular_id):
    circular = db.session.get(Circular, circular_id)
    if circular is None or circular.issuing_unit_id not in _circular_offices(user):
        raise NotFound("通报不存在或您无权查看。")
    return circular


def instructions_of(item):
    return (db.session.query(ItemInstruction).filter_by(item_id=item.id)
            .order_by(ItemInstruction.instructed_on, ItemInstruction.id).all())


def may_record_instruction(user, item):
    """The adopting office's editor records the 批示 an adopted item earned."""
    return item.outcome == "adopt" and user.has_role("editor") and item.target_unit_id == user.unit_id


def item_page(item, user):
    """What an item's page shows of scoring (`hooks.page_extras` of "reports.detail"): its 批示 and the form."""
    chain = chain_of(item, user)
    return {"instructions": instructions_of(item), "may_record_instruction": may_record_instruction(user, item),
            "instruction_levels": INSTRUCTION_LEVELS,
            "chain_instructions": {level.id: instructions_of(level) for level in chain} if len(chain) > 1 else {}}
