"""GovFlow: BPMN workflows for information reporting and leader-instruction supervision."""
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.utils import import_string

from . import config
from .extensions import db, limiter, login_manager, migrate


def create_app(test_config=None):
    app = Flask(__name__)
    config.load(app, test_config)
    from . import inputs

    inputs.init_app(app)  # bounded URL ids and JSON bodies, before any route is added
    if app.config["PROXY_FIX"]:
        # Behind N trusted proxies, the client's address (audit log, login limit) is the N-th from the right.
        hops = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    register_extensions(app)
    register_engine(app)
    register_domains(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app):
    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    limiter.init_app(app)
    from .auth import csrf, headers

    csrf.init_app(app)
    from . import idempotency

    idempotency.init_app(app)  # one-time keys: a repeated creating post answers with the first result
    headers.init_app(app)
    from .engine import database

    database.init_app(app)


# Every domain declares what it brings in its package's __init__.py (`core.domain.Domain`); this is the list.
DOMAINS = ("ops", "auth", "audit", "organisation", "workcal", "notices", "attachments", "reports", "commissions",
           "scoring", "cases", "supervision", "keytasks", "editorial", "emergencies", "statistics", "inbox", "designer",
           "sheets", "search", "admin", "api", "webhooks")


def register_engine(app):
    import handlers

    from . import engine
    from .auth import queries as people
    from .core import roles
    from .core.domain import registry
    from .engine import demo_clock, scheduling, spiff_time

    import_string("webapp.engine.models")
    spiff_time.install()
    engine.configure(role_for_lane=roles.role_code, secrecy_label=roles.secrecy_label, person=people.person,
                     colleagues=people.colleagues, handler=handlers.REGISTRY.get, handler_error=handlers.HandlerError,
                     services=registry.services_for)
    demo_clock.init_app(app)
    scheduling.init_app(app)  # RQ enqueueing of armed timers (production only)


def register_domains(app):
    from .core.domain import wire
    from .vendor import bp as vendor_bp

    app.register_blueprint(vendor_bp)
    for name in DOMAINS:
        wire(app, import_string(f"webapp.{name}:DOMAIN"))
    from . import filters

    filters.init_app(app)


def register_errorhandlers(app):
    from .errors import init_app

    init_app(app)


def register_commands(app):
    from .cli import init_app

    init_app(app)
