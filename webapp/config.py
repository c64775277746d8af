"""Settings, read from the environment; production refuses unsafe defaults."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """Raised at start-up when the configuration is unsafe or incomplete."""


def _default_sqlite_url():
    var = ROOT / "var"
    var.mkdir(exist_ok=True)
    return f"sqlite:///{var / 'govflow.db'}"


def _flag(value):
    """An on/off environment value; None when unset."""
    return None if value in (None, "") else value.strip().lower() in ("1", "true", "yes", "on")


class Config:
    # Embedded default: SQLite file under var/, jobs in-process, demo clock allowed.
    GOVFLOW_ENV = os.environ.get("GOVFLOW_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")  # unset: jobs run in-process
    RQ_QUEUE = os.environ.get("RQ_QUEUE", "govflow")
    # The demo clock lets a new user move time forward; never in production.
    DEMO_CLOCK = os.environ.get("GOVFLOW_DEMO_CLOCK", "1") == "1"
    # In-process timer sweep interval (embedded default) in seconds.
    TIMER_SWEEP_SECONDS = float(os.environ.get("GOVFLOW_TIMER_SWEEP_SECONDS", "5"))
    # The engine stops an instance that runs more than this many steps in one go.
    ENGINE_MAX_STEPS = int(os.environ.get("GOVFLOW_ENGINE_MAX_STEPS", "1000"))
    JSON_AS_ASCII = False
    # 催办: at most one urge per task within this many minutes.
    URGE_INTERVAL_MINUTES = int(os.environ.get("GOVFLOW_URGE_INTERVAL_MINUTES", "60"))
    # Inbox lists: a deadline this close is marked yellow (past it: red); rows per page.
    INBOX_NEAR_DUE_HOURS = float(os.environ.get("GOVFLOW_INBOX_NEAR_DUE_HOURS", "24"))
    INBOX_PAGE_SIZE = int(os.environ.get("GOVFLOW_INBOX_PAGE_SIZE", "50"))
    # Emergency information (docs/emergency.md): hours from the event to reach each level (domain.md: city 2,
    # province 5, centre 6; `county=1` adds a county limit), the warning lead, the written report owed after a
    # phone report, and the information department's hours (outside them, and on non-working days, reports go
    # to the duty office).
    EMERGENCY_LIMITS = os.environ.get("GOVFLOW_EMERGENCY_LIMITS", "city=2,province=5,centre=6")
    EMERGENCY_WARN_MINUTES = float(os.environ.get("GOVFLOW_EMERGENCY_WARN_MINUTES", "30"))
    EMERGENCY_WRITTEN_MINUTES = float(os.environ.get("GOVFLOW_EMERGENCY_WRITTEN_MINUTES", "60"))
    EMERGENCY_WORK_HOURS = os.environ.get("GOVFLOW_EMERGENCY_WORK_HOURS", "08:30-12:00,13:30-17:30")
    # A phone report whose claimed call time is more than this many minutes before it was entered is a 补录,
    # shown as such; an event time older than this many days needs a stated reason.
    EMERGENCY_PHONE_BACKFILL_MINUTES = float(os.environ.get("GOVFLOW_PHONE_BACKFILL_MINUTES", "30"))
    EMERGENCY_MAX_EVENT_AGE_DAYS = float(os.environ.get("GOVFLOW_EMERGENCY_MAX_EVENT_AGE_DAYS", "30"))
    # Notices outside the system (docs/notifications.md). NOTICE_CHANNELS unset: "email" when MAIL_SERVER
    # is set, else none; "sms" and "im" only when listed, by default through the logging adapter.
    NOTICE_CHANNELS = os.environ.get("NOTICE_CHANNELS")
    NOTICE_ADAPTER_EMAIL = os.environ.get("NOTICE_ADAPTER_EMAIL", "webapp.notices.channels.EmailChannel")
    NOTICE_ADAPTER_SMS = os.environ.get("NOTICE_ADAPTER_SMS", "webapp.notices.channels.LoggingChannel")
    NOTICE_ADAPTER_IM = os.environ.get("NOTICE_ADAPTER_IM", "webapp.notices.channels.LoggingChannel")
    NOTICE_MAX_ATTEMPTS = int(os.environ.get("NOTICE_MAX_ATTEMPTS", "5"))
    NOTICE_RETRY_SECONDS = float(os.environ.get("NOTICE_RETRY_SECONDS", "60"))  # doubled after each failure
    NOTICE_REQUEUE_AFTER_SECONDS = float(os.environ.get("NOTICE_REQUEUE_AFTER_SECONDS", "120"))
    NOTICE_BASE_URL = os.environ.get("NOTICE_BASE_URL", "")  # e.g. https://govflow.example.gov.cn for links
    # Where the site is served, so links built outside a request (RQ jobs, the timer sweep) match the pages':
    # `core.links.path_for` binds the URL map to these (e.g. govflow.example.gov.cn, https, /govflow).
    SERVER_NAME = os.environ.get("GOVFLOW_SERVER_NAME") or None
    PREFERRED_URL_SCHEME = os.environ.get("GOVFLOW_URL_SCHEME", "http")
    APPLICATION_ROOT = os.environ.get("GOVFLOW_APPLICATION_ROOT", "/")
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ["MAIL_PORT"]) if os.environ.get("MAIL_PORT") else None  # None: 465 / 587 / 25
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"  # STARTTLS
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"  # SMTP over TLS from the start
    MAIL_FROM = os.environ.get("MAIL_FROM", "GovFlow <govflow@localhost>")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    # Attachments (docs/attachments.md): files outside the database; in production ATTACHMENT_DIR is a mount
    # every web machine shares. Unset: <instance path>/attachments (development only).
    ATTACHMENT_DIR = os.environ.get("ATTACHMENT_DIR")
    ATTACHMENT_STORAGE = os.environ.get("ATTACHMENT_STORAGE", "webapp.attachments.storage.LocalStorage")
    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
    ATTACHMENT_EXTENSIONS = os.environ.get(
        "ATTACHMENT_EXTENSIONS", "pdf,ofd,doc,docx,wps,xls,xlsx,et,ppt,pptx,txt,jpg,jpeg,png,zip")
    # Security (docs/security.md). Cookies: never readable by scripts, not sent on cross-site posts, and over
    # HTTPS only in production (unset: on exactly when GOVFLOW_ENV=production).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    COOKIE_SECURE = _flag(os.environ.get("GOVFLOW_COOKIE_SECURE"))
    # HSTS max-age sent in production (0: no header).
    HSTS_SECONDS = int(os.environ.get("GOVFLOW_HSTS_SECONDS", str(365 * 24 * 3600)))
    # Failed login POSTs allowed per client address (Flask-Limiter notation); successful logins do not count.
    LOGIN_RATE_LIMIT = os.environ.get("GOVFLOW_LOGIN_RATE_LIMIT", "10 per minute;100 per hour")
    # Calls to /api/v1 allowed per access token (a session: per user), Flask-Limiter notation (docs/api.md).
    API_RATE_LIMIT = os.environ.get("GOVFLOW_API_RATE_LIMIT", "600 per minute")
    # Where the limiter counts: unset, REDIS_URL when set (shared by every web machine), else this process.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI")
    RATELIMIT_HEADERS_ENABLED = True
    # While Redis is down the login limit counts per process instead of answering 500 (account lockout lives in
    # the database and is not affected): docs/reliability.md.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # An account name with this many failed logins within the window is locked for LOGIN_LOCKOUT_MINUTES.
    LOGIN_LOCKOUT_FAILURES = int(os.environ.get("GOVFLOW_LOGIN_LOCKOUT_FAILURES", "5"))
    LOGIN_LOCKOUT_WINDOW_MINUTES = float(os.environ.get("GOVFLOW_LOGIN_LOCKOUT_WINDOW_MINUTES", "15"))
    LOGIN_LOCKOUT_MINUTES = float(os.environ.get("GOVFLOW_LOGIN_LOCKOUT_MINUTES", "15"))
    # Defaults of the password and session policy until the 安全保密管理员 saves one (管理 → 安全策略): shortest
    # password; how many of the four kinds (upper, lower, digit, other) it needs; how many recent passwords may
    # not be reused (0: no history); days a password lasts (0: forever); minutes of inactivity that end a session.
    PASSWORD_MIN_LENGTH = int(os.environ.get("GOVFLOW_PASSWORD_MIN_LENGTH", "8"))
    PASSWORD_MIN_KINDS = int(os.environ.get("GOVFLOW_PASSWORD_MIN_KINDS", "3"))
    PASSWORD_HISTORY = int(os.environ.get("GOVFLOW_PASSWORD_HISTORY", "5"))
    PASSWORD_MAX_AGE_DAYS = int(os.environ.get("GOVFLOW_PASSWORD_MAX_AGE_DAYS", "0"))
    SESSION_IDLE_MINUTES = int(os.environ.get("GOVFLOW_SESSION_IDLE_MINUTES", "30"))
    # OpenID Connect single sign-on beside passwords (docs/security.md); off unless the issuer is set. The claim
    # named by OIDC_USERNAME_CLAIM must equal an active GovFlow username; nobody is created.
    OIDC_ISSUER = os.environ.get("GOVFLOW_OIDC_ISSUER")
    OIDC_CLIENT_ID = os.environ.get("GOVFLOW_OIDC_CLIENT_ID")
    OIDC_CLIENT_SECRET = os.environ.get("GOVFLOW_OIDC_CLIENT_SECRET")
    OIDC_USERNAME_CLAIM = os.environ.get("GOVFLOW_OIDC_USERNAME_CLAIM", "preferred_username")
    OIDC_TIMEOUT = float(os.environ.get("GOVFLOW_OIDC_TIMEOUT", "10"))
    # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted (0: none).
    PROXY_FIX = int(os.environ.get("GOVFLOW_PROXY_FIX", "0"))


# Long keys that appear in examples and tutorials; the development key under var/ is refused as well.
KNOWN_SECRET_KEYS = {"change-this-to-a-long-random-secret-key", "please-change-this-secret-key-in-production",
                     "your-secret-key-here-change-in-production", "12345678901234567890123456789012",
                     "00000000000000000000000000000000", "abcdefghijklmnopqrstuvwxyz123456"}
SECRET_KEY_MIN_LENGTH = 32


def normalize_database_url(url):
    """PostgreSQL URLs use the psycopg 3 driver whatever scheme they were written with."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _security_settings(cfg, production, overrides):
    secure = production if cfg.get("COOKIE_SECURE") is None else bool(cfg["COOKIE_SECURE"])
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if key not in (overrides or {}):
            cfg[key] = secure
    if not cfg.get("RATELIMIT_STORAGE_URI"):
        cfg["RATELIMIT_STORAGE_URI"] = cfg.get("REDIS_URL") or "memory://"
    if cfg.get("TESTING") and "LOGIN_RATE_LIMIT" not in (overrides or {}):
        # The test suite logs in thousands of times from 127.0.0.1; tests/auth lower it to prove the limit.
        cfg["LOGIN_RATE_LIMIT"] = "100000 per minute"
    if cfg.get("TESTING") and "API_RATE_LIMIT" not in (overrides or {}):
        cfg["API_RATE_LIMIT"] = "100000 per minute"  # tests/api lowers it to prove the limit


def _check_secret_key(key):
    if not key:
        raise ConfigError("SECRET_KEY must be set in production")
    dev_key_file = ROOT / "var" / "secret_key"
    known = KNOWN_SECRET_KEYS | ({dev_key_file.read_text().strip()} if dev_key_file.exists() else set())
    if len(key) < SECRET_KEY_MIN_LENGTH or key.strip().lower() in known or len(set(key)) < 8:
        raise ConfigError(f"SECRET_KEY is too weak for production: use at least {SECRET_KEY_MIN_LENGTH} random "
                          "characters (e.g. python -c 'import secrets; print(secrets.token_hex(32))')")


def load(app, overrides=None):
    """Fill app.config and check it; raise ConfigError for unsafe production settings."""
    app.config.from_object(Config)
    if overrides:
        app.config.update(overrides)
    cfg = app.config
    if not cfg.get("SQLALCHEMY_DATABASE_URI"):
        cfg["SQLALCHEMY_DATABASE_URI"] = _default_sqlite_url()
    cfg["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(cfg["SQLALCHEMY_DATABASE_URI"])
    if cfg["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite waits up to 30 s for the write lock. Set before `db.init_app`, which reads the options once.
        # A copy: the defaults dict lives on the Config class, shared by every app of the process.
        options = dict(cfg.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {**options.get("connect_args", {}), "timeout": 30}
        cfg["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if cfg.get("MAX_CONTENT_LENGTH") is None:
        # A request well above the attachment limit is cut while it arrives (413), not read to the end first.
        cfg["MAX_CONTENT_LENGTH"] = int(cfg["ATTACHMENT_MAX_BYTES"]) + 1024 * 1024
    if cfg.get("OIDC_ISSUER") and not (cfg.get("OIDC_CLIENT_ID") and cfg.get("OIDC_CLIENT_SECRET")):
        raise ConfigError("GOVFLOW_OIDC_ISSUER needs GOVFLOW_OIDC_CLIENT_ID and GOVFLOW_OIDC_CLIENT_SECRET")
    production = cfg["GOVFLOW_ENV"] == "production"
    _security_settings(cfg, production, overrides)
    if production:
        _check_secret_key(cfg.get("SECRET_KEY"))
        if cfg.get("DEMO_CLOCK"):
            raise ConfigError("GOVFLOW_DEMO_CLOCK must be 0 in production")
        if cfg["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            raise ConfigError("production needs DATABASE_URL pointing at PostgreSQL")
    elif not cfg.get("SECRET_KEY"):
        # Development only: a per-checkout key kept under var/ so sessions survive restarts.
        key_file = ROOT / "var" / "secret_key"
        key_file.parent.mkdir(exist_ok=True)
        if not key_file.exists():
            key_file.write_text(os.urandom(24).hex())
        cfg["SECRET_KEY"] = key_file.read_text().strip()
