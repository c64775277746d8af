"""X-Forwarded-For names the client in the audit log only when GOVFLOW_PROXY_FIX trusts that many proxies."""
import pytest

from tests.audit.helpers import entries
from tests.conftest import PASSWORD, IsolatedClient
from tests.web_helpers import csrf
from webapp import create_app


@pytest.fixture
def behind_one_proxy(app):
    proxied = create_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "TESTING")},
                          "DEMO_CLOCK": False, "PROXY_FIX": 1})
    proxied.test_client_class = IsolatedClient
    return proxied


def _login(client):
    return client.post("/login", data={"username": "writer_a", "password": PASSWORD, "csrf_token": csrf(client)},
                       headers={"X-Forwarded-For": "10.9.8.7, 203.0.113.7"})


def test_forwarded_for_is_ignored_by_default(app, org):
    assert _login(app.test_client()).status_code == 302
    assert entries(action="auth.login")[-1].ip == "127.0.0.1"  # a client cannot pass itself off as another


def test_the_trusted_proxy_names_the_client(behind_one_proxy, org):
    with behind_one_proxy.app_context():
        assert _login(behind_one_proxy.test_client()).status_code == 302
        # One trusted proxy: the address it appended, not whatever the client wrote before it.
        assert entries(action="auth.login")[-1].ip == "203.0.113.7"
