"""Operations: health and readiness probes, Prometheus metrics, structured logs, `flask govflow doctor`."""


def init_app(app):
    from .views import bp

    app.register_blueprint(bp)
