"""Request bodies in JSON: bounded in size and nesting, a malformed one is a 400 in Chinese, never a 500."""
from flask import Request, abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

MAX_JSON_BYTES = 4 * 1024 * 1024  # a diagram's XML (2 MB) with its escapes
MAX_JSON_DEPTH = 32


def too_deep(data, limit=MAX_JSON_DEPTH):
    """Whether arrays and objects in parsed JSON nest deeper than `limit` (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")  # Python's json reads NaN and Infinity, which RFC 8259 has not


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON with a size and depth bound on what it reads: json.loads would recurse into a RecursionError."""

    def loads(self, s, **kwargs):
        if len(s) > MAX_JSON_BYTES:
            raise ValueError("JSON too large")
        kwargs.setdefault("parse_constant", _refuse_constant)
        try:
            data = super().loads(s, **kwargs)
        except RecursionError as exc:
            raise ValueError("JSON too deeply nested") from exc
        if too_deep(data):
            raise ValueError("JSON too deeply nested")
        return data


class BoundedRequest(Request):
    def on_json_loading_failed(self, e):
        raise BadRequest("请求内容不是有效的 JSON，或嵌套过深。")


def json_object():
    """The posted JSON object; {} when the body is not JSON (the schema then names what is missing)."""
    if not request.is_json:
        return {}
    if (request.content_length or 0) > MAX_JSON_BYTES:
        abort(413, "提交的内容过大。")
    data = request.get_json()
    if not isinstance(data, dict):
        abort(400, "请求内容应为 JSON 对象。")
    return data


def form_values(form, drop=()):
    """A posted form as a dict: a field sent several times (ticked boxes) as a list, any other as its value."""
    return {key: values if len(values) > 1 else values[0] for key, values in form.lists() if key not in drop}
