"""Checking a ledger file against the ledger and the unit tree (the dry run), and importing it all or nothing."""
import re
from dataclasses import dataclass

from sqlalchemy import select

from webapp import audit
from webapp.auth.models import Unit
from webapp.extensions import db

from . import operations, queries
from .models import KeyTask
from .schemas import parse_milestones

UNIT_SPLIT = re.compile(r"[、,，;；\n]+")
REQUIRED = ("领域", "序号", "重点任务", "责任领导", "牵头单位")


@dataclass
class Plan:
    """What an import would add: every row with its problems; areas in the order they first appear."""

    rows: list

    @property
    def problem_rows(self):
        return [row for row in self.rows if row.problems]

    @property
    def ok(self):
        return bool(self.rows) and not self.problem_rows

    @property
    def areas(self):
        return list(dict.fromkeys(row["领域"] for row in self.rows if row["领域"]))


def _unit_lookup():
    """Units by code and by name; a name two units share is ambiguous (None)."""
    by_code, by_name = {}, {}
    for uid, code, name in db.session.execute(select(Unit.id, Unit.code, Unit.name)):
        by_code[code] = uid
        by_name[name] = None if name in by_name else uid
    return by_code, by_name


def _unit(text, by_code, by_name, column, row):
    if text in by_code:
        return by_code[text]
    if by_name.get(text) is not None:
        return by_name[text]
    row.problems.append(f"{column}“{text}”{'有重名，请填写单位编码' if text in by_name else '不存在'}")
    return None


def check(rows, ledger):
    """The dry run: each row's problems against the ledger and the units as they are now; nothing is written."""
    by_code, by_name = _unit_lookup()
    staffed = queries.staffed_unit_ids()
    taken = {n for (n,) in db.session.query(KeyTask.number).filter_by(ledger_id=ledger.id)}
    first = {}
    for row in rows:
        for column in REQUIRED:
            if not row[column]:
                row.problems.append(f"{column}不能为空")
        number = row["序号"]
        if number in first:
            row.problems.append(f"序号与第 {first[number]} 行重复")
        elif number:
            first[number] = row.number
            if number in taken:
                row.problems.append(f"序号“{number}”已在本台账中使用")
        lead = _unit(row["牵头单位"], by_code, by_name, "牵头单位", row) if row["牵头单位"] else None
        if lead is not None and lead not in staffed:
            row.problems.append(f"牵头单位“{row['牵头单位']}”没有在岗的承办人，无法报送进展")
        cooperating = []
        for part in (p.strip() for p in UNIT_SPLIT.split(row["配合单位"])):
            if part:
                uid = _unit(part, by_code, by_name, "配合单位", row)
                if uid is not None and uid not in cooperating:
                    cooperating.append(uid)
        if lead is not None and lead in cooperating:
            row.problems.append("牵头单位不能同时作为配合单位")
        milestones, problems = parse_milestones(row["节点安排"], ledger.year)
        row.problems.extend(problems)
        row.cells["_values"] = {"area": row["领域"], "number": number, "title": row["重点任务"],
                                "leader_name": row["责任领导"], "lead_unit_id": lead,
                                "cooperating_unit_ids": cooperating, "targets": row["目标任务"],
                                "milestones": row["节点安排"]}
        row.cells["_milestones"] = milestones
    return Plan(rows)


def apply(plan, ledger, importer, sha256, filename):
    """Add every row of a problem-free plan to the ledger; the caller commits (or nothing is written)."""
    if not plan.ok:
        raise ValueError("a plan with problems is never applied")
    areas, staffed = {}, queries.staffed_unit_ids()
    for row in plan.rows:
        operations.add_task(ledger, row.cells["_values"], importer, areas=areas, audited=False, staffed=staffed)
    audit.record("keytasks.import", user=importer, target_type="keytask_ledger", target_id=ledger.id,
                 summary=f"台账“{ledger.title}”导入重点任务 {len(plan.rows)} 项（{len(plan.areas)} 个领域）",
                 detail={"tasks": len(plan.rows), "areas": len(plan.areas), "sha256": sha256, "filename": filename})
    return len(plan.rows)
