"""One world per test module, built through the real operations, and a signed-in client for each of its people.

The root conftest empties the tables after every test; here the world is kept for the module (its tests only
read, and a write that gets through is itself the failure reported), then emptied the same way.
"""
import pytest

from tests.conftest import START
from tests.web_helpers import csrf, login
from webapp.cli import deploy_directory
from webapp.core import clock
from webapp.extensions import db

from .world import ANONYMOUS, build_world


@pytest.fixture(autouse=True)
def _clean(app):
    """Overrides the root's: the module's world stays between its tests."""
    clock.set_fixed(START)
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture(scope="module")
def world(app, tmp_path_factory):
    saved = app.config.get("ATTACHMENT_DIR")
    app.config["ATTACHMENT_DIR"] = str(tmp_path_factory.mktemp("attachments"))
    clock.set_fixed(START)
    with app.app_context():
        deploy_directory("processes")
        db.session.commit()
        built = build_world()
        db.session.remove()
    yield built
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
    app.config["ATTACHMENT_DIR"] = saved
    clock.set_fixed(None)


@pytest.fixture(scope="module")
def clients(app, world):
    """username -> (client, CSRF token), signed in through the login form."""
    signed_in = {}
    with app.app_context():
        for username in world.people:
            client = app.test_client()
            signed_in[username] = (client, csrf(client) if username == ANONYMOUS else login(client, username))
        db.session.remove()
    return signed_in
