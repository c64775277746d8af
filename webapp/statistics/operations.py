"""Writes of the reports: producing the monthly case tables (month end or on demand) and confirming one."""
import logging

from webapp import months
from webapp.auth.models import Unit
from webapp.core import clock
from webapp.core.errors import NotAllowed, NotFound, TaskConflict
from webapp.core.links import path_for
from webapp.extensions import db
from webapp.notices import operations as notices

from . import queries
from .models import CaseMonthTable

log = logging.getLogger(__name__)
FIGURES = CaseMonthTable.FIGURES


def supervision_offices():
    """Every 督查室 (unit function `supervision`), each collecting its handling units' tables."""
    return db.session.query(Unit).filter(Unit.function == "supervision").order_by(Unit.code).all()


def produce(first, user=None, office=None):
    """Freeze the figures of month `first` into the table of every unit that owes one to a 督查室 (only `office`'s
    when given): a new table, or a new count over one not yet confirmed; a confirmed table is kept as it was.
    Returns (produced, kept confirmed)."""
    if first >= months.this_month():
        raise TaskConflict("本月尚未结束，月报表在月末之后生成。")
    produced, kept = 0, 0
    for each in [office] if office is not None else supervision_offices():
        done, confirmed = _produce_for(each, first, user)
        produced, kept = produced + done, kept + confirmed
    db.session.flush()
    return produced, kept


def _produce_for(office, first, user):
    units = queries.table_units(office)
    figures = queries.month_figures(office, [u.id for u in units], first)
    existing = {t.unit_id: t for t in queries.month_tables(office, first)}
    produced, kept = 0, 0
    for unit in units:
        table = existing.get(unit.id)
        if table is not None and table.confirmed_dt is not None:
            kept += 1
            continue
        new = table is None
        if new:
            table = CaseMonthTable(office_id=office.id, unit_id=unit.id, month=first)
        by_secrecy = figures.get(unit.id, {})
        for name in FIGURES:
            setattr(table, name, sum(part[name] for part in by_secrecy.values()))
        table.secret_figures = {str(level): part for level, part in sorted(by_secrecy.items()) if level > 0}
        table.generated_dt = clock.now()
        table.generated_by_id = user.id if user else None
        if new:
            db.session.add(table)
            notices.send(f"{first:%Y年%m月}领导批示件月报表已生成，请核对确认", unit_id=unit.id, role="handler",
                         link=path_for("statistics.monthly", month=f"{first:%Y-%m}"))
        produced += 1
    return produced, kept


def produce_due():
    """Month end: last month's tables for every 督查室 that has none yet (idempotent); returns how many tables
    were produced."""
    first = months.previous_month(clock.local_today())
    total = 0
    for office in supervision_offices():
        done = db.session.query(CaseMonthTable.id).filter_by(office_id=office.id, month=first).first()
        if done is None:
            total += produce(first, office=office)[0]
    if total:
        log.info("produced %s monthly case tables for %s", total, f"{first:%Y-%m}")
    return total


def confirm(user, table_id, remark=""):
    """The handling unit confirms its table (确认上报); a confirmed table is final."""
    if not user.roles & queries.UNIT_TABLE_ROLES:
        raise NotAllowed("只有承办单位可以确认本单位的月报表。")
    table = db.session.get(CaseMonthTable, table_id)
    if table is None or table.unit_id != user.unit_id:
        raise NotFound("月报表不存在或不是本单位的。")
    first = table.month
    if table.confirmed_dt is not None:
        when = table.confirmed_dt.astimezone(clock.LOCAL_TZ)
        raise TaskConflict(f"本单位{first:%Y年%m月}的月报表已于 {when:%Y-%m-%d %H:%M} 确认，不能修改。")
    table.confirmed_dt = clock.now()
    table.confirmed_by_id = user.id
    table.remark = (remark or "").strip()[:2000]
    db.session.flush()
    return table
