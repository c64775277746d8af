"""The one check for every redirect to a user-supplied target: a path on this site, or the fallback."""
import unicodedata
from urllib.parse import unquote, urlsplit

from flask import request


def local_target(target, prefix="/"):
    """`target` when it is a path on this site starting with `prefix`, else None.

    Browsers drop tabs and newlines inside a URL, read a backslash as a slash and fold some Unicode into
    ASCII, so `/\\t/evil.com`, `/\\evil.com` and `/／evil.com` may all leave the site: every such form is
    refused, and so is anything that percent-decodes into one (a target may be decoded once more on its way),
    and any path with `.` or `..` segments.
    An absolute URL naming this very host is taken as its path.
    """
    if not isinstance(target, str) or not target or len(target) > 2048:
        return None
    parts = urlsplit(target)
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
    parts = urlsplit(path)
    # Dot segments could climb out of a required prefix, and `/.//host` is one step from a host.
    return not parts.scheme and not parts.netloc and not {".", ".."} & set(parts.path.split("/"))


def safe_target(target, fallback, prefix="/"):
    """Where to redirect: `target` when local (see local_target), else `fallback`."""
    return local_target(target, prefix) or fallback
