"""Base schemas: a form (unknown fields refused) and a query or filter (unknown ignored, blanks meaning 'any').

Both word every refusal in Chinese, including those of plain marshmallow fields and validators a schema uses.
"""
from marshmallow import EXCLUDE, Schema, ValidationError, pre_load, validates_schema

from . import messages
from .fields import Month, Text


class FormSchema(Schema):
    """Base of every form a person or an API client posts: unknown fields are refused, in Chinese."""

    error_messages = messages.SCHEMA

    def on_bind_field(self, field_name, field_obj):
        messages.localize_field(field_obj)


class QuerySchema(FormSchema):
    """A query string or a filter form: other arguments (csrf_token, format, page links) are ignored, and a blank
    box is as if it were not sent."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _blank_is_absent(self, data, **kwargs):
        if not hasattr(data, "items"):
            return data
        return {key: value.strip() if isinstance(value, str) else value
                for key, value in data.items() if not (isinstance(value, str) and not value.strip())}


class MonthArgs(QuerySchema):
    """A page's `?month=YYYY-MM`; None when not given (the page picks its own default)."""

    month = Month(load_default=None)


class DecisionSchema(FormSchema):
    """A yes/no step of a process (sign or return, approve or refuse …): `CHOICES` are the decisions it takes,
    and the opinion is required when the decision is `NO`."""

    CHOICES = ()
    NO = ""
    decision = Text(32, required=True)
    opinion = Text(2000, min_length=0, error="长度应为0到2000字")

    @validates_schema
    def _decision(self, data, **kwargs):
        if data.get("decision") not in self.CHOICES:
            raise ValidationError("请选择有效的处理意见", "decision")
        if data.get("decision") == self.NO and not data.get("opinion", "").strip():
            raise ValidationError("请填写意见", "opinion")
