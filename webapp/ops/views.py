"""Operations endpoints, open without login: /healthz (the process answers), /readyz (it can serve)."""
from flask import Blueprint, jsonify

from . import health

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    ready, checks, warnings = health.readiness()
    body = {"status": "ok" if ready else "fail", "checks": checks}
    if warnings:
        body["warnings"] = warnings
    response = jsonify(body)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
