"""Form registry: a user task's `form` property names a marshmallow schema here."""
from marshmallow import Schema, ValidationError

from .errors import FormInvalid

_FORMS = {}


class FormSchema(Schema):
    """Base of every task form: unknown fields are refused, in Chinese."""

    error_messages = {"unknown": "不认识的字段", "type": "表单数据格式错误"}


def register(key, schema_cls):
    _FORMS[key] = schema_cls


def get(key):
    return _FORMS.get(key)


def known_keys():
    return set(_FORMS)


def validate(form_key, raw, partial=False):
    """Validated, typed form data; FormInvalid names every field at fault."""
    schema_cls = _FORMS.get(form_key)
    if schema_cls is None:
        raise FormInvalid({"_form": [f"未知表单：{form_key}"]})
    try:
        return schema_cls(partial=partial).load(raw)
    except ValidationError as exc:
        raise FormInvalid(exc.normalized_messages()) from exc
