"""Login throttling: a limit per client address, a temporary lockout per account name, equal time for unknown names."""
import re
import statistics
import time
from datetime import timedelta

import pytest

from tests.audit.helpers import entries
from tests.audit.test_concurrency import in_threads
from tests.conftest import PASSWORD, START
from tests.web_helpers import csrf
from webapp.auth import operations
from webapp.auth.models import LoginThrottle, User
from webapp.core import clock
from webapp.extensions import db, limiter


@pytest.fixture
def rate_limit(app, monkeypatch):
    """The real limiter with a limit low enough to reach (the suite's own logins run under a huge one)."""
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    limiter.reset()
    yield
    limiter.reset()


def _post(client, username, password, address="192.0.2.10"):
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf(client)},
                       environ_base={"REMOTE_ADDR": address})


def test_the_suite_runs_with_the_limiter_on(app):
    assert limiter.enabled and app.config["RATELIMIT_ENABLED"] is not False


def test_failed_logins_from_one_address_are_limited(app, org, rate_limit):
    client = app.test_client()
    for username in ("writer_a", "writer_b", "nobody"):
        assert _post(client, username, "wrong").status_code == 401
    blocked = _post(client, "writer_a", PASSWORD)
    assert blocked.status_code == 429
    assert "登录尝试过于频繁，请 1 分钟后再试。" in blocked.get_data(as_text=True)
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
    for _ in range(3):
        assert _post(client, "writer_b", "wrong").status_code == 429
    assert [e.action for e in entries()].count("auth.rate_limited") == 1  # a flood is one entry a minute
    other_office = app.test_client()
    assert _post(other_office, "writer_a", PASSWORD, address="198.51.100.20").status_code == 302


def test_successful_logins_do_not_count(app, org, rate_limit):
    for _ in range(6):  # a whole office behind one address logging in at nine
        assert _post(app.test_client(), "writer_a", PASSWORD).status_code == 302


def _lock(client, username):
    for _ in range(4):
        assert _post(client, username, "wrong").status_code == 401
    return _post(client, username, "wrong")


def test_five_failures_lock_the_account_for_fifteen_minutes(app, org):
    client = app.test_client()
    locked = _lock(client, "writer_a")
    until = (START + timedelta(minutes=15)).astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    message = f"该账号连续登录失败次数过多，已临时锁定，请于 {until} 后再试。"
    assert locked.status_code == 429 and message in locked.get_data(as_text=True)
    right = _post(client, "writer_a", PASSWORD, address="198.51.100.20")  # even the right password, from anywhere
    assert right.status_code == 429 and message in right.get_data(as_text=True)
    assert _post(app.test_client(), "writer_b", PASSWORD).status_code == 302  # other accounts are not touched
    locks = entries(action="auth.account_locked")
    assert len(locks) == 1 and locks[0].username == "writer_a" and locks[0].user_id is not None
    assert [e.action for e in entries(username="writer_a")][-1] == "auth.login_locked"
    clock.set_fixed(START + timedelta(minutes=15, seconds=1))
    assert _post(client, "writer_a", PASSWORD).status_code == 302


def test_failures_spread_beyond_the_window_do_not_lock(app, org):
    client = app.test_client()
    for _ in range(4):
        assert _post(client, "writer_a", "wrong").status_code == 401
    clock.set_fixed(START + timedelta(minutes=15, seconds=1))
    for _ in range(4):
        assert _post(client, "writer_a", "wrong").status_code == 401
    assert _post(client, "writer_a", PASSWORD).status_code == 302


def test_a_successful_login_clears_the_count(app, org):
    client = app.test_client()
    for _ in range(4):
        _post(client, "writer_a", "wrong")
    assert _post(client, "writer_a", PASSWORD).status_code == 302
    for _ in range(4):
        assert _post(app.test_client(), "writer_a", "wrong").status_code == 401


def test_an_unknown_name_is_locked_the_same_way(app, org):
    """A lockout tells nothing about which names exist."""
    known, unknown = _lock(app.test_client(), "writer_a"), _lock(app.test_client(), "no_such_user")
    assert known.status_code == unknown.status_code == 429
    def page(response):
        return re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))

    assert page(known) == page(unknown)


def test_lockout_settings_are_configurable(app, org, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LOCKOUT_FAILURES", 2)
    monkeypatch.setitem(app.config, "LOGIN_LOCKOUT_MINUTES", 60)
    client = app.test_client()
    assert _post(client, "writer_a", "wrong").status_code == 401
    locked = _post(client, "writer_a", "wrong")
    until = (START + timedelta(minutes=60)).astimezone(clock.LOCAL_TZ).strftime("%H:%M")
    assert locked.status_code == 429 and until in locked.get_data(as_text=True)


def test_unknown_names_take_as_long_as_real_ones(app, org, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LOCKOUT_FAILURES", 1000)
    real = db.session.query(User).filter_by(username="writer_a").one()
    real.set_password(PASSWORD)  # the production hash method and cost, not the fixtures' fast one
    db.session.commit()
    client = app.test_client()
    token = csrf(client)

    def seconds(username):
        started = time.perf_counter()
        response = client.post("/login", data={"username": username, "password": "wrong", "csrf_token": token})
        assert response.status_code == 401
        return time.perf_counter() - started

    seconds("no_such_user")  # warm-up
    known, unknown = [], []
    for _ in range(7):
        known.append(seconds("writer_a"))
        unknown.append(seconds("no_such_user"))
    ratio = statistics.median(known) / statistics.median(unknown)
    assert 1 / 3 < ratio < 3, (known, unknown)


def test_failures_at_the_same_moment_all_count_and_lock_once(app, org):
    """Eight wrong passwords at once for a name with no row yet: no error, eight failures, one lock entry."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrent transactions are what PostgreSQL serves; SQLite has one writer at a time")

    def fail(index):
        assert operations.attempt_login("writer_a", "wrong").user is None
        db.session.commit()

    assert in_threads(app, 8, fail) == []
    db.session.expire_all()
    assert db.session.get(LoginThrottle, "writer_a").failures == 8
    assert len(entries(action="auth.account_locked")) == 1 and len(entries(action="auth.login_failed")) == 8
