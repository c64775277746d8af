"""Exactly-once creation: a creating request carries a one-time key; a repeat answers with the first result.

Pages: every creating form renders `{{ idempotency_field() }}` (a fresh key per render) and its view calls
`claim()` before creating and `remember(location)` before the commit. API: the `Idempotency-Key` header,
optional; `claim(optional=True)` and `answer(body, status)`. See docs/architecture.md, "Exactly-once creation".
"""
import functools
import hashlib
import json
import os
import re
import uuid

from flask import Response, current_app, flash, g, jsonify, redirect, request
from flask_login import current_user
from markupsafe import Markup

from webapp.core.responses import respond, wants_json
from webapp.extensions import db

from . import operations
from .errors import FIELD, KeyMissing, KeyReused, Replayed

__all__ = ["FIELD", "KeyMissing", "KeyReused", "answer", "claim", "field", "init_app", "remember"]

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
REPLAYED = "该表单已提交，未重复创建。"
KEY_FORMAT = re.compile(r"[\x21-\x7e]{8,100}")  # printable ASCII: a UUID, or whatever a client generates
NOT_PAYLOAD = {"csrf_token", FIELD}  # the session's token and the key itself are not what was submitted


def init_app(app):
    app.config.setdefault("IDEMPOTENCY_KEY_DAYS", float(os.environ.get("GOVFLOW_IDEMPOTENCY_KEY_DAYS", "7")))
    app.jinja_env.globals["idempotency_field"] = field
    app.register_error_handler(Replayed, _replay)


def field(errors=None):
    """The hidden input of a creating form: a key of its own per render; with `errors`, why the last post was
    refused for its key (none, or used by another submission)."""
    html = Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, uuid.uuid4())
    problems = (errors or {}).get(FIELD)
    if problems:
        html += Markup('<div class="flash error" role="alert">{}</div>').format("；".join(problems))
    return html


def _sent_key(optional):
    key = request.headers.get(HEADER) or request.form.get(FIELD)
    if not key:
        if optional:
            return None
        raise KeyMissing("表单缺少防重复提交标识，本次提交未执行；请在刷新后的页面上重新提交。")
    if not KEY_FORMAT.fullmatch(key):
        raise KeyMissing("防重复提交标识格式无效（应为 8 至 100 个可见 ASCII 字符），本次提交未执行。")
    return key


def _fingerprint():
    """sha256 of what was submitted: the form's fields and files, or the JSON body (key order ignored)."""
    digest = hashlib.sha256()
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in sorted(request.form.items(multi=True)):
            if name not in NOT_PAYLOAD:
                digest.update(json.dumps([name, value], ensure_ascii=False).encode())
        for name, upload in sorted(request.files.items(multi=True), key=lambda pair: pair[0]):
            digest.update(json.dumps(["file", name, upload.filename], ensure_ascii=False).encode())
            for chunk in iter(functools.partial(upload.stream.read, 1 << 16), b""):
                digest.update(chunk)
            upload.stream.seek(0)
    else:
        payload = request.get_json(silent=True)
        body = request.get_data() if payload is None else json.dumps(payload, sort_keys=True).encode()
        digest.update(body)
    return digest.hexdigest()


def claim(optional=False):
    """Claim the request's key in this transaction, before creating anything.

    Raises Replayed when the key's request already ran (answered by a redirect to its result or its API
    response), KeyReused when the key went with another URL or payload (422), KeyMissing when a page's form
    sent none (400; `optional`: API calls, which then simply run). Returns the key's row, or None.
    """
    key = _sent_key(optional)
    if key is None:
        return None
    api = request.path.startswith("/api/") or wants_json()
    reused = ("Idempotency-Key 已用于另一个内容不同的请求，本次请求未执行；新的请求请使用新的 Idempotency-Key。" if api
              else "该表单的防重复提交标识已用于另一次内容不同的提交，本次提交未执行；请检查后在本页重新提交。")
    g.idempotency_key = operations.claim(current_user.id, key, request.path, _fingerprint(), reused)
    return g.idempotency_key


def remember(location, body=None, status=200):
    """Where a repeat of this post is sent (the created thing's page) and, for a URL that also answers JSON, the
    JSON a repeat gets; call before the commit. Nothing happens when the request sent no key."""
    row = g.get("idempotency_key")
    if row is not None:
        text = None if body is None else jsonify(body).get_data(as_text=True)
        operations.record(row, location=location, status=None if body is None else status, body=text)


def answer(body, status=200):
    """The JSON answer of a creating API call, kept for a repeat with the same key; call before the commit."""
    response = jsonify(body)
    response.status_code = status
    row = g.get("idempotency_key")
    if row is not None:
        operations.record(row, status=status, body=response.get_data(as_text=True))
    return response


def _replay(exc):
    db.session.rollback()
    if exc.body is not None and (wants_json() or not exc.location):
        return Response(exc.body, status=exc.status, mimetype="application/json", headers={REPLAY_HEADER: "true"})
    if exc.location:
        flash(REPLAYED)
        response = redirect(exc.location)
        response.headers[REPLAY_HEADER] = "true"
        return response
    # The first request ran but kept no answer (it stopped on an error after saving its changes).
    current_app.logger.info("idempotency key replayed without an answer on %s", request.path)
    return respond(409, "该表单已提交，请勿重复提交。", "already_submitted")
