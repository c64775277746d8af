"""系统管理 → 单位 / 用户 (the 系统管理员) and 授权与密级 / 账号解锁 (the 安全保密管理员), under /admin."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from webapp import idempotency
from webapp.auth.models import Unit, User
from webapp.core import forms
from webapp.core.access import role_required
from webapp.core.errors import FormInvalid, NotFound
from webapp.core.roles import ADMIN_ROLES, ROLES, SECRECY_LEVELS
from webapp.extensions import db
from webapp.inputs.bodies import form_values

from . import (
    models,  # noqa: F401  (the table joins the metadata)
    operations,
    queries,
)
from .schemas import (
    BUSINESS_ROLES,
    UNIT_FUNCTIONS,
    DeactivateUserSchema,
    DirectReportSchema,
    EditUserSchema,
    GrantSchema,
    MoveUnitSchema,
    NewUnitSchema,
    NewUserSchema,
    RenameUnitSchema,
    UserSearchSchema,
)

bp = Blueprint("organisation", __name__)


def _load(schema_cls):
    """The posted form through `schema_cls` (ticked boxes of one name arrive as a list); FormInvalid by field."""
    return forms.load(schema_cls, form_values(request.form))


def _get(model, ident):
    found = db.session.get(model, ident)
    if found is None:
        raise NotFound("对象不存在。")
    return found


def _me():
    return current_user._get_current_object()


# --- units (系统管理员) ------------------------------------------------------------------------------------------

def _units_page(errors=None, values=None, status=200):
    from webapp.auth.models import UNIT_KINDS

    return render_template("organisation/units.html", tree=queries.unit_tree(), units=queries.active_units(),
                           kinds=UNIT_KINDS, functions=UNIT_FUNCTIONS, errors=errors or {}, values=values or {},
                           open_steps=queries.open_step_count), status


@bp.route("/units")
@role_required("admin")
def units():
    return _units_page()


@bp.route("/units/new", methods=["POST"])
@role_required("admin")
def new_unit():
    try:
        idempotency.claim()
        unit = operations.create_unit(_me(), _load(NewUnitSchema))
    except FormInvalid as exc:
        db.session.rollback()
        return _units_page(exc.fields, request.form, exc.status)
    target = url_for("organisation.unit", unit_id=unit.id)
    idempotency.remember(target)
    db.session.commit()
    flash(f"已新增单位 {unit.name}。")
    return redirect(target)


@bp.route("/units/<int:unit_id>")
@role_required("admin")
def unit(unit_id, errors=None, status=200):
    found = _get(Unit, unit_id)
    return render_template("organisation/unit.html", unit=found, units=queries.active_units(),
                           direct_choices=queries.direct_report_choices(found),
                           history=queries.name_history(unit_id), open_steps=queries.open_step_count(unit_id),
                           errors=errors or {}), status


def _unit_change(unit_id, change, done):
    found = _get(Unit, unit_id)
    try:
        change(found)
    except FormInvalid as exc:
        db.session.rollback()
        return unit(unit_id, exc.fields, exc.status)
    db.session.commit()
    flash(done)
    return redirect(url_for("organisation.unit", unit_id=unit_id))


@bp.route("/units/<int:unit_id>/rename", methods=["POST"])
@role_required("admin")
def rename_unit(unit_id):
    return _unit_change(unit_id, lambda u: operations.rename_unit(_me(), u, _load(RenameUnitSchema)["name"]),
                        "已更名，原名称保留在名称历史中。")


@bp.route("/units/<int:unit_id>/move", methods=["POST"])
@role_required("admin")
def move_unit(unit_id):
    return _unit_change(unit_id, lambda u: operations.move_unit(_me(), u, _load(MoveUnitSchema)["parent_id"]),
                        "已调整上级单位。")


@bp.route("/units/<int:unit_id>/direct-report", methods=["POST"])
@role_required("admin")
def direct_report(unit_id):
    def change(u):
        operations.set_direct_report(_me(), u, _load(DirectReportSchema)["direct_report_unit_id"])
    return _unit_change(unit_id, change, "已设置直报单位。")


@bp.route("/units/<int:unit_id>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate_unit(unit_id):
    return _unit_change(unit_id, lambda u: operations.deactivate_unit(_me(), u), "已停用该单位。")


# --- users (系统管理员; the list is the 安全保密管理员's too) ------------------------------------------------------

@bp.route("/users")
@role_required("admin", "secadmin")
def users():
    try:
        args = UserSearchSchema().load(request.args.to_dict())
    except ValidationError as exc:
        args, errors = {"q": "", "unit_id": None, "page": 1}, exc.normalized_messages()
    else:
        errors = {}
    page = queries.search_users(args["q"], args["unit_id"], args["page"])
    query = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("organisation/users.html", page=page, args=args, query=query, errors=errors,
                           units=queries.active_units()), 422 if errors else 200


def _new_user_page(errors=None, values=None, status=200):
    return render_template("organisation/user_new.html", units=queries.active_units(), roles=BUSINESS_ROLES,
                           errors=errors or {}, values=values or {}), status


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def new_user():
    if request.method == "GET":
        return _new_user_page()
    try:
        idempotency.claim()
        user, password = operations.create_user(_me(), _load(NewUserSchema))
    except FormInvalid as exc:
        db.session.rollback()
        return _new_user_page(exc.fields, request.form, exc.status)
    idempotency.remember(url_for("organisation.user", user_id=user.id))
    db.session.commit()
    # Shown on this answer only: a repeat of the post is sent to the user's page, which never shows it.
    return render_template("organisation/temporary_password.html", user=user, password=password, created=True)


def _user_page(user, errors=None, values=None, status=200, moving_to=None):
    claimed, named = queries.open_work(user, keep_unit_id=moving_to)
    return render_template("organisation/user.html", user=user, units=queries.active_units(), roles=BUSINESS_ROLES,
                           claimed=claimed, named=named, candidates=queries.successor_candidates(user, named),
                           is_admin_account=bool(user.roles & set(ADMIN_ROLES)), errors=errors or {},
                           values=values or {}), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user(user_id):
    found = _get(User, user_id)
    if request.method == "GET":
        return _user_page(found)
    try:
        handed = operations.update_user(_me(), found, _load(EditUserSchema))
    except FormInvalid as exc:
        db.session.rollback()
        moving_to = request.form.get("unit_id", type=int)
        return _user_page(found, exc.fields, request.form, exc.status, moving_to=moving_to)
    db.session.commit()
    flash("已保存。" + _handed_note(handed))
    return redirect(url_for("organisation.user", user_id=user_id))


def _handed_note(handed):
    if not handed or not (handed["released"] or handed["handed"]):
        return ""
    return f"{len(handed['released'])} 个已签收待办退回组内，{len(handed['handed'])} 个指定待办已交给接替人。"


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate_user(user_id):
    found = _get(User, user_id)
    try:
        handed = operations.deactivate_user(_me(), found, _load(DeactivateUserSchema)["successor_id"])
    except FormInvalid as exc:
        db.session.rollback()
        return _user_page(found, exc.fields, request.form, exc.status)
    db.session.commit()
    flash("已停用该用户。" + _handed_note(handed))
    return redirect(url_for("organisation.user", user_id=user_id))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@role_required("admin")
def reset_password(user_id):
    found = _get(User, user_id)
    password = operations.reset_password(_me(), found)
    db.session.commit()
    return render_template("organisation/temporary_password.html", user=found, password=password, created=False)


# --- the 安全保密管理员 ------------------------------------------------------------------------------------------

def _grant_page(user, errors=None, values=None, status=200):
    return render_template("organisation/grant.html", user=user, roles=ROLES, admin_roles=ADMIN_ROLES,
                           levels=SECRECY_LEVELS, errors=errors or {}, values=values), status


@bp.route("/security/users/<int:user_id>", methods=["GET", "POST"])
@role_required("secadmin")
def grant(user_id):
    found = _get(User, user_id)
    if request.method == "GET":
        return _grant_page(found)
    try:
        values = _load(GrantSchema)
        operations.grant(_me(), found, values["roles"], values["clearance"])
    except FormInvalid as exc:
        db.session.rollback()
        return _grant_page(found, exc.fields, request.form, exc.status)
    db.session.commit()
    flash("已保存授权和密级。")
    return redirect(url_for("organisation.grant", user_id=user_id))


@bp.route("/security/locks")
@role_required("secadmin")
def locks():
    return render_template("organisation/locks.html", locks=queries.locked_accounts())


@bp.route("/security/locks/<username>/unlock", methods=["POST"])
@role_required("secadmin")
def unlock(username):
    operations.unlock(_me(), username)
    db.session.commit()
    flash(f"已解除账号 {username} 的登录锁定。")
    return redirect(url_for("organisation.locks"))
