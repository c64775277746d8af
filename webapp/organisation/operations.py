"""Changing the organisation: units, accounts, role grants and clearances, and handing a person's work over.

三员分立 is checked here, not only on the pages: the 系统管理员 keeps units and accounts but neither clearances nor
the three administrator roles; the 安全保密管理员 grants roles and clearances and unlocks accounts; nobody changes
their own account's roles or clearance. Every change is recorded in the audit log. Operations only flush.
"""
import secrets
import string
from datetime import UTC, datetime

from sqlalchemy import select

from webapp import audit, engine
from webapp.auth.models import LoginThrottle, Unit, User
from webapp.auth.operations import end_all_sessions
from webapp.core import clock, hooks
from webapp.core.errors import FormInvalid, NotAllowed, NotFound
from webapp.core.roles import ADMIN_ROLES, ROLES, SECRECY_LEVELS
from webapp.engine import record_event
from webapp.engine.models import HumanTask
from webapp.extensions import db

from . import queries
from .excel import export_file
from .models import UnitName

TEMP_PASSWORD_LENGTH = 12
_TEMP_ALPHABET = string.ascii_letters + string.digits
SINCE_EVER = datetime(2000, 1, 1, tzinfo=UTC)  # from when a unit's name before any rename counts


def _require(actor, role):
    if not actor.has_role(role):
        raise NotAllowed("您没有执行此操作的权限。")


def _invalid(field, message):
    return FormInvalid({field: [message]})


def _unit(unit_id, field="unit_id"):
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None or not unit.is_active_unit:
        raise _invalid(field, "请选择有效的单位")
    return unit


# --- units -------------------------------------------------------------------------------------------------------

def _name_row(unit, actor):
    """Close the unit's current name row and open one for its name now."""
    now = clock.now()
    db.session.query(UnitName).filter_by(unit_id=unit.id, valid_to_dt=None).update({"valid_to_dt": now})
    db.session.add(UnitName(unit_id=unit.id, name=unit.name, valid_from_dt=now, changed_by_id=actor.id))


def record_renames(actor, renamed):
    """Name history of renamed units: [(unit_id, old name, new name)]. A unit from before the history existed
    keeps its first name as valid since forever."""
    now = clock.now()
    for unit_id, old, new in renamed:
        if not db.session.query(UnitName.id).filter_by(unit_id=unit_id).first():
            db.session.add(UnitName(unit_id=unit_id, name=old, valid_from_dt=SINCE_EVER))
        db.session.query(UnitName).filter_by(unit_id=unit_id, valid_to_dt=None).update({"valid_to_dt": now})
        db.session.add(UnitName(unit_id=unit_id, name=new, valid_from_dt=now, changed_by_id=actor.id))
    db.session.flush()


def create_unit(actor, values):
    _require(actor, "admin")
    code, name = values["code"].strip(), values["name"].strip()
    if db.session.query(Unit.id).filter_by(code=code).first():
        raise _invalid("code", "该单位代码已存在")
    parent = _unit(values["parent_id"], "parent_id") if values.get("parent_id") else None
    if values["kind"] == "office" and parent is None:
        raise _invalid("parent_id", "内设机构须有上级单位")
    unit = Unit(code=code, name=name, kind=values["kind"], parent=parent,
                function=values.get("function") if values["kind"] == "office" else None)
    db.session.add(unit)
    db.session.flush()
    _name_row(unit, actor)
    audit.record("admin.unit.create", summary=f"新增单位 {name}（{code}）", target_type="unit", target_id=unit.id,
                 detail={"code": code, "parent": parent.name if parent else None})
    return unit


def rename_unit(actor, unit, name):
    _require(actor, "admin")
    name, old = name.strip(), unit.name
    if name == old:
        return unit
    unit.name = name
    record_renames(actor, [(unit.id, old, name)])
    audit.record("admin.unit.rename", summary=f"单位更名：{old} → {name}", target_type="unit", target_id=unit.id,
                 detail={"from": old, "to": name})
    return unit


def move_unit(actor, unit, parent_id):
    _require(actor, "admin")
    parent = _unit(parent_id, "parent_id")
    if parent.id in queries.descendant_ids(unit):
        raise _invalid("parent_id", "不能把单位移到它自己或它的下级单位之下")
    old = unit.parent.name if unit.parent else "（无）"
    unit.parent = parent
    db.session.flush()
    audit.record("admin.unit.move", summary=f"单位 {unit.name} 的上级由 {old} 改为 {parent.name}", target_type="unit",
                 target_id=unit.id, detail={"from": old, "to": parent.name})
    return unit


