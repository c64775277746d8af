"""Input of the designer's requests."""
from marshmallow import Schema, fields, validate

from webapp.engine.definitions import MAX_BPMN_BYTES


class DeploySchema(Schema):
    xml = fields.String(required=True, validate=validate.Length(min=1, max=MAX_BPMN_BYTES),
                        error_messages={"required": "缺少流程图内容"})
    comment = fields.String(required=True,
                            validate=validate.Length(min=1, max=500, error="请填写版本说明（500 字以内）"),
                            error_messages={"required": "请填写版本说明"})
    process_key = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))


class ValidateSchema(Schema):
    xml = fields.String(required=True, validate=validate.Length(min=1, max=MAX_BPMN_BYTES),
                        error_messages={"required": "缺少流程图内容"})
    process_key = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))


class MigrateSchema(Schema):
    instance_ids = fields.List(fields.Integer(), required=True,
                               validate=validate.Length(min=1, error="请选择要迁移的实例"),
                               error_messages={"required": "请选择要迁移的实例"})
