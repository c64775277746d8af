"""Operations: health and readiness probes, Prometheus metrics, request ids and structured logs, the doctor."""
import os

from webapp.config import ConfigError
from webapp.core.domain import Domain

DOMAIN = Domain(
    name="ops", label="运行监控",
    blueprints=(("webapp.ops.views:bp", ""),),  # /healthz, /readyz, /metrics
    setup="webapp.ops:init_app",  # request ids, JSON logs, metrics hooks, the 503 of a lost database
)


def init_app(app):
    from webapp import engine
    from webapp.core import request_ids

    from . import access, logs, metrics, steps, unavailable

    config = app.config
    config.setdefault("METRICS_ALLOW", os.environ.get("METRICS_ALLOW", access.DEFAULT_ALLOW))
    config.setdefault("METRICS_TOKEN", os.environ.get("METRICS_TOKEN") or None)
    config.setdefault("LOG_FORMAT", os.environ.get("LOG_FORMAT") or None)
    config.setdefault("LOG_LEVEL", os.environ.get("LOG_LEVEL", "INFO"))
    try:
        config["METRICS_ALLOW_NETWORKS"] = access.parse_networks(config["METRICS_ALLOW"])
    except ValueError as exc:
        raise ConfigError(f"METRICS_ALLOW: {exc}") from exc
    if config["LOG_FORMAT"]:
        try:
            logs.configure(config["LOG_FORMAT"], config["LOG_LEVEL"])
        except ValueError as exc:
            raise ConfigError(f"LOG_FORMAT / LOG_LEVEL: {exc}") from exc
    request_ids.init_app(app)
    unavailable.init_app(app)
    metrics.init_app(app)
    steps.install()
    engine.configure(observe_step=steps.observe)  # the engine's step measured by process and step
