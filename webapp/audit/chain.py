"""The hash chain: the canonical text of an entry, its hash, and walking the stored log to check it."""
import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from webapp.core import clock
from webapp.core.formats import local_dt
from webapp.extensions import db

from .models import GENESIS_HASH, AuditEntry, AuditHead

# The fields a hash covers: every stored column but id, prev_hash and hash; request_id only when it is set.
HASHED_FIELDS = ("seq", "event_dt", "user_id", "username", "user_name", "role", "unit_id", "unit_name", "ip",
                 "action", "target_type", "target_id", "summary", "detail")
OPTIONAL_HASHED_FIELDS = ("request_id",)  # added later: absent (NULL) leaves the canonical text as it was
PAGE_SIZE = 2000  # entries read per query while verifying: memory stays bounded however long the log is


def canonical(fields):
    """The hashed text of an entry's fields: sorted keys, no spaces, the time in UTC ISO form."""
    values = {name: fields[name] for name in HASHED_FIELDS}
    values.update({name: fields[name] for name in OPTIONAL_HASHED_FIELDS if fields.get(name) is not None})
    values["event_dt"] = values["event_dt"].isoformat()
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash, fields):
    return hashlib.sha256((prev_hash + canonical(fields)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold: `reason` is changed / missing / link / head."""

    seq: int
    entry_id: int | None
    reason: str
    message: str


@dataclass(frozen=True)
class Overdue:
    """Entries appended more than AUDIT_UNSEALED_ALERT_SECONDS ago and still not sealed (the sealer is not running,
    or something keeps it from sealing): until sealed they are not protected by the chain."""

    count: int
    first_id: int
    first_dt: object
    seconds: float

    @property
    def message(self):
        return (f"{self.count} 条记录写入已超过 {self.seconds:g} 秒仍未封存入哈希链（最早一条 id {self.first_id}，"
                f"写入于 {local_dt(self.first_dt, '%Y-%m-%d %H:%M:%S')}）：请检查封存程序是否在运行")


@dataclass(frozen=True)
class Verification:
    count: int  # sealed entries checked and found intact
    broken: Break | None = None
    unsealed: int = 0  # entries appended and not sealed yet (a recent few are normal)
    overdue: Overdue | None = None

    @property
    def ok(self):
        return self.broken is None and self.overdue is None

    def messages(self):
        """The Chinese lines an operator reads: what is wrong, or that the log is intact."""
        if self.ok:
            pending = f"（另有 {self.unsealed} 条新记录等待封存）" if self.unsealed else ""
            return [f"审计日志完整：{self.count} 条{pending}"]
        lines = []
        if self.broken is not None:
            lines.append(f"审计日志已被破坏：{self.broken.message}（此前 {self.count} 条完整）")
        if self.overdue is not None:
            lines.append(f"审计日志封存滞后：{self.overdue.message}")
        return lines


def verify(page_size=PAGE_SIZE):
    """The first broken entry of the log, or None when the whole chain holds."""
    return _check_chain(page_size).broken


def check(page_size=PAGE_SIZE, alert_seconds=None):
    """Walk the sealed entries in seq order, recompute each hash, follow the links, compare the end with the head;
    then count the entries not sealed yet and name those waiting longer than `alert_seconds`
    (AUDIT_UNSEALED_ALERT_SECONDS).

    The head is read first and entries are walked up to its seq: entries sealed meanwhile are not judged,
    while entries the head does not cover at the end of the walk (a head moved back) are.
    """
    verification = _check_chain(page_size)
    if alert_seconds is None:
        alert_seconds = float(current_app.config["AUDIT_UNSEALED_ALERT_SECONDS"])
    unsealed, overdue = _unsealed(alert_seconds)
    return Verification(verification.count, verification.broken, unsealed, overdue)


def _unsealed(alert_seconds):
    """(how many entries are unsealed, Overdue of those appended before now - alert_seconds or None)."""
    unsealed = AuditEntry.seq.is_(None)
    total = db.session.execute(select(func.count()).where(unsealed)).scalar()
    if not total:
        return 0, None
    cutoff = clock.now() - timedelta(seconds=alert_seconds)
    late = AuditEntry.appended_dt < cutoff
    count = db.session.execute(select(func.count()).where(unsealed, late)).scalar()
    if not count:
        return total, None
    first = db.session.execute(select(AuditEntry.id, AuditEntry.appended_dt).where(unsealed, late)
                               .order_by(AuditEntry.id).limit(1)).one()
    return total, Overdue(count, first.id, first.appended_dt, alert_seconds)


def _check_chain(page_size):
    head = _head()
    expected, prev_hash, last_id = 1, GENESIS_HASH, None
    for row in _entries(head.last_seq if head else None, page_size):
        if row.seq != expected:
            return Verification(expected - 1, Break(
                expected, None, "missing", f"第 {expected} 条记录缺失（其后的记录从第 {row.seq} 条开始）"))
        if chain_hash(row.prev_hash, row._mapping) != row.hash:
            return Verification(expected - 1, Break(
                row.seq, row.id, "changed", f"第 {row.seq} 条记录（id {row.id}）的内容被改动：哈希不符"))
        if row.prev_hash != prev_hash:
            return Verification(expected - 1, Break(
                row.seq, row.id, "link", f"第 {row.seq} 条记录（id {row.id}）与前一条记录的链接断开"))
        prev_hash, expected, last_id = row.hash, expected + 1, row.id
    count = expected - 1
    broken = _check_head(head, count, prev_hash, last_id)
    return Verification(count, broken)


def _check_head(head, count, last_hash, last_id):
    if head is None:
        return Break(count, last_id, "head", "链尾记录（audit_head）缺失") if count else None
    if count < head.last_seq:
        return Break(count + 1, None, "missing",
                     f"第 {count + 1} 条至第 {head.last_seq} 条记录缺失（链尾记录为第 {head.last_seq} 条）")
    if head.last_hash != last_hash:
        return Break(head.last_seq, last_id, "head", f"链尾记录（audit_head）与第 {head.last_seq} 条记录的哈希不符")
    newest = db.session.execute(select(func.max(AuditEntry.seq))).scalar()
    now = _head()  # read after the newest seq: a head that only moves forward can only be ahead of it
    if newest is not None and newest > (now.last_seq if now else 0):
        first = (now.last_seq if now else 0) + 1
        return Break(first, None, "head", f"第 {first} 条起的记录不在链尾记录（audit_head）之内")
    return None


def _head():
    return db.session.execute(select(AuditHead.last_seq, AuditHead.last_hash).where(AuditHead.id == 1)).first()


def _entries(up_to_seq, page_size):
    """Entries in seq order, read page by page (keyset on seq) as plain rows outside the identity map."""
    columns = [AuditEntry.id, AuditEntry.prev_hash, AuditEntry.hash,
               *(getattr(AuditEntry, name) for name in HASHED_FIELDS + OPTIONAL_HASHED_FIELDS)]
    after = None
    while True:
        query = select(*columns).where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq).limit(page_size)
        if after is not None:
            query = query.where(AuditEntry.seq > after)
        if up_to_seq is not None:
            query = query.where(AuditEntry.seq <= up_to_seq)
        rows = db.session.execute(query).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq
