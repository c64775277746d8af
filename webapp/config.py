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


def normalize_database_url(url):
    """PostgreSQL URLs use the psycopg 3 driver whatever scheme they were written with."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load(app, overrides=None):
    """Fill app.config and check it; raise ConfigError for unsafe production settings."""
    app.config.from_object(Config)
    if overrides:
        app.config.update(overrides)
    cfg = app.config
    if not cfg.get("SQLALCHEMY_DATABASE_URI"):
        cfg["SQLALCHEMY_DATABASE_URI"] = _default_sqlite_url()
    cfg["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(cfg["SQLALCHEMY_DATABASE_URI"])
    if cfg["GOVFLOW_ENV"] == "production":
        if not cfg.get("SECRET_KEY"):
            raise ConfigError("SECRET_KEY must be set in production")
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
