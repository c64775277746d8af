"""Chinese wording of every refusal the input layer gives, by marshmallow's error keys."""
import re

from marshmallow import fields, validate

REQUIRED = "此项为必填项"

# marshmallow's own keys, by the field class they belong to; the nearest class in a field's MRO wins.
BY_FIELD = {
    fields.Field: {"required": REQUIRED, "null": REQUIRED, "validator_failed": "内容无效"},
    fields.String: {"invalid": "应为文字", "invalid_utf8": "含有无效字符"},
    fields.Number: {"invalid": "应为数字", "too_large": "数值过大"},
    fields.Integer: {"invalid": "应为整数"},
    fields.Float: {"special": "应为有限的数字"},
    fields.Decimal: {"special": "应为有限的数字"},
    fields.Boolean: {"invalid": "应为“是”或“否”"},
    fields.List: {"invalid": "应为列表"},
    fields.Tuple: {"invalid": "应为列表"},
    fields.Mapping: {"invalid": "应为键值对象"},
    fields.Nested: {"type": "格式错误"},
    fields.DateTime: {"invalid": "时间格式应为 YYYY-MM-DDTHH:MM", "invalid_awareness": "时间格式应为 YYYY-MM-DDTHH:MM",
                      "format": "时间无法显示"},
    fields.Date: {"invalid": "日期格式应为 YYYY-MM-DD", "format": "日期无法显示"},
    fields.Time: {"invalid": "时间格式应为 HH:MM"},
    fields.TimeDelta: {"invalid": "时长格式错误"},
    fields.UUID: {"invalid_uuid": "编号格式错误"},
    fields.Url: {"invalid": "网址格式错误"},
    fields.Email: {"invalid": "电子邮箱格式错误"},
    fields.Enum: {"unknown": "请选择有效的选项"},
}
SCHEMA = {"unknown": "不认识的字段", "type": "表单数据格式错误"}
FALLBACK = "内容无效"

_CJK = re.compile(r"[\u3400-\u9fff]")


def is_chinese(text):
    """Whether a message is worded for our users (carries Chinese characters)."""
    return bool(_CJK.search(str(text)))


def localize_field(field):
    """Replace marshmallow's English defaults on a field (and the fields inside it) with Chinese ones; messages a
    schema wrote itself are left alone."""
    for key, message in list(field.error_messages.items()):
        if not is_chinese(message):
            field.error_messages[key] = _message_for(type(field), key)
    for validator in field.validators:
        _localize_validator(validator)
    for inner in _inner_fields(field):
        localize_field(inner)


def _message_for(field_cls, key):
    for cls in field_cls.__mro__:
        message = BY_FIELD.get(cls, {}).get(key)
        if message:
            return message
    return FALLBACK


def _inner_fields(field):
    if isinstance(field, fields.List):
        yield field.inner
    if isinstance(field, fields.Tuple):
        yield from field.tuple_fields
    if isinstance(field, fields.Mapping):
        yield from (f for f in (field.key_field, field.value_field) if f is not None)


def _localize_validator(validator):
    if is_chinese(getattr(validator, "error", None) or ""):
        return
    if isinstance(validator, validate.Length):
        validator.error = length_message(validator.min, validator.max, validator.equal)
    elif isinstance(validator, validate.Range):
        validator.error = range_message(validator.min, validator.max)
    elif isinstance(validator, (validate.OneOf, validate.ContainsOnly)):
        validator.error = "请选择有效的选项"
    elif hasattr(validator, "error"):
        validator.error = FALLBACK


def length_message(minimum=None, maximum=None, equal=None, label=""):
    if equal is not None:
        return f"{label}长度应为{equal}字"
    if minimum and maximum is not None:
        return f"{label}长度应为{minimum}到{maximum}字"
    if maximum is not None:
        return f"{label}不能超过{maximum}字"
    return f"{label}至少填写{minimum}字"


def range_message(minimum=None, maximum=None, label="数值"):
    if minimum is not None and maximum is not None:
        return f"{label}应在 {minimum} 到 {maximum} 之间"
    if maximum is not None:
        return f"{label}不能大于 {maximum}"
    return f"{label}不能小于 {minimum}"


def first_message(errors):
    """The first message of marshmallow's errors by field (lists, nested by field or list index), for a flash."""
    while isinstance(errors, dict | list) and errors:
        errors = next(iter(errors.values())) if isinstance(errors, dict) else errors[0]
    return str(errors) if errors else "提交的内容有误。"