def set_direct_report(actor, unit, target_id):
    """Make the unit a 直报点 of a higher information office (`target_id`), or none (None)."""
    _require(actor, "admin")
    target = db.session.get(Unit, target_id) if target_id is not None else None
    if target_id is not None and (unit.kind == "office" or target not in queries.direct_report_choices(unit)):
        raise _invalid("direct_report_unit_id", "直报单位应为本单位上级单位以上的信息部门")
    old = unit.direct_report_unit.name if unit.direct_report_unit else "（无）"
    unit.direct_report_unit = target
    db.session.flush()
    new = target.name if target else "（无）"
    audit.record("admin.unit.direct_report", summary=f"单位 {unit.name} 的直报单位由 {old} 改为 {new}",
                 target_type="unit", target_id=unit.id, detail={"from": old, "to": new})
    return unit


def deactivate_unit(actor, unit):
    _require(actor, "admin")
    open_steps = queries.open_step_count(unit.id)
    if open_steps:
        raise _invalid("deactivate", f"{unit.name} 还有 {open_steps} 个未办结的待办环节，请先办结或移交后再停用。")
    if any(child.is_active_unit for child in unit.children):
        raise _invalid("deactivate", f"{unit.name} 还有未停用的下级单位，请先停用或移走下级单位。")
    if db.session.query(User.id).filter_by(unit_id=unit.id, is_active_user=True).first():
        raise _invalid("deactivate", f"{unit.name} 还有在用的账号，请先调走或停用这些人员（其待办随之移交）。")
    unit.is_active_unit = False
    db.session.flush()
    audit.record("admin.unit.deactivate", summary=f"停用单位 {unit.name}", target_type="unit", target_id=unit.id)
    return unit


# --- accounts ----------------------------------------------------------------------------------------------------

def temporary_password():
    return "".join(secrets.choice(_TEMP_ALPHABET) for _ in range(TEMP_PASSWORD_LENGTH))


def _editable_by_admin(actor, user):
    """The 系统管理员 keeps ordinary accounts; the administrators' own accounts are the 安全保密管理员's to grant."""
    _require(actor, "admin")
    if user.roles & set(ADMIN_ROLES):
        raise NotAllowed("三员账号由安全保密管理员管理，系统管理员不能修改。")


def create_user(actor, values):
    """A new account of a unit with business roles, clearance 公开 and a temporary password (returned once)."""
    _require(actor, "admin")
    username = values["username"].strip()
    if db.session.query(User.id).filter_by(username=username).first():
        raise _invalid("username", "该用户名已存在")
    unit = _unit(values["unit_id"])
    password = temporary_password()
    service = bool(values.get("is_service"))
    user = User(username=username, name=values["name"].strip(), unit=unit, clearance=0,
                must_change_password=not service, is_service=service)
    user.set_password(password)  # a service account's is never shown: nobody can sign in with it
    password = None if service else password
    user.roles = values["roles"]
    db.session.add(user)
    db.session.flush()
    kind = "服务账号" if service else "用户"
    audit.record("admin.user.create", summary=f"新增{kind} {user.name}（{username}），单位 {unit.name}",
                 target_type="user", target_id=user.id, detail={"roles": sorted(user.roles), "service": service})
    return user, password


def update_user(actor, user, values):
    """Name, unit and business roles; a move to another unit hands the old unit's steps over first."""
    _editable_by_admin(actor, user)
    unit = _unit(values["unit_id"])
    handed = None
    if unit.id != user.unit_id:
        handed = hand_over(actor, user, values.get("successor_id"), keep_unit_id=unit.id)
    old_unit, old_roles = user.unit.name, sorted(user.roles)
    user.name, user.unit = values["name"].strip(), unit
    user.roles = values["roles"]
    db.session.flush()
    audit.record("admin.user.update", summary=f"修改用户 {user.name}（{user.username}）："
                 f"单位 {old_unit} → {unit.name}，角色 {_labels(old_roles)} → {_labels(user.roles)}",
                 target_type="user", target_id=user.id,
                 detail={"unit": [old_unit, unit.name], "roles": [old_roles, sorted(user.roles)]})
    return handed


def deactivate_user(actor, user, successor_id):
    _editable_by_admin(actor, user)
    handed = hand_over(actor, user, successor_id)
    user.is_active_user = False
    end_all_sessions(user)
    audit.record("admin.user.deactivate", summary=f"停用用户 {user.name}（{user.username}）", target_type="user",
                 target_id=user.id, detail=handed)
    return handed


def reset_password(actor, user):
    """A random temporary password, returned to be shown once; the user must change it at the next login."""
    _editable_by_admin(actor, user)
    if user.is_service:
        raise _invalid("password", "服务账号不能登录，没有密码；请在“服务账号令牌”中为其签发访问令牌")
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    end_all_sessions(user)
    hooks.credentials_reset.send("auth", user=user, actor=actor)
    audit.record("admin.user.reset_password", summary=f"重置用户 {user.name}（{user.username}）的密码",
                 target_type="user", target_id=user.id)
    return password


