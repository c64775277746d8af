from marshmallow import ValidationError, validates

from webapp.inputs.fields import ChoiceList, Text
from webapp.inputs.schemas import FormSchema

from . import guard
from .models import EVENTS


class EventsSchema(FormSchema):
    events = ChoiceList(list(EVENTS), "推送事件", required=True)

    @validates("events")
    def _some(self, value, **kwargs):
        if not value:
            raise ValidationError("请至少选择一项推送事件（不再需要推送时请停用端点）")


class EndpointSchema(EventsSchema):
    name = Text(80, required=True, label="名称")
    url = Text(500, required=True, label="推送地址")

    @validates("url")
    def _http_url(self, value, **kwargs):
        try:
            guard.parse(value)
        except guard.UnsafeTarget as exc:
            raise ValidationError(str(exc)) from exc
