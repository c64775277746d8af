"""/healthz and /readyz: without login, ok/fail per check, 503 when a check fails, never a detail."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from tests.conftest import stamp_head
from webapp import create_app
from webapp.core import clock
from webapp.extensions import db
from webapp.workcal.models import CalendarYear

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def _probe(client, path="/readyz"):
    response = client.get(path)
    body = response.get_json()
    assert response.headers.get("Cache-Control") == "no-store" or path == "/healthz"
    return response.status_code, body


def _only_ok_or_fail(body):
    assert set(body) <= {"status", "checks", "warnings"}
    assert set(body["checks"].values()) <= {"ok", "fail"}


def test_healthz_answers_without_login(app):
    status, body = _probe(app.test_client(), "/healthz")
    assert (status, body) == (200, {"status": "ok"})


def test_readyz_all_ok_on_a_migrated_database(app):
    status, body = _probe(app.test_client())
    assert status == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


def test_readyz_fails_when_the_database_is_behind_the_code(app):
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'a18a00000002'"))
    try:
        status, body = _probe(app.test_client())
    finally:
        stamp_head()
    assert status == 503
    assert body["checks"] == {"database": "ok", "migrations": "fail"}
    assert "a18a" not in str(body)
    _only_ok_or_fail(body)


def test_readyz_fails_without_a_database_and_tells_nothing(tmp_path):
    broken = create_app({"TESTING": True, "SECRET_KEY": "x", "DEMO_CLOCK": False,
                         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/govflow.db"})
    with broken.app_context():
        status, body = _probe(broken.test_client())
    assert status == 503
    assert body == {"status": "fail", "checks": {"database": "fail", "migrations": "fail"}}


def test_readyz_checks_redis_only_when_configured(app):
    app.config["REDIS_URL"] = UNREACHABLE_REDIS
    try:
        status, body = _probe(app.test_client())
    finally:
        app.config["REDIS_URL"] = None
    assert status == 503
    assert body["checks"] == {"database": "ok", "redis": "fail", "migrations": "ok"}
    assert "6379" not in str(body) and ":1" not in str(body)


@pytest.mark.parametrize(("moment", "confirmed_next", "warnings"), [
    (datetime(2026, 10, 31, 15, 0, tzinfo=UTC), False, None),  # 31 October in Shanghai: not yet
    (datetime(2026, 10, 31, 16, 0, tzinfo=UTC), False, ["calendar_next_year"]),  # 1 November 00:00 in Shanghai
    (datetime(2026, 12, 20, 2, 0, tzinfo=UTC), True, None),
])
def test_next_years_calendar_is_a_warning_from_november(app, moment, confirmed_next, warnings):
    clock.set_fixed(moment)
    if confirmed_next:
        db.session.add(CalendarYear(year=2027, confirmed_dt=moment, note="测试"))
        db.session.commit()
    status, body = _probe(app.test_client())
    assert status == 200  # a missing calendar never takes the node out of rotation
    assert body.get("warnings") == warnings


def test_a_year_without_calendar_data_is_warned_at_once(app):
    clock.set_fixed(datetime(2027, 3, 1, 2, 0, tzinfo=UTC))  # the package (1.11.0) ends with 2026
    status, body = _probe(app.test_client())
    assert status == 200
    assert body["warnings"] == ["calendar_this_year"]