def _labels(codes):
    return "、".join(ROLES[c] for c in sorted(codes)) or "（无）"


# --- the 安全保密管理员 --------------------------------------------------------------------------------------------

def grant(actor, user, roles, clearance):
    """Set a user's roles (the three administrators' included) and clearance; never one's own."""
    _require(actor, "secadmin")
    if user.id == actor.id:
        raise NotAllowed("不能修改自己的角色和密级。")
    if len(set(roles) & set(ADMIN_ROLES)) > 1:
        raise _invalid("roles", "系统管理员、安全保密管理员、安全审计员三者只能担任其一（三员分立）。")
    if set(roles) & set(ADMIN_ROLES) and set(roles) - set(ADMIN_ROLES):
        raise _invalid("roles", "三员账号不能同时担任业务角色。")
    old_roles, old_clearance = sorted(user.roles), user.clearance
    if set(roles) == set(old_roles) and clearance == old_clearance:
        return user
    user.roles = roles
    user.clearance = clearance
    end_all_sessions(user)  # a session opened under the old grants must not keep them
    db.session.flush()
    audit.record("admin.user.grant", summary=f"授权用户 {user.name}（{user.username}）：角色 {_labels(old_roles)} → "
                 f"{_labels(roles)}，密级 {SECRECY_LEVELS[old_clearance]} → {SECRECY_LEVELS[clearance]}",
                 target_type="user", target_id=user.id,
                 detail={"roles": [old_roles, sorted(roles)], "clearance": [old_clearance, clearance]})
    return user


def unlock(actor, username):
    _require(actor, "secadmin")
    row = db.session.get(LoginThrottle, username)
    if row is None:
        raise NotFound("该账号没有被锁定。")
    db.session.delete(row)
    db.session.flush()
    audit.record("admin.user.unlock", summary=f"解除账号 {username} 的登录锁定", target_type="user",
                 username=None, detail={"username": username})


# --- handing work over -------------------------------------------------------------------------------------------

def hand_over(actor, user, successor_id, keep_unit_id=None):
    """The user's open steps change hands under each instance's lock: claimed ones go back to their group,
    ones assigned by name go to `successor_id`. Drafts stay in the steps. Returns what moved, for the record."""
    claimed, named = queries.open_work(user, keep_unit_id)
    if not claimed and not named:
        return {"released": [], "handed": []}
    successor = db.session.get(User, successor_id) if successor_id else None
    if named and successor is None:
        raise _invalid("successor_id", f"{user.name} 有 {len(named)} 个指定由其办理的待办，请选择接替人。")
    engine.lock_instances(row.instance_id for row in claimed + named)
    ids = [row.id for row in claimed + named]
    rows = (db.session.execute(select(HumanTask).where(HumanTask.id.in_(ids)).execution_options(populate_existing=True))
            .scalars().all())
    released, handed = [], []
    for row in rows:
        if row.state != "open" or row.assignee_id != user.id:
            continue  # acted on meanwhile
        if row.claimed_dt is not None:
            row.assignee_id, row.claimed_dt = None, None
            record_event(row.instance_id, "handover_release", actor, row=row, acting=False,
                         data={"from": user.name, "from_id": user.id})
            released.append(row.id)
            continue
        if not queries.may_take(successor, row):
            raise _invalid("successor_id", f"{successor.name} 不能接办“{row.step_label}”（须为本单位同一岗位、"
                                           "密级相符的在用人员）。")
        row.assignee_id = successor.id
        row.arrival, row.arrival_note, row.arrival_by_id = "transferred", f"人员调整：{user.name} 的工作移交", actor.id
        record_event(row.instance_id, "handover", actor, row=row, acting=False,
                     data={"from": user.name, "from_id": user.id, "to": successor.name, "to_id": successor.id})
        handed.append(row.id)
    db.session.flush()
    audit.record("admin.user.handover", summary=f"移交 {user.name} 的待办：{len(released)} 个退回组内待办，"
                 f"{len(handed)} 个交给{successor.name if successor else '接替人'}", target_type="user",
                 target_id=user.id, detail={"released": released, "handed": handed,
                                            "successor_id": successor.id if successor else None})
    return {"released": released, "handed": handed}


def export_organisation(user):
    """导出 every unit and user to Excel (the workbook's bytes); the export is recorded. The caller commits."""
    audit.record("organisation.export", summary="导出全部单位和用户", target_type="organisation", user=user)
    return export_file()
