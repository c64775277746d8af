"""事件推送 (/admin/webhooks): a 系统管理员 registers the office's endpoints, sees the deliveries, replays one."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from webapp import idempotency
from webapp.core import clock
from webapp.core.access import role_required
from webapp.core.errors import FormInvalid
from webapp.extensions import db
from webapp.inputs.messages import first_message

from . import operations, queries
from .models import EVENTS

bp = Blueprint("webhooks", __name__)


def _user():
    return current_user._get_current_object()


def _form():
    return {"name": request.form.get("name", ""), "url": request.form.get("url", ""),
            "events": request.form.getlist("events")}


def _page(status=200, errors=None, values=None, secret=None, created=None):
    unit_id = current_user.unit_id
    return render_template("webhooks/index.html", endpoints=queries.endpoints_of(unit_id),
                           deliveries=queries.recent_deliveries(unit_id), events=EVENTS, errors=errors or {},
                           values=values or {}, secret=secret, created=created, now=clock.now()), status


def _back():
    return redirect(url_for("webhooks.index"), 303)


REVEAL = "webhook_secret_of"  # session key: the endpoint whose secret the next page shows, once


@bp.route("/")
@role_required("admin")
def index():
    endpoint_id = session.pop(REVEAL, None)
    if endpoint_id is None:
        return _page()
    created, secret = operations.reveal_secret(_user(), endpoint_id)
    db.session.commit()
    return _page(secret=secret, created=created)


@bp.route("/new", methods=["POST"])
@role_required("admin")
def create():
    idempotency.claim()
    try:
        row = operations.register(_user(), _form())
    except FormInvalid as exc:
        db.session.rollback()
        return _page(422, exc.fields, request.form)
    idempotency.remember(url_for("webhooks.index"))
    db.session.commit()
    # The page after the redirect shows the secret, once (`reveal_secret`); a repeat of the post lands on the list.
    session[REVEAL] = row.id
    flash(f"推送端点“{row.name}”已登记。")
    return redirect(url_for("webhooks.index"))


@bp.route("/<int:endpoint_id>/events", methods=["POST"])
@role_required("admin")
def change_events(endpoint_id):
    try:
        row = operations.change_events(_user(), endpoint_id, {"events": request.form.getlist("events")})
    except FormInvalid as exc:
        db.session.rollback()
        flash(first_message(exc.fields), "error")
        return _back()
    db.session.commit()
    flash(f"推送端点“{row.name}”的事件已保存。")
    return _back()


@bp.route("/<int:endpoint_id>/disable", methods=["POST"])
@role_required("admin")
def disable(endpoint_id):
    row = operations.set_active(_user(), endpoint_id, False)
    db.session.commit()
    flash(f"推送端点“{row.name}”已停用。")
    return _back()


@bp.route("/<int:endpoint_id>/enable", methods=["POST"])
@role_required("admin")
def enable(endpoint_id):
    row = operations.set_active(_user(), endpoint_id, True)
    db.session.commit()
    flash(f"推送端点“{row.name}”已启用。")
    return _back()


@bp.route("/<int:endpoint_id>/delete", methods=["POST"])
@role_required("admin")
def delete(endpoint_id):
    row = operations.delete(_user(), endpoint_id)
    name = row.name
    db.session.commit()
    flash(f"推送端点“{name}”已删除，其推送记录一并删除。")
    return _back()


@bp.route("/deliveries/<int:delivery_id>/replay", methods=["POST"])
@role_required("admin")
def replay(delivery_id):
    row = operations.replay(_user(), delivery_id)
    db.session.commit()
    flash(f"已安排重新推送（记录 #{row.id}）。")
    return _back()
