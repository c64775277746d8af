"""Form registry: a user task's `form` property names a marshmallow schema here."""
from marshmallow import ValidationError

from .errors import FormInvalid

__all__ = ["check", "get", "known_keys", "load", "register", "validate"]

_FORMS = {}
_CHECKS = {}  # form key -> fn(form, task data) -> {field: [message]}: rules that need the instance


def register(key, schema_cls, check=None):
    """`check(form, data)` runs under the instance lock with the task's data; it returns errors by field."""
    _FORMS[key] = schema_cls
    if check is not None:
        _CHECKS[key] = check


def get(key):
    return _FORMS.get(key)


def known_keys():
    return set(_FORMS)


def validate(form_key, raw, partial=False):
    """Validated, typed form data; FormInvalid names every field at fault."""
    schema_cls = _FORMS.get(form_key)
    if schema_cls is None:
        raise FormInvalid({"_form": [f"未知表单：{form_key}"]})
    return load(schema_cls, raw, partial)


def load(schema_cls, raw, partial=False):
    """Load `raw` with a schema, registered or not (a form that starts an instance); FormInvalid by field."""
    try:
        return schema_cls(partial=partial).load(raw)
    except ValidationError as exc:
        raise FormInvalid(exc.normalized_messages()) from exc


def check(form_key, form, data):
    """Rules of a form that depend on the instance (its deadline, its level); FormInvalid when broken."""
    rule = _CHECKS.get(form_key)
    errors = rule(form, data) if rule else None
    if errors:
        raise FormInvalid(errors)
