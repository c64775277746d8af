"""Base schemas: a form (unknown fields refused) and a query or filter (unknown ignored, blanks meaning 'any').

Both word every refusal in Chinese, including those of plain marshmallow fields and validators a schema uses.
"""
from marshmallow import EXCLUDE, Schema, pre_load

from . import messages
from .fields import Month


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
