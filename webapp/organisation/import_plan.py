"""Checking an organisation file against the database (the dry run) and applying it in bulk, all or nothing.

Both steps read each lookup set once (units, users, role grants) and never query per row; the apply writes
with executemany inserts and primary-key updates, so 20,000 users take seconds, not minutes.
"""
import re
import secrets
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select, update
from werkzeug.security import generate_password_hash

from webapp import audit
from webapp.auth.models import UNIT_KINDS, Unit, User, UserRole
from webapp.core.roles import ADMIN_ROLES, ROLES, SECRECY_LEVELS, role_code
from webapp.engine.models import HumanTask
from webapp.extensions import db

NEW, UPDATED, SAME = "新增", "更新", "无变化"
CLEARANCE_BY_LABEL = {label: level for level, label in SECRECY_LEVELS.items()}
KIND_BY_LABEL = {label: kind for kind, label in UNIT_KINDS.items()}
ROLE_SPLIT = re.compile(r"[、,，;；\s]+")
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
PASSWORD_LENGTH = 14  # about 80 random bits
# A temporary password is long and random, so guessing it from its hash is hopeless however fast the hash is;
# a light hash keeps 20,000 of them within seconds (the user chooses a real password afterwards).
TEMPORARY_HASH = "pbkdf2:sha256:1000"
CHUNK = 5000  # ids per IN (...) list: far under SQLite's and PostgreSQL's parameter limits
MESSAGES = {
    "clearance": "密级须由安全保密管理员设置",
    "admin_role": "管理员角色须由安全保密管理员授予",
    "secadmin_only": "安全保密管理员只能修改已有用户的密级和角色",
    "units_admin": "单位须由系统管理员维护",
}


@dataclass
class Plan:
    """What an import would do: every row with its action (新增/更新/无变化), its changes and its problems."""

    units: list
    users: list
    unit_actions: dict = field(default_factory=dict)   # row number -> (action, changed columns)
    user_actions: dict = field(default_factory=dict)

    @property
    def problem_rows(self):
        return [(sheet, row) for sheet, rows in (("单位", self.units), ("用户", self.users))
                for row in rows if row.problems]

    @property
    def ok(self):
        return not self.problem_rows

    def count(self, sheet, action):
        actions = self.unit_actions if sheet == "单位" else self.user_actions
        return sum(1 for a, _ in actions.values() if a == action)

    def changes(self):
        """The rows that would create or update something, per sheet."""
        return [(sheet, row, *actions[row.number])
                for sheet, rows, actions in (("单位", self.units, self.unit_actions),
                                              ("用户", self.users, self.user_actions))
                for row in rows if not row.problems and actions[row.number][0] != SAME]


def _split_roles(text):
    return [part for part in ROLE_SPLIT.split(text) if part]


def check(sheets, importer):
    """The dry run: each row's problems and action against the database as it is now; nothing is written."""
    plan = Plan(sheets.units, sheets.users)
    is_secadmin = importer.has_role("secadmin") and not importer.has_role("admin")
    units = {code: (uid, name, kind, function, parent_id) for uid, code, name, kind, function, parent_id in
             db.session.execute(select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.function, Unit.parent_id))}
    code_of = {values[0]: code for code, values in units.items()}
    _check_units(plan, units, code_of, is_secadmin)
    _check_users(plan, units, set(plan_unit_codes(plan)), importer, is_secadmin)
    return plan


def plan_unit_codes(plan):
    return [row["单位编码"] for row in plan.units if row["单位编码"]]


def _check_units(plan, units, code_of, is_secadmin):
    first = {}
    parents = {code: code_of.get(values[4]) for code, values in units.items()}  # code -> parent code, as is
    file_codes = set(plan_unit_codes(plan))
    for row in plan.units:
        code, name, parent = row["单位编码"], row["单位名称"], row["上级单位编码"]
        for column in ("单位编码", "单位名称", "类型"):
            if not row[column]:
                row.problems.append(f"{column}不能为空")
        if code in first:
            row.problems.append(f"单位编码与第 {first[code]} 行重复")
        elif code:
            first[code] = row.number
        kind = row["类型"] if row["类型"] in UNIT_KINDS else KIND_BY_LABEL.get(row["类型"])
        if row["类型"] and kind is None:
            row.problems.append(f"类型“{row['类型']}”无效（可填：{'、'.join(UNIT_KINDS.values())}）")
        if parent and parent == code:
            row.problems.append("上级单位不能是本单位")
        elif parent and parent not in units and parent not in file_codes:
            row.problems.append(f"上级单位编码“{parent}”不存在")
        if code:
            parents[code] = parent or None
        row.cells["_kind"] = kind
        current = units.get(code)
        if current is None:
            plan.unit_actions[row.number] = (NEW, [])
        else:
            before = {"单位名称": current[1], "类型": current[2], "职能": current[3] or "",
                      "上级单位编码": code_of.get(current[4]) or ""}
            after = {"单位名称": name, "类型": kind, "职能": row["职能"], "上级单位编码": parent}
            changed = [c for c in before if before[c] != after[c]]
            plan.unit_actions[row.number] = (UPDATED if changed else SAME, changed)
        if is_secadmin and plan.unit_actions[row.number][0] != SAME:
            row.problems.append(MESSAGES["units_admin"])
    for row in plan.units:
        if row["单位编码"] and _in_cycle(row["单位编码"], parents):
            row.problems.append("上级单位构成循环")


