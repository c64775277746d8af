"""Production refuses weak secret keys; cookies are Secure there, HSTS is sent and the limiter counts in Redis."""
import secrets

import pytest
from flask import Flask, session

from webapp import config
from webapp.auth import headers

STRONG = secrets.token_hex(32)
PRODUCTION = {"GOVFLOW_ENV": "production", "DEMO_CLOCK": False,
              "SQLALCHEMY_DATABASE_URI": "postgresql://govflow@db.example/govflow"}


def _load(**settings):
    app = Flask("config-check")
    config.load(app, {**PRODUCTION, **settings})
    return app


@pytest.mark.parametrize("key", [None, "", "x", "test", "bench-http-load", "a" * 31, "a" * 64,
                                 "change-this-to-a-long-random-secret-key", "12345678901234567890123456789012"])
def test_production_refuses_a_weak_secret_key(key):
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        _load(SECRET_KEY=key)


def test_production_refuses_the_development_key_of_this_checkout():
    dev_key = config.ROOT / "var" / "secret_key"
    if not dev_key.exists():
        config.load(Flask("dev"), {"SECRET_KEY": None})  # development writes it
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        _load(SECRET_KEY=dev_key.read_text().strip())


def test_production_starts_with_a_strong_key_and_secure_cookies():
    app = _load(SECRET_KEY=STRONG, REDIS_URL="redis://127.0.0.1:6379/0")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"

    @app.route("/set")
    def set_session():
        session["x"] = 1
        return "ok"

    cookie = app.test_client().get("/set").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_development_cookies_are_not_secure_unless_asked():
    dev = Flask("dev")
    config.load(dev, {"SECRET_KEY": "dev"})
    assert dev.config["SESSION_COOKIE_SECURE"] is False and dev.config["RATELIMIT_STORAGE_URI"] == "memory://"
    behind_tls = Flask("dev")
    config.load(behind_tls, {"SECRET_KEY": "dev", "COOKIE_SECURE": True})
    assert behind_tls.config["SESSION_COOKIE_SECURE"] is True


def test_hsts_only_in_production():
    def served(app):
        headers.init_app(app)
        app.add_url_rule("/", "home", lambda: "ok")
        return app.test_client().get("/").headers

    assert served(_load(SECRET_KEY=STRONG))["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    dev = Flask("dev")
    config.load(dev, {"SECRET_KEY": "dev"})
    assert "Strict-Transport-Security" not in served(dev)


def test_single_sign_on_needs_its_client_credentials():
    with pytest.raises(config.ConfigError, match="GOVFLOW_OIDC_CLIENT_SECRET"):
        _load(SECRET_KEY=STRONG, OIDC_ISSUER="https://sso.example.gov.cn", OIDC_CLIENT_ID="govflow")
    app = _load(SECRET_KEY=STRONG, OIDC_ISSUER="https://sso.example.gov.cn", OIDC_CLIENT_ID="govflow",
                OIDC_CLIENT_SECRET="s")
    assert app.config["OIDC_USERNAME_CLAIM"] == "preferred_username"
