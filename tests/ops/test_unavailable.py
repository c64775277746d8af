"""A lost database answers 503 with Retry-After and a Chinese message (HTML or JSON), never a 500."""
import pytest
from sqlalchemy.exc import OperationalError

from tests.web_helpers import csrf
from webapp import create_app
from webapp.extensions import db

URL = "postgresql://postgres@127.0.0.1:1/nowhere"  # nothing listens on port 1: connection refused at once


@pytest.fixture
def lost(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DEMO_CLOCK": False, "SQLALCHEMY_DATABASE_URI": URL})
    with app.app_context():
        yield app.test_client()
        db.session.remove()


@pytest.mark.parametrize(("accept", "kind"), [("text/html", "text/html"), ("application/json", "application/json")])
def test_a_page_needing_the_database_answers_503(lost, accept, kind):
    token = csrf(lost)  # the login page itself needs no database
    response = lost.post("/login", data={"username": "x", "password": "y", "csrf_token": token},
                         headers={"Accept": accept})
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0  # the login limiter puts its own window here
    assert response.mimetype == kind
    text = response.get_json()["message"] if response.is_json else response.get_data(as_text=True)
    assert "系统暂时无法访问数据库" in text
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_only_database_errors_are_turned_into_503(app):
    from webapp.ops.unavailable import _database_unavailable

    with app.test_request_context("/", headers={"Accept": "application/json"}):
        response = _database_unavailable(OperationalError("SELECT 1", {}, Exception("server closed")))
    assert response.status_code == 503 and response.get_json()["error"] == "database_unavailable"
    assert app.error_handler_spec[None][None].get(OperationalError) is _database_unavailable