def _in_cycle(code, parents):
    seen, current = set(), parents.get(code)
    while current is not None and current not in seen:
        if current == code:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def _check_users(plan, units, file_unit_codes, importer, is_secadmin):
    users = {username: (uid, name, unit_id, clearance, mobile or "", email or "") for
             uid, username, name, unit_id, clearance, mobile, email in
             db.session.execute(select(User.id, User.username, User.name, User.unit_id, User.clearance,
                                       User.mobile, User.email))}
    folded = {username.casefold(): username for username in users}
    roles = {}
    for user_id, role in db.session.execute(select(UserRole.user_id, UserRole.role)):
        roles.setdefault(user_id, set()).add(role)
    unit_code_of = {values[0]: code for code, values in units.items()}
    # People holding open steps move through 用户管理, which hands their work over (docs/administration.md).
    holding = dict(db.session.execute(select(HumanTask.assignee_id, func.count(HumanTask.id))
                                      .where(HumanTask.state == "open", HumanTask.assignee_id.isnot(None))
                                      .group_by(HumanTask.assignee_id)).all())
    first = {}
    for row in plan.users:
        username, unit = row["用户名"], row["单位编码"]
        for column in ("用户名", "姓名", "单位编码"):
            if not row[column]:
                row.problems.append(f"{column}不能为空")
        if username in first:
            row.problems.append(f"用户名与第 {first[username]} 行重复")
        elif username:
            first[username] = row.number
            twin = folded.get(username.casefold())
            if twin is not None and twin != username:
                row.problems.append(f"用户名与已有用户“{twin}”仅大小写不同")
        if unit and unit not in units and unit not in file_unit_codes:
            row.problems.append(f"单位编码“{unit}”不存在")
        codes = []
        for part in _split_roles(row["角色"]):
            code = role_code(part)
            if code is None:
                row.problems.append(f"未知角色“{part}”")
            else:
                codes.append(code)
        if len(set(codes) & set(ADMIN_ROLES)) > 1:
            row.problems.append("系统管理员、安全保密管理员、安全审计员不得兼任")
        clearance = None
        if row["密级"]:
            clearance = CLEARANCE_BY_LABEL.get(row["密级"])
            if clearance is None:
                row.problems.append(f"密级“{row['密级']}”无效（可填：{'、'.join(SECRECY_LEVELS.values())}）")
        row.cells["_roles"] = set(codes) if row["角色"] else None  # None: an existing user's roles stay
        row.cells["_clearance"] = clearance
        current = users.get(username)
        old_roles = roles.get(current[0], set()) if current else set()
        _user_action(plan, row, current, old_roles, unit_code_of)
        if current and "单位编码" in plan.user_actions[row.number][1] and holding.get(current[0]):
            row.problems.append(f"该用户有 {holding[current[0]]} 项经办中的待办，"
                                "调动单位请在用户管理中办理（待办随之移交）")
        _user_rights(row, current, old_roles, importer, is_secadmin, plan.user_actions[row.number][1])


def _user_action(plan, row, current, old_roles, unit_code_of):
    if current is None:
        plan.user_actions[row.number] = (NEW, [])
        return
    _, name, unit_id, clearance, mobile, email = current
    changed = [column for column, old, new in (
        ("姓名", name, row["姓名"]), ("单位编码", unit_code_of.get(unit_id), row["单位编码"]),
        ("角色", old_roles, row.cells["_roles"]), ("密级", clearance, row.cells["_clearance"]),
        ("手机", mobile, row["手机"]), ("邮箱", email, row["邮箱"]),
    ) if new not in (None, "") and new != old]
    plan.user_actions[row.number] = (UPDATED if changed else SAME, changed)


def _user_rights(row, current, old_roles, importer, is_secadmin, changed):
    """三员分立: the 系统管理员 may not set clearances nor grant the administrators' roles; the 安全保密管理员
    may change only those two columns of existing users, and never their own roles."""
    new_roles = row.cells["_roles"]
    if is_secadmin:
        if current is None or set(changed) - {"密级", "角色"}:
            row.problems.append(MESSAGES["secadmin_only"])
        elif "角色" in changed and row["用户名"] == importer.username:
            row.problems.append("不能修改自己的角色")
        return
    if current is None:
        if (row.cells["_clearance"] or 0) > 0:
            row.problems.append(MESSAGES["clearance"])
        if new_roles and new_roles & set(ADMIN_ROLES):
            row.problems.append(MESSAGES["admin_role"])
        return
    if "密级" in changed:
        row.problems.append(MESSAGES["clearance"])
    if new_roles is not None and (new_roles ^ old_roles) & set(ADMIN_ROLES):
        row.problems.append(MESSAGES["admin_role"])


# --- applying ----------------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    counts: dict
    passwords: list  # (username, name, temporary password) of each new user: shown once, never stored


