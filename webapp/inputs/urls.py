"""URL parts: `<int:...>` matches 1 .. 2^31-1 in ASCII digits only, and a text part never carries a control
character (PostgreSQL refuses NUL in a query), so any other URL is a plain 404."""
import unicodedata
from urllib.parse import unquote, urlsplit

from flask import request
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError

from .fields import MAX_ID, has_control_characters

MAX_TARGET = 2000


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


def local_path(target, prefix="/"):
    """`target` when it is a path on this site starting with `prefix`, else None: the one check for every redirect
    to a user-supplied target (login's `next`, a form's `next`, the referrer).

    Browsers drop tabs and newlines inside a URL, read a backslash as a slash and fold some Unicode into
    ASCII, so `/\\t/evil.com`, `/\\evil.com` and `/／evil.com` may all leave the site: every such form is
    refused, and so is anything that percent-decodes into one (a target may be decoded once more on its way),
    and any path with `.` or `..` segments. An absolute URL naming this very host is taken as its path.
    """
    if not isinstance(target, str) or not target or len(target) > MAX_TARGET:
        return None
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc != request.host:
            return None
        target = parts.path + (f"?{parts.query}" if parts.query else "")
    for form in {target, unquote(target), unicodedata.normalize("NFKC", target),
                 unicodedata.normalize("NFKC", unquote(target))}:
        if not _plain_path(form):
            return None
    return target if target.startswith(prefix) else None


_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}  # controls (tab, CR, LF, DEL, C1), zero-width and direction marks, separators
# Slashes NFKC leaves alone (division slash, fraction slash, big solidus, set minus): refused all the same.
_SLASH_LOOKALIKES = set("\u2215\u2044\u29f8\u29f9\u2216")


def _plain_path(path):
    if not path.startswith("/") or path[1:2] in ("/", "\\"):
        return False
    if "\\" in path or any(unicodedata.category(c) in _INVISIBLE or c in _SLASH_LOOKALIKES for c in path):
        return False
    try:
        parts = urlsplit(path)
    except ValueError:
        return False
    # Dot segments could climb out of a required prefix, and `/.//host` is one step from a host.
    return not parts.scheme and not parts.netloc and not {".", ".."} & set(parts.path.split("/"))


def safe_target(target, fallback, prefix="/"):
    """Where to redirect: `target` when local (see local_path), else `fallback`."""
    return local_path(target, prefix) or fallback
