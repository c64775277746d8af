"""The notices page (消息提醒)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp.extensions import db

from . import operations, queries

bp = Blueprint("notices", __name__)


@bp.route("/")
@login_required
def index():
    notices = queries.for_user(current_user).limit(200).all()
    read = queries.read_ids(current_user, [n.id for n in notices])
    return render_template("notices/list.html", notices=notices, read=read)


@bp.route("/read", methods=["POST"])
@login_required
def read_all():
    count = operations.mark_all_read(current_user)
    db.session.commit()
    flash(f"已将 {count} 条消息标为已读。")
    return redirect(url_for("notices.index"))
