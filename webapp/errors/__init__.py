"""Errors answer in Chinese HTML for people and JSON for API clients; nothing leaks a stack trace."""
import logging

from flask import request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from webapp.core.errors import AppError, FormInvalid, TaskConflict
from webapp.core.responses import HTTP_MESSAGES, respond
from webapp.extensions import db
from webapp.inputs.messages import is_chinese

log = logging.getLogger(__name__)

def _engine_error(exc):
    if exc.keep_changes:
        db.session.commit()
    else:
        db.session.rollback()
    if exc.status == 403:
        _audit_denied(exc)
    return respond(exc.status, exc.message, exc.code, **exc.details)


def _audit_denied(exc):
    """A refused request goes to the audit log in a transaction of its own; failing to write it refuses no less."""
    from webapp import audit

    try:
        audit.record("access.denied", summary=f"越权访问被拒绝：{request.method} {request.path}",
                     detail={"method": request.method, "path": request.path, "message": exc.message})
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("could not audit the denied request %s %s", request.method, request.path)


def _stale(exc):
    db.session.rollback()
    conflict = TaskConflict("该事项已被他人处理，请刷新后重试。")
    return respond(conflict.status, conflict.message, conflict.code)


def _integrity(exc):
    # Two writers raced on a unique value; the loser retries with fresh data.
    db.session.rollback()
    log.warning("integrity conflict on %s: %s", request.path, exc.orig)
    return respond(409, "数据已被他人同时修改，请刷新后重试。", "conflict")


def _http(exc):
    # A description written for our users is Chinese; werkzeug's own (and JSON decoding's) are English.
    custom = exc.description != type(exc).description and is_chinese(exc.description or "")
    message = exc.description if custom else HTTP_MESSAGES.get(exc.code, "请求有误。")
    refused = _parsed_fields(exc)
    if refused is not None:  # /api/v1 arguments read by webargs: the fields at fault, as a form's
        invalid = FormInvalid(refused)
        return respond(invalid.status, invalid.message, invalid.code, fields=refused)
    return respond(exc.code, message, exc.name.lower().replace(" ", "_"))


def _parsed_fields(exc):
    """The refused fields of a webargs 422 ({location: {field: messages}}), merged over locations, or None."""
    messages = (getattr(exc, "data", None) or {}).get("messages") if exc.code == 422 else None
    if not isinstance(messages, dict):
        return None
    return {name: errors for located in messages.values() if isinstance(located, dict)
            for name, errors in located.items()}


def _too_large(exc):
    # An upload past MAX_CONTENT_LENGTH names the attachment limit (files are the only uploads people make).
    from flask import current_app

    from webapp.attachments.limits import too_large_message

    db.session.rollback()
    uploading = request.mimetype == "multipart/form-data"
    return respond(413, too_large_message(current_app.config) if uploading else HTTP_MESSAGES[413], "too_large")


def _unexpected(exc):
    db.session.rollback()
    log.exception("unhandled error on %s", request.path)
    return respond(500, HTTP_MESSAGES[500], "internal_error")


def init_app(app):
    app.register_error_handler(AppError, _engine_error)
    app.register_error_handler(StaleDataError, _stale)
    app.register_error_handler(IntegrityError, _integrity)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(Exception, _unexpected)
