"""Operations endpoints, open without login: /healthz (the process answers), /readyz (it can serve), /metrics
(Prometheus; only from METRICS_ALLOW addresses or with METRICS_TOKEN)."""
from flask import Blueprint, Response, abort, jsonify

from . import access, health
from . import metrics as exposition

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


@bp.get("/metrics")
def metrics():
    if not access.may_scrape():
        abort(403)
    body, content_type = exposition.exposition()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})
