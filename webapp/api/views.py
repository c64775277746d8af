"""JSON endpoints for tasks, information items and emergencies (session login; CSRF token in X-CSRF-Token).

A creating call (POST /api/reports, /api/emergencies, /api/emergencies/phone) runs exactly once per
`Idempotency-Key` header: a repeat gets the first answer again, marked `Idempotent-Replayed: true`.
Without the header every call creates.
"""
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from webapp import idempotency
from webapp.audit.views_helper import viewed
from webapp.auth.csrf import token
from webapp.core.errors import NotFound
from webapp.emergencies import operations as emergency_operations
from webapp.emergencies import queries as emergency_queries
from webapp.extensions import db
from webapp.inbox import operations as inbox_operations
from webapp.inbox import queries as inbox_queries
from webapp.inbox import schemas as inbox_schemas
from webapp.inputs.bodies import json_object
from webapp.reports import operations as report_operations
from webapp.reports import queries as report_queries

from .schemas import emergency_schema, event_schema, item_schema, task_schema

bp = Blueprint("api", __name__)


@bp.route("/session")
@login_required
def session_info():
    return jsonify(user=current_user.username, unit_id=current_user.unit_id, roles=sorted(current_user.roles),
                   csrf_token=token())


@bp.route("/tasks")
@login_required
def tasks():
    """A page of an inbox tab (`tab`: todo, done, started, copied, urges) with the lists' filters and `page`."""
    tab = request.args.get("tab", "todo")
    if tab not in inbox_schemas.TABS:
        raise NotFound("没有这个列表。")
    page = inbox_queries.list_page(tab, current_user, inbox_schemas.parse_list_args(tab, request.args))
    key, schema = ("tasks", task_schema) if tab in ("todo", "done") else ("items", inbox_schemas.item_row_schema)
    return jsonify({"tab": tab, "page": page.number, "has_next": page.has_next,
                    key: schema.dump(page.rows, many=True)})


@bp.route("/tasks/<int:row_id>/complete", methods=["POST"])
@login_required
def complete(row_id):
    """办理 a task: the same operation as the task page's submit."""
    instance = inbox_operations.complete_task(current_user, row_id, json_object())
    db.session.commit()
    return jsonify(status=instance.status, incident=instance.last_incident)


@bp.route("/reports", methods=["POST"])
@login_required
def create_report():
    idempotency.claim(optional=True)
    item, task = report_operations.create_item(current_user)
    response = idempotency.answer({"item": item_schema.dump(item), "task": task_schema.dump(task)}, 201)
    db.session.commit()
    return response


@bp.route("/reports/<int:item_id>")
@login_required
def report(item_id):
    item = report_queries.get_visible(current_user, item_id)
    response = jsonify(item=item_schema.dump(item),
                       history=event_schema.dump(report_queries.history(item), many=True))
    viewed(item, current_user)  # a secret item's view is audited, as on its page
    return response


@bp.route("/emergencies")
@login_required
def emergencies():
    """Emergencies the user may see (`scope`: all, open, own): open ones first, by the limit they travel against."""
    scope = request.args.get("scope", "all")
    rows = emergency_queries.list_for(current_user, scope if scope in ("all", "open", "own") else "all")
    return jsonify(emergencies=emergency_schema.dump(rows, many=True))


@bp.route("/emergencies", methods=["POST"])
@login_required
def report_emergency():
    """报告紧急信息 (a unit's writer or duty officer); the form of /emergencies/new as JSON."""
    idempotency.claim(optional=True)
    emergency = emergency_operations.report(current_user, json_object())
    response = idempotency.answer({"emergency": emergency_schema.dump(emergency)}, 201)
    db.session.commit()
    return response


@bp.route("/emergencies/phone", methods=["POST"])
@login_required
def phone_emergency():
    """电话接报 (a receiving office); the form of /emergencies/phone as JSON."""
    idempotency.claim(optional=True)
    emergency = emergency_operations.record_phone(current_user, json_object())
    response = idempotency.answer({"emergency": emergency_schema.dump(emergency)}, 201)
    db.session.commit()
    return response


@bp.route("/emergencies/<int:emergency_id>")
@login_required
def emergency(emergency_id):
    found = emergency_queries.get_visible(current_user, emergency_id)
    response = jsonify(emergency=emergency_schema.dump(found),
                       history=event_schema.dump(emergency_queries.history(found), many=True))
    viewed(found, current_user)
    return response
