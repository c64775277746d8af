"""The notices page (消息提醒): the list, open one (marks it read), mark all read."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound

from webapp.extensions import db

from . import operations, queries

bp = Blueprint("notices", __name__)


@bp.route("/")
@login_required
def index():
    notices = queries.for_user(current_user).limit(200).all()
    read = queries.read_ids(current_user, [n.id for n in notices])
    return render_template("notices/list.html", notices=notices, read=read, links=queries.links_of(notices))


@bp.route("/<int:notice_id>/open", methods=["POST"])
@login_required
def open_one(notice_id):
    """Mark one notice read and follow its link (the list again when it has none)."""
    notice = operations.mark_read(current_user, notice_id)
    if notice is None:
        raise NotFound("消息不存在或您无权查看。")
    db.session.commit()
    link = queries.link_of(notice)
    return redirect(link if _is_local(link) else url_for("notices.index"))


def _is_local(link):
    return bool(link) and link.startswith("/") and not link.startswith("//") and "\\" not in link


@bp.route("/read", methods=["POST"])
@login_required
def read_all():
    count = operations.mark_all_read(current_user)
    db.session.commit()
    flash(f"已将 {count} 条消息标为已读。")
    return redirect(url_for("notices.index"))
