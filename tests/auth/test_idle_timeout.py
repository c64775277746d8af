"""A session unused for longer than the policy's idle time is ended by the server: "登录已超时，请重新登录"."""
import time
from datetime import timedelta

from tests.audit.helpers import entries
from tests.auth.helpers import set_policy
from tests.web_helpers import login
from webapp.core import clock


def idle_for(client, minutes):
    """The browser's cookie as the server left it `minutes` ago: the user has done nothing since."""
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - minutes * 60


def test_a_session_idle_past_the_default_half_hour_is_ended(app, org):
    client = app.test_client()
    login(client, "writer_a")
    idle_for(client, 31)
    response = client.get("/reports/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/reports/")
    assert "登录已超时，请重新登录" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get("/").headers["Location"].startswith("/login")  # ended, not just warned
    assert entries(action="auth.session_timeout")[-1].username == "writer_a"


def test_using_the_session_keeps_it_alive(app, org):
    client = app.test_client()
    login(client, "writer_a")
    idle_for(client, 29)
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        assert int(time.time()) - session["last_seen"] < 60  # the clock of idleness starts again


def test_the_security_administrator_sets_the_idle_time(app, secadmin):
    set_policy(app, session_idle_minutes="10")
    client = app.test_client()
    login(client, "writer_a")
    idle_for(client, 11)
    response = client.get("/api/tasks", headers={"Accept": "application/json"})
    assert response.status_code == 401 and response.get_json()["message"] == "登录已超时，请重新登录"


def test_moving_the_business_clock_forward_is_not_idleness(app, org):
    """The demo clock and the tests' pinned clock move days at a time; nobody was away from the keyboard."""
    client = app.test_client()
    login(client, "writer_a")
    clock.advance(timedelta(days=3))
    assert client.get("/").status_code == 200
