"""转报: the adopting office's editor forwards an adopted item to the office above (one post creates one)."""
from flask import flash, redirect, url_for
from flask_login import current_user, login_required

from webapp import idempotency
from webapp.extensions import db

from . import forwarding, queries
from .views import bp


@bp.route("/<int:item_id>/forward", methods=["POST"])
@login_required
def forward(item_id):
    item = queries.get_visible(current_user, item_id)
    idempotency.claim()
    upper = forwarding.forward(current_user, item)
    target = url_for("reports.detail", item_id=upper.id)
    idempotency.remember(target)
    db.session.commit()
    flash(f"已转报{upper.target_unit.name}：“{upper.title}”，收稿编号 {upper.receipt_no}。")
    return redirect(target)
