"""Cursors of /api/v1's lists: opaque, tamper-checked tokens carrying where the next page starts.

A cursor is `base64url(JSON position) + "." + base64url(HMAC-SHA256)`, keyed by SECRET_KEY and bound to the list it
came from (the endpoint, its path arguments and filters, and the caller): a cursor changed by one character, made up,
or taken to another list, other filters or another caller is refused with 400 `invalid_cursor`, in Chinese. It holds
no secret (a client could decode its JSON) but nothing a client may change.
"""
import base64
import binascii
import hashlib
import hmac
import json
import zlib

from flask import current_app, request
from flask_login import current_user
from marshmallow import fields

from webapp.core import keyset
from webapp.core.errors import AppError
from webapp.inputs.fields import Integer
from webapp.inputs.schemas import QuerySchema

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CURSOR = 4000  # characters, as a URL carries them (a server's request line is about 4 KB)


class BadCursor(AppError):
    status = 400
    code = "invalid_cursor"


class PageArgs(QuerySchema):
    """`cursor` (from the previous page's `next_cursor`; none for the first page) and `limit`."""

    cursor = fields.String(metadata={"description": "上一页返回的 next_cursor；第一页不带"})
    limit = Integer(1, MAX_LIMIT, label="每页条数", load_default=DEFAULT_LIMIT,
                    metadata={"description": f"每页条数，1–{MAX_LIMIT}，默认 {DEFAULT_LIMIT}"})


def _key():
    return hashlib.sha256(b"govflow-api-cursor:" + str(current_app.config["SECRET_KEY"]).encode()).digest()


def _binding(bound):
    """What a cursor is valid for: the endpoint, the path's arguments, the list's filters, the caller."""
    args = request.view_args or {}
    return json.dumps([request.endpoint, args, bound, getattr(current_user, "id", None)], sort_keys=True,
                      default=str, ensure_ascii=True)


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(payload, bound):
    return hmac.new(_key(), payload + b"\n" + _binding(bound).encode(), hashlib.sha256).digest()


def encode(position, bound=None):
    """The cursor of `position` (JSON-able) for this request's list; None for None (the end)."""
    if position is None:
        return None
    payload = zlib.compress(json.dumps(position, separators=(",", ":"), sort_keys=True).encode(), 9)
    return f"{_b64(payload)}.{_b64(_mac(payload, bound))}"


def decode(cursor, bound=None):
    """The position a cursor of this list holds; None for no cursor (the first page); BadCursor otherwise."""
    if cursor is None:
        return None
    refused = BadCursor("翻页游标无效或已被篡改，请从第一页重新获取（不带 cursor）。")
    if len(cursor) > MAX_CURSOR or cursor.count(".") != 1:
        raise refused
    body, mac = cursor.split(".")
    try:
        payload, mac = _unb64(body), _unb64(mac)
    except (binascii.Error, ValueError) as exc:
        raise refused from exc
    if not hmac.compare_digest(mac, _mac(payload, bound)):
        raise BadCursor("翻页游标无效、已被篡改，或不属于这个列表与筛选条件，请从第一页重新获取（不带 cursor）。")
    try:
        return json.loads(zlib.decompressobj().decompress(payload, 1_000_000))
    except (ValueError, zlib.error) as exc:
        raise refused from exc


def after_values(position):
    """The sort values a keyset position names (`{"after": [...]}`), loaded; BadCursor when they are not."""
    try:
        return keyset.load(position["after"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BadCursor("翻页游标无效，请从第一页重新获取（不带 cursor）。") from exc


def walk(query, order, key, limit, position):
    """(the first `limit` rows of `query` in `order` after the position, the next position or None): keyset, by the
    sort values of the last row shown (read back by its `key`)."""
    if position is not None:
        query = query.filter(keyset.after(order, after_values(position)))
    rows = query.order_by(*order).limit(limit + 1).all()
    if len(rows) <= limit:
        return rows, None
    shown = rows[:limit]
    return shown, {"after": keyset.dump(keyset.values_of(query, key, shown[-1].id, order))}


def walk_list(rows, limit, position, value, descending=False):
    """The same over a short list already in the order of `value(row)` (one value, unique): the processes, a
    process's versions."""
    if position is not None:
        values = after_values(position)
        if len(values) != 1 or (rows and not isinstance(values[0], type(value(rows[0])))):
            raise BadCursor("翻页游标无效，请从第一页重新获取（不带 cursor）。")
        last = values[0]
        rows = [r for r in rows if (value(r) < last if descending else value(r) > last)]
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], {"after": [value(rows[limit - 1])]}


def pack_inbox(position):
    """An inbox position (paging.walked) for a cursor: the keys seen on top as sorted gaps (small numbers, which
    compress well: a thousand keys take some two thousand characters)."""
    if position is None:
        return None
    keys, previous, gaps = sorted(position["seen"]), 0, []
    for key in keys:
        gaps.append(key - previous)
        previous = key
    return {**position, "seen": gaps}


def unpack_inbox(position):
    """The inbox position a cursor holds, checked for its shape; BadCursor when it is not one."""
    if position is None:
        return None
    try:
        gaps, rest, after = position["seen"], position["rest"], position["after"]
        valid = (isinstance(gaps, list) and all(isinstance(k, int) and not isinstance(k, bool) for k in gaps)
                 and isinstance(rest, bool) and (after is None or keyset.load(after) is not None))
    except (KeyError, TypeError, ValueError):
        valid = False
    if not valid:
        raise BadCursor("翻页游标无效，请从第一页重新获取（不带 cursor）。")
    seen, total = [], 0
    for gap in gaps:
        total += gap
        seen.append(total)
    return {**position, "seen": seen}
