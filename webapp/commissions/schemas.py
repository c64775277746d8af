"""The form of a new 约稿."""
from datetime import datetime

from marshmallow import ValidationError, fields, pre_load, validate, validates

from webapp.engine import clock
from webapp.engine.forms import FormSchema

REQUIRED = {"required": "此项为必填项", "null": "此项为必填项"}


class CommissionSchema(FormSchema):
    topic = fields.String(required=True, validate=validate.Length(min=2, max=200, error="主题长度应为2到200字"),
                          error_messages=REQUIRED)
    detail = fields.String(load_default="", validate=validate.Length(max=5000, error="要求不超过5000字"))
    due = fields.String(required=True, error_messages=REQUIRED)  # local YYYY-MM-DDTHH:MM
    unit_ids = fields.List(fields.Integer(error_messages={"invalid": "请选择有效的单位"}), required=True,
                           validate=validate.Length(min=1, error="请至少选择一个约稿单位"), error_messages=REQUIRED)

    @pre_load
    def _lists(self, data, **kwargs):
        data = dict(data)
        value = data.get("unit_ids")
        if value in (None, ""):
            data.pop("unit_ids", None)
        elif not isinstance(value, list):
            data["unit_ids"] = [value]
        return data

    @validates("due")
    def _due(self, value, **kwargs):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError("截止时间格式应为 YYYY-MM-DDTHH:MM") from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=clock.LOCAL_TZ)
        if moment <= clock.now():
            raise ValidationError("截止时间应晚于现在")