def temporary_password():
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def apply(plan, importer, sha256, filename):
    """Write a problem-free plan: new units and users inserted, changed ones updated; the caller commits.

    Records one audit entry for the import and one per user whose clearance or roles it changed.
    """
    if not plan.ok:
        raise ValueError("a plan with problems is never applied")
    _apply_units(plan, importer)
    unit_ids = dict(db.session.execute(select(Unit.code, Unit.id)).all())
    passwords, changed_rights = _apply_users(plan, unit_ids)
    counts = {"units_new": plan.count("单位", NEW), "units_updated": plan.count("单位", UPDATED),
              "users_new": plan.count("用户", NEW), "users_updated": plan.count("用户", UPDATED)}
    audit.record("organisation.import", user=importer, target_type="import", target_id=sha256[:16],
                 summary=(f"批量导入组织机构：新增单位 {counts['units_new']} 个、更新 {counts['units_updated']} 个，"
                          f"新增用户 {counts['users_new']} 个、更新 {counts['users_updated']} 个"),
                 detail={**counts, "sha256": sha256, "filename": filename})
    for username, user_id, columns, row in changed_rights:
        audit.record("user.rights", user=importer, target_type="user", target_id=user_id,
                     summary=f"批量导入修改用户 {username} 的{'、'.join(columns)}",
                     detail={"username": username, "columns": columns, "clearance": row.cells["_clearance"],
                             "roles": sorted(row.cells["_roles"] or [])})
    db.session.expire_all()  # objects loaded before (the importer too) read the new rows
    return Outcome(counts, passwords)


def _apply_units(plan, actor):
    rows = [r for r in plan.units if plan.unit_actions[r.number][0] != SAME]
    new = [r for r in rows if plan.unit_actions[r.number][0] == NEW]
    if new:
        db.session.execute(insert(Unit), [{"code": r["单位编码"], "name": r["单位名称"], "kind": r.cells["_kind"],
                                           "function": r["职能"] or None, "parent_id": None} for r in new])
    if not rows:
        return
    ids = dict(db.session.execute(select(Unit.code, Unit.id)).all())
    touched = [ids[r["单位编码"]] for r in rows]
    old_names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(touched))).all())
    renamed = [(ids[r["单位编码"]], old_names[ids[r["单位编码"]]], r["单位名称"]) for r in rows
               if plan.unit_actions[r.number][0] != NEW and old_names[ids[r["单位编码"]]] != r["单位名称"]]
    db.session.execute(update(Unit), [
        {"id": ids[r["单位编码"]], "name": r["单位名称"], "kind": r.cells["_kind"], "function": r["职能"] or None,
         "parent_id": ids[r["上级单位编码"]] if r["上级单位编码"] else None} for r in rows])
    from .operations import record_renames  # the unit pages' name history: reports of the past keep old names

    record_renames(actor, renamed)


def _apply_users(plan, unit_ids):
    new_rows, updated_rows = [], []
    for row in plan.users:
        action = plan.user_actions[row.number][0]
        if action == NEW:
            new_rows.append(row)
        elif action == UPDATED:
            updated_rows.append(row)
    passwords = [(r["用户名"], r["姓名"], temporary_password()) for r in new_rows]
    if new_rows:
        db.session.execute(insert(User), [
            {"username": r["用户名"], "name": r["姓名"], "unit_id": unit_ids[r["单位编码"]],
             "clearance": r.cells["_clearance"] or 0, "is_active_user": True, "session_version": 0,
             "must_change_password": True,
             "mobile": r["手机"] or None, "email": r["邮箱"] or None,
             "password_hash": generate_password_hash(password, method=TEMPORARY_HASH)}
            for r, (_, _, password) in zip(new_rows, passwords, strict=True)])
    user_ids = dict(db.session.execute(select(User.username, User.id)).all())
    if updated_rows:
        db.session.execute(update(User), [_user_update(r, user_ids, unit_ids) for r in updated_rows])
    regranted = [r for r in updated_rows if "角色" in plan.user_actions[r.number][1]]
    ids = [user_ids[r["用户名"]] for r in regranted]
    for start in range(0, len(ids), CHUNK):
        db.session.execute(delete(UserRole).where(UserRole.user_id.in_(ids[start:start + CHUNK])))
    grants = [{"user_id": user_ids[r["用户名"]], "role": code}
              for r in [*new_rows, *regranted] for code in sorted(r.cells["_roles"] or ()) if code in ROLES]
    if grants:
        db.session.execute(insert(UserRole), grants)
    changed_rights = [(r["用户名"], user_ids[r["用户名"]], columns, r) for r in updated_rows
                      if (columns := [c for c in plan.user_actions[r.number][1] if c in ("密级", "角色")])]
    return passwords, changed_rights


def _user_update(row, user_ids, unit_ids):
    values = {"id": user_ids[row["用户名"]], "name": row["姓名"], "unit_id": unit_ids[row["单位编码"]]}
    if row.cells["_clearance"] is not None:
        values["clearance"] = row.cells["_clearance"]
    if row["手机"]:
        values["mobile"] = row["手机"]
    if row["邮箱"]:
        values["email"] = row["邮箱"]
    return values
