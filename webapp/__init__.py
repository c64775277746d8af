"""GovFlow: BPMN workflows for information reporting and leader-instruction supervision."""
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

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
    register_blueprints(app)
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


def register_engine(app):
    import handlers

    from .engine import clock, store
    from .handler_services import services_for

    handlers.load_all()
    clock.install()
    store.set_services_factory(services_for)
    from .engine import demo_clock

    demo_clock.init_app(app)
    from .reports import process as reports_process

    reports_process.init_app(app)
    from .cases import process as cases_process

    cases_process.init_app(app)
    from .emergencies import process as emergencies_process

    emergencies_process.init_app(app)
    from .engine import scheduling

    scheduling.init_app(app)  # RQ enqueueing of armed timers (production only)
    from . import notices

    notices.init_app(app)  # new-task notices; deliveries over email / SMS / IM after commit
    from . import audit

    audit.init_app(app)  # the hash-chained audit log, written at each commit; `flask audit verify`


def register_blueprints(app):
    from .admin.views import bp as admin_bp
    from .api.views import bp as api_bp
    from .audit.views import bp as audit_bp
    from .auth.views import bp as auth_bp
    from .cases.views import bp as cases_bp
    from .commissions.views import bp as commissions_bp
    from .designer.views import bp as designer_bp
    from .emergencies.views import bp as emergencies_bp
    from .inbox import actions as _inbox_verbs  # noqa: F401  (its routes join the inbox blueprint)
    from .inbox.views import bp as inbox_bp
    from .notices.views import bp as notices_bp
    from .organisation.import_views import bp as org_import_bp
    from .organisation.views import bp as organisation_bp
    from .reports import draft_views as _report_drafts  # noqa: F401  (its routes join the reports blueprint)
    from .reports.views import bp as reports_bp
    from .scoring.views import bp as scoring_bp
    from .search.views import bp as search_bp
    from .sheets.views import bp as sheets_bp
    from .statistics.views import bp as statistics_bp
    from .supervision.views import bp as supervision_bp
    from .vendor import bp as vendor_bp
    from .workcal.views import bp as workcal_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(vendor_bp)
    app.register_blueprint(inbox_bp)
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(cases_bp, url_prefix="/cases")
    app.register_blueprint(supervision_bp, url_prefix="/supervision")
    app.register_blueprint(statistics_bp, url_prefix="/statistics")
    app.register_blueprint(scoring_bp, url_prefix="/scoring")
    app.register_blueprint(commissions_bp, url_prefix="/commissions")
    app.register_blueprint(emergencies_bp, url_prefix="/emergencies")
    app.register_blueprint(notices_bp, url_prefix="/notices")
    app.register_blueprint(sheets_bp, url_prefix="/sheets")
    app.register_blueprint(search_bp, url_prefix="/search")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(workcal_bp, url_prefix="/admin/calendar")
    app.register_blueprint(api_bp, url_prefix="/api")
    app.register_blueprint(audit_bp, url_prefix="/admin/audit")
    app.register_blueprint(organisation_bp, url_prefix="/admin")
    app.register_blueprint(designer_bp, url_prefix="/admin/designer")
    app.register_blueprint(org_import_bp, url_prefix="/admin/organisation")
    from . import designer

    designer.init_app(app)  # the instance diagram offered to every detail page
    from . import attachments
    from .attachments.views import bp as attachments_bp

    app.register_blueprint(attachments_bp, url_prefix="/attachments")
    attachments.init_app(app)  # limits and storage checked at start; the panel offered to templates
    from . import filters

    filters.init_app(app)


def register_errorhandlers(app):
    from .errors import init_app

    init_app(app)


def register_commands(app):
    from .cli import init_app

    init_app(app)
