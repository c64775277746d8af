"""/api/v1: the rest of 紧急信息 — 电话接报, 续报 / 终报, 要求续报, 漏报 / 瞒报 — through the emergencies'
operations (the same schemas, rules and Chinese refusals as the pages)."""
from flask_login import current_user

from webapp.emergencies import operations as emergency_operations
from webapp.emergencies import queries as emergency_queries
from webapp.emergencies.schemas import FaultSchema, FollowUpSchema, PhoneSchema, RequestSchema
from webapp.inputs.bodies import json_object

from . import bearer
from . import v1_schemas as s
from .schemas import emergency_schema, event_schema
from .v1 import blp, body, created, documented


@blp.route("/emergencies/phone", methods=["POST"])
@bearer.requires("act")
@blp.doc(requestBody=body(PhoneSchema))
@blp.response(201, s.EmergencyDetail)
@documented(409, 422)
def phone_emergency():
    """电话接报（上级信息部门或总值班室）：先登记电话报告，补录时保留实际来电时间。支持 Idempotency-Key。"""
    def make():
        found = emergency_operations.record_phone(current_user, json_object())
        return {"emergency": emergency_schema.dump(found),
                "history": event_schema.dump(emergency_queries.history(found), many=True)}
    return created(make)


@blp.route("/emergencies/<int:emergency_id>/followups", methods=["POST"])
@bearer.requires("act")
@blp.doc(requestBody=body(FollowUpSchema))
@blp.response(201, s.FollowUpCreated)
@documented(404, 409, 422)
def followup(emergency_id):
    """续报或终报（报告单位的信息员或值班员）。支持 Idempotency-Key。"""
    def make():
        found = emergency_queries.get_visible(current_user, emergency_id)
        return {"followup": s.FollowUpOut().dump(emergency_operations.add_followup(current_user, found,
                                                                                  json_object()))}
    return created(make)


@blp.route("/emergencies/<int:emergency_id>/requests", methods=["POST"])
@bearer.requires("act")
@blp.doc(requestBody=body(RequestSchema))
@blp.response(201, s.FollowUpCreated)
@documented(404, 409, 422)
def request_followup(emergency_id):
    """要求续报（已收到该信息的上级信息部门或总值班室），限时。支持 Idempotency-Key。"""
    def make():
        found = emergency_queries.get_visible(current_user, emergency_id)
        return {"followup": s.FollowUpOut().dump(emergency_operations.request_followup(current_user, found,
                                                                                      json_object()))}
    return created(make)


@blp.route("/faults", methods=["POST"])
@bearer.requires("act")
@blp.doc(requestBody=body(FaultSchema))
@blp.response(201, s.FaultCreated)
@documented(422)
def record_fault():
    """记录所辖单位的漏报、瞒报（上级信息部门、总值班室或督查室）。支持 Idempotency-Key。"""
    return created(lambda: {"fault": s.FaultOut().dump(emergency_operations.record_fault(current_user,
                                                                                          json_object()))})
