"""URL parts: `<int:...>` matches 1 .. 2^31-1 in ASCII digits only, and a text part never carries a control
character (PostgreSQL refuses NUL in a query), so any other URL is a plain 404."""
import re
from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError

from .fields import MAX_ID, has_control_characters

MAX_TARGET = 2000
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")  # controls (line breaks included) and backslashes


class IdConverter(IntegerConverter):
    regex = r"[0-9]{1,10}"  # `\d` would also take other scripts' digits, which int() reads

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=False)


class TextConverter(UnicodeConverter):
    def to_python(self, value):
        if has_control_characters(value):
            raise ValidationError()
        return value


class TextPathConverter(PathConverter):
    def to_python(self, value):
        if has_control_characters(value):
            raise ValidationError()
        return value


def register(url_map):
    """Before any rule is added: rules bind their converters when they join the map."""
    url_map.converters.update(int=IdConverter, default=TextConverter, string=TextConverter, path=TextPathConverter)


def local_path(target, host=None, prefix="/"):
    """`target` as a path (with its query) on this site under `prefix`, or None: a redirect never leaves the site,
    and never carries a line break into the Location header."""
    if not isinstance(target, str) or not target or len(target) > MAX_TARGET or _UNSAFE.search(target):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    if parts.netloc and parts.netloc != host:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not path.startswith(prefix) or path.startswith("//"):
        return None
    return path
