"""/api/v1: 事件推送 (webhooks) — the page's operations (webapp/webhooks): the 系统管理员's endpoints of their own unit,
registered (the same SSRF check), changed, switched off and on, deleted; their deliveries listed and replayed.
Scope `admin` and role `admin`, as the page; another unit's endpoint or delivery is 404, as there."""
from flask.views import MethodView
from flask_login import current_user

from webapp import idempotency
from webapp.extensions import db
from webapp.inputs.bodies import json_object
from webapp.webhooks import operations as webhook_operations
from webapp.webhooks import queries as webhook_queries
from webapp.webhooks.models import WebhookDelivery, WebhookEndpoint
from webapp.webhooks.schemas import EndpointSchema, EventsSchema

from . import bearer, cursors
from . import v1_schemas as s
from .cursors import PageArgs
from .v1 import blp, body, documented

REFUSAL = "只有系统管理员可以管理事件推送。"
SECRET_HEADER = "X-GovFlow-Webhook-Secret"


def admin_only(view):
    return bearer.requires("admin", role="admin", refusal=REFUSAL)(view)


def _user():
    return current_user._get_current_object()


@blp.route("/webhooks")
@admin_only
@blp.arguments(PageArgs, location="query", as_kwargs=False)
@blp.response(200, s.WebhookList)
@documented(400, 422)
def webhooks(args):
    """本单位的推送端点（先登记的在前）。以 cursor 翻页。"""
    rows, following = cursors.walk(webhook_queries.endpoints_query(current_user.unit_id), (WebhookEndpoint.id,),
                                   WebhookEndpoint.id, args["limit"], cursors.decode(args.get("cursor")))
    return {"endpoints": rows, "next_cursor": cursors.encode(following)}


@blp.route("/webhooks", methods=["POST"])
@admin_only
@blp.doc(requestBody=body(EndpointSchema, "名称、推送地址（http/https，公网地址或 WEBHOOK_ALLOW_HOSTS 所列）、事件"))
@blp.response(201, s.WebhookOnly, headers={SECRET_HEADER: {
    "description": "签名密钥（whsec_…），只在登记的这一次回答中给出；以同一 Idempotency-Key 重复请求的回答没有它",
    "schema": {"type": "string"}}})
@documented(422)
def register_webhook():
    """登记本单位的推送端点：地址的检查与页面相同（不允许内网、本机、保留地址）。签名密钥只在本次回答的
    X-GovFlow-Webhook-Secret 头中给出一次（不存入任何回答记录）。支持 Idempotency-Key。"""
    idempotency.claim(optional=True)
    user = _user()
    row = webhook_operations.register(user, json_object())
    _row, secret = webhook_operations.reveal_secret(user, row.id)
    response = idempotency.answer({"endpoint": s.WebhookOut().dump(row)}, 201)  # kept for a repeat: no secret
    db.session.commit()
    response.headers[SECRET_HEADER] = secret
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/webhooks/<int:endpoint_id>", endpoint="webhook")
class Webhook(MethodView):
    """One rule for both methods: an id out of range is then a plain 404 for either."""

    @admin_only
    @blp.response(200, s.WebhookOnly)
    @documented(404)
    def get(self, endpoint_id):
        """一个推送端点。"""
        return {"endpoint": webhook_queries.endpoint_of(current_user, endpoint_id)}

    @admin_only
    @blp.doc(requestBody=body(EventsSchema, "新的事件列表（至少一项）"))
    @blp.response(200, s.WebhookOnly)
    @documented(404, 422)
    def post(self, endpoint_id):
        """修改推送端点的事件。"""
        row = webhook_operations.change_events(_user(), endpoint_id, json_object())
        db.session.commit()
        return {"endpoint": row}


def _switch(endpoint_id, active):
    row = webhook_operations.set_active(_user(), endpoint_id, active)
    db.session.commit()
    return {"endpoint": row}


@blp.route("/webhooks/<int:endpoint_id>/disable", methods=["POST"])
@admin_only
@blp.response(200, s.WebhookOnly)
@documented(404)
def disable_webhook(endpoint_id):
    """停用：不再产生新的推送；尚未送达的推送失败后按退避重试（再启用后可送达）。"""
    return _switch(endpoint_id, False)


@blp.route("/webhooks/<int:endpoint_id>/enable", methods=["POST"])
@admin_only
@blp.response(200, s.WebhookOnly)
@documented(404)
def enable_webhook(endpoint_id):
    """启用。"""
    return _switch(endpoint_id, True)


@blp.route("/webhooks/<int:endpoint_id>/delete", methods=["POST"])
@admin_only
@blp.response(200, s.Deleted)
@documented(404)
def delete_webhook(endpoint_id):
    """删除推送端点，其推送记录一并删除。"""
    webhook_operations.delete(_user(), endpoint_id)
    db.session.commit()
    return {"deleted": True}


@blp.route("/webhooks/deliveries")
@admin_only
@blp.arguments(s.DeliveryArgs, location="query", as_kwargs=False)
@blp.response(200, s.DeliveryList)
@documented(400, 422)
def deliveries(args):
    """本单位推送端点的推送记录（新的在前；可按 endpoint_id、state 筛选）。以 cursor 翻页。"""
    bound = [args.get("endpoint_id"), args.get("state")]
    query = webhook_queries.deliveries_query(current_user.unit_id, *bound)
    rows, following = cursors.walk(query, (WebhookDelivery.id.desc(),), WebhookDelivery.id, args["limit"],
                                   cursors.decode(args.get("cursor"), bound))
    return {"deliveries": rows, "next_cursor": cursors.encode(following, bound)}


@blp.route("/webhooks/deliveries/<int:delivery_id>/replay", methods=["POST"])
@admin_only
@blp.response(200, s.DeliveryOnly)
@documented(404)
def replay_delivery(delivery_id):
    """重新推送：以同一内容和推送编号立即再试一次（任何状态；已失败的再试一次）。"""
    row = webhook_operations.replay(_user(), delivery_id)
    db.session.commit()
    return {"delivery": row}
