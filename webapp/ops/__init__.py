"""Operations: health and readiness probes, Prometheus metrics, structured logs, `flask govflow doctor`."""
import os

from webapp.config import ConfigError


def init_app(app):
    from . import access, metrics
    from .views import bp

    config = app.config
    config.setdefault("METRICS_ALLOW", os.environ.get("METRICS_ALLOW", access.DEFAULT_ALLOW))
    config.setdefault("METRICS_TOKEN", os.environ.get("METRICS_TOKEN") or None)
    try:
        config["METRICS_ALLOW_NETWORKS"] = access.parse_networks(config["METRICS_ALLOW"])
    except ValueError as exc:
        raise ConfigError(f"METRICS_ALLOW: {exc}") from exc
    metrics.init_app(app)
    app.register_blueprint(bp)
