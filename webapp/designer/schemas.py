"""Input of the designer's requests."""
from marshmallow import validate

from webapp.engine.definitions import MAX_BPMN_BYTES
from webapp.inputs.fields import Id, IdList, Text
from webapp.inputs.schemas import FormSchema, QuerySchema


class ValidateSchema(FormSchema):
    xml = Text(MAX_BPMN_BYTES, required=True, error_messages={"required": "缺少流程图内容", "null": "缺少流程图内容"})
    process_key = Text(64, load_default=None, allow_none=True)


class DeploySchema(ValidateSchema):
    comment = Text(500, required=True, error="请填写版本说明（500 字以内）",
                   error_messages={"required": "请填写版本说明", "null": "请填写版本说明"})


class MigrateSchema(FormSchema):
    instance_ids = IdList("实例", required=True, validate=validate.Length(min=1, error="请选择要迁移的实例"),
                          error_messages={"required": "请选择要迁移的实例"})


class VersionArgs(QuerySchema):
    """The editor opens the latest version, or the one asked for."""

    version = Id("版本", load_default=None)
