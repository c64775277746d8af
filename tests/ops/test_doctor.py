"""`flask govflow doctor`: a sound production configuration passes; each problem is named, and errors exit 1."""
import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from tests.conftest import stamp_head
from webapp.extensions import db
from webapp.ops import doctor
from webapp.ops.health import code_heads

STRONG_KEY = "k7Q9vX2mP4sL8wE1rT6yU3iO5pA0dF7gH2jK9zC4bN1"
REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def production(app, tmp_path):
    """A production configuration on the test database."""
    return {"GOVFLOW_ENV": "production", "SECRET_KEY": STRONG_KEY, "DEMO_CLOCK": False,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": REDIS_URL,
            "ATTACHMENT_DIR": str(tmp_path / "attachments"), "PROXY_FIX": 1}


def _lines(findings, level):
    return [f.line() for f in findings if f.level == level]


def _on_postgres(app):
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def test_a_sound_production_configuration_has_no_error(app, production):
    if not _on_postgres(app):
        pytest.skip("production needs PostgreSQL: run with DATABASE_URL")
    findings = doctor.examine(production)
    assert _lines(findings, doctor.ERROR) == []
    oks = "\n".join(_lines(findings, doctor.OK))
    for named in ("SECRET_KEY", "PostgreSQL", "database reachable", "migrations at head", "Redis reachable",
                  "attachment directory writable", "session cookie is Secure"):
        assert named in oks
    assert doctor.report(findings, echo=lambda line: None) == 0


def test_a_weak_configuration_names_every_problem(app, tmp_path):
    findings = doctor.examine({"GOVFLOW_ENV": "production", "SECRET_KEY": "changeme", "DEMO_CLOCK": True,
                               "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/weak.db",
                               "COOKIE_SECURE": False, "SESSION_COOKIE_SECURE": False})
    errors = "\n".join(_lines(findings, doctor.ERROR))
    assert "the app refuses to start" in errors
    assert "SECRET_KEY missing or weak" in errors and "SECRET_KEY 未设置或强度不足" in errors
    assert "DATABASE_URL is not PostgreSQL" in errors
    assert "GOVFLOW_DEMO_CLOCK=0" in errors
    assert "SESSION_COOKIE_SECURE is off" in errors
    assert "REDIS_URL is not set" in errors
    assert "ATTACHMENT_DIR must be an absolute path" in errors
    assert "migrations not at head" in errors  # a new SQLite file nobody upgraded
    assert "GOVFLOW_PROXY_FIX is 0" in "\n".join(_lines(findings, doctor.WARNING))
    output = []
    assert doctor.report(findings, echo=output.append) == 1
    assert output[0].startswith("ERROR") and output[-1].endswith("warning(s)")


def test_migrations_behind_the_code_are_an_error(app, production):
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'a19a00000001'"))
    try:
        errors = "\n".join(_lines(doctor.examine(production), doctor.ERROR))
    finally:
        stamp_head()
    heads = sorted(code_heads())
    assert heads != ["a19a00000001"]
    assert f"migrations not at head (database ['a19a00000001'], code {heads})" in errors


def test_unreachable_redis_and_unwritable_attachments_are_errors(app, production):
    findings = doctor.examine({**production, "REDIS_URL": "redis://127.0.0.1:1/0", "ATTACHMENT_DIR": "/proc/govflow"})
    errors = "\n".join(_lines(findings, doctor.ERROR))
    assert "Redis unreachable" in errors
    assert "attachment directory not writable: /proc/govflow" in errors


def test_no_worker_and_no_sweep_are_warnings(app, production):
    from redis import Redis

    Redis.from_url(REDIS_URL).flushdb()
    warnings = "\n".join(_lines(doctor.examine(production), doctor.WARNING))
    assert "no RQ worker listens on govflow" in warnings
    assert "the timer sweep is not scheduled" in warnings


def _env(tmp_path, **settings):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVFLOW_", "DATABASE_URL", "REDIS_URL"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path}/cli.db", "ATTACHMENT_DIR": str(tmp_path / "files"),
                "GOVFLOW_DEMO_CLOCK": "0", **settings})
    return env


def test_the_module_names_what_stops_the_start_and_exits_1(tmp_path):
    """`python -m webapp.ops.doctor` runs even where the app refuses to start (and `flask` cannot load it)."""
    env = _env(tmp_path, GOVFLOW_ENV="production", SECRET_KEY="short")
    result = subprocess.run([sys.executable, "-m", "webapp.ops.doctor"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "the app refuses to start" in result.stdout
    assert "SECRET_KEY missing or weak" in result.stdout
    assert "DATABASE_URL is not PostgreSQL" in result.stdout
    assert "attachment directory writable" in result.stdout
    assert "error(s)" in result.stdout.splitlines()[-1]


def test_the_flask_command_exits_1_on_errors(tmp_path):
    env = _env(tmp_path, GOVFLOW_ENV="development", SECRET_KEY=STRONG_KEY, REDIS_URL="redis://127.0.0.1:1/0")
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    result = subprocess.run([flask, "--app", "webapp", "govflow", "doctor"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "migrations not at head" in result.stdout  # a new SQLite file nobody upgraded
    assert "Redis unreachable" in result.stdout
    assert "GOVFLOW_ENV is 'development'" in result.stdout


def test_a_missing_metrics_directory_is_an_error(app, production, monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "absent"))
    assert "PROMETHEUS_MULTIPROC_DIR missing or not writable" in "\n".join(
        _lines(doctor.examine(production), doctor.ERROR))
    (tmp_path / "absent").mkdir()
    assert "metrics directory writable" in "\n".join(_lines(doctor.examine(production), doctor.OK))
