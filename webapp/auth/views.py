"""Login and logout."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from marshmallow import ValidationError

from webapp import audit
from webapp.extensions import db, login_manager
from webapp.inputs.urls import local_path

from .models import User
from .schemas import LoginSchema

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(User, int(user_id))


@login_manager.unauthorized_handler
def unauthorized():
    from webapp.errors import respond, wants_json

    if wants_json():
        return respond(401, "请先登录。", "unauthorized")
    return redirect(url_for("auth.login", next=request.full_path))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("inbox.todo"))
    error = None
    if request.method == "POST":
        try:
            form = LoginSchema().load(request.form.to_dict())
        except ValidationError:
            error = "请输入用户名和密码。"
        else:
            user = db.session.query(User).filter_by(username=form["username"]).one_or_none()
            if user is None or not user.check_password(form["password"]) or not user.is_active:
                error = "用户名或密码错误。"
                audit.record("auth.login_failed", summary=f"登录失败：用户名 {form['username']}", user=user,
                             username=form["username"], detail={"username": form["username"]})
                db.session.commit()
            else:
                login_user(user)
                audit.record("auth.login", summary="登录", user=user)
                db.session.commit()
                return redirect(local_path(request.args.get("next")) or url_for("inbox.todo"))
    return render_template("auth/login.html", error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    audit.record("auth.logout", summary="退出登录")
    db.session.commit()
    logout_user()
    flash("您已退出登录。")
    return redirect(url_for("auth.login"))
