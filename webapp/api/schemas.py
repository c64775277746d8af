"""Output schemas of the JSON API."""
from marshmallow import Schema, fields

from webapp.core import clock
from webapp.emergencies import limits as emergency_rules
from webapp.inbox.items import kind_of
from webapp.inbox.queries import due_state


class TaskOut(Schema):
    id = fields.Integer()
    instance_id = fields.Integer()
    process_key = fields.String()
    step_key = fields.String()
    step_label = fields.String()
    form_key = fields.String()
    role = fields.String()
    unit_id = fields.Integer()
    assignee_id = fields.Integer(allow_none=True)
    state = fields.String()
    title = fields.String()
    urgency = fields.String()
    secrecy = fields.Integer()
    created_dt = fields.DateTime()
    due_dt = fields.DateTime(allow_none=True)
    # overdue / near_due / null, as the 待办 list marks it (an emergency's step by the emergency rule)
    due_state = fields.Function(lambda t: due_state(t.due_dt, clock.now(), kind_of(t.process_key, t.urgency))
                                if t.state == "open" else None)


class ItemOut(Schema):
    id = fields.Integer()
    instance_id = fields.Integer()
    title = fields.String()
    status = fields.String()
    status_label = fields.String()
    current_step = fields.String(allow_none=True)
    unit_id = fields.Integer()
    target_unit_id = fields.Integer(allow_none=True)
    urgency = fields.String()
    importance = fields.String()
    secrecy = fields.Integer()
    outcome = fields.String(allow_none=True)
    publication = fields.String(allow_none=True)
    editor_remark = fields.String(allow_none=True)
    receipt_no = fields.String(allow_none=True)


class EventOut(Schema):
    event_dt = fields.DateTime()
    actor = fields.Function(lambda e: e.actor.name if e.actor else "系统")
    action = fields.String()
    step_label = fields.String(allow_none=True)
    opinion = fields.String(allow_none=True)


class LevelOut(Schema):
    level = fields.String()
    label = fields.String()
    unit_id = fields.Integer(allow_none=True)
    unit_name = fields.String()
    limit_hours = fields.Float(allow_none=True)
    due_dt = fields.DateTime(allow_none=True)
    reached_dt = fields.DateTime(allow_none=True)
    reached_via = fields.String(allow_none=True)
    written_dt = fields.DateTime(allow_none=True)
    route = fields.String(allow_none=True)
    late_minutes = fields.Integer(allow_none=True)


class EmergencyOut(Schema):
    id = fields.Integer()
    instance_id = fields.Integer()
    unit_id = fields.Integer()
    title = fields.String()
    event_dt = fields.DateTime()
    place = fields.String()
    summary = fields.String()
    urgency = fields.String()
    secrecy = fields.Integer()
    mode = fields.String()
    phone_dt = fields.DateTime(allow_none=True)  # the call time stated
    phone_entered_dt = fields.DateTime(allow_none=True)  # when it was entered
    phone_backfill = fields.Boolean()  # 补录
    event_time_reason = fields.String(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    current_step = fields.String(allow_none=True)
    next_level = fields.String(allow_none=True)
    next_due_dt = fields.DateTime(allow_none=True)
    overdue = fields.Function(lambda e: e.is_red())
    alert = fields.Function(lambda e: emergency_rules.light(e.next_due_dt, clock.now()) or None)  # red/yellow/null
    closed_dt = fields.DateTime(allow_none=True)
    levels = fields.List(fields.Nested(LevelOut))


task_schema = TaskOut()
item_schema = ItemOut()
event_schema = EventOut()
emergency_schema = EmergencyOut()
