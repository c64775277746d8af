"""Fixtures: an app on SQLite (default) or PostgreSQL (DATABASE_URL), emptied after each test."""
import os
import re
import uuid
from datetime import UTC, datetime

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from werkzeug.security import generate_password_hash

from webapp import create_app
from webapp.auth.models import Unit, User
from webapp.cli import deploy_directory
from webapp.config import normalize_database_url
from webapp.core import background, clock
from webapp.extensions import db

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


def _database_url(tmp_path_factory):
    base = normalize_database_url(os.environ.get("DATABASE_URL", ""))
    if not base:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    # A database of its own per test session, dropped at the end.
    name = f"govflow_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(re.sub(r"/[^/]*$", "/postgres", base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return re.sub(r"/[^/]*$", f"/{name}", base)


def stamp_head():
    """Record the migration heads in alembic_version, as `flask db upgrade` leaves a database."""
    from webapp.ops.health import code_heads

    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        conn.execute(text("DELETE FROM alembic_version"))
        for head in sorted(code_heads()):
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})


class IsolatedClient(FlaskClient):
    """Requests reuse the test's app context, so Flask-Login's cached user must not carry over."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test", "DEMO_CLOCK": False,
                      "ENGINE_MAX_STEPS": 200, "AUDIT_SEALER": "inline"})
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
        stamp_head()  # made from the models, the schema is the migrations' head: /readyz says so
    yield app
    background.stop_all()  # every app a test made: their threads must not outlive the test databases
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if url.startswith("postgresql"):
        admin = create_engine(re.sub(r"/[^/]*$", "/postgres", url), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(autouse=True)
def _clean(request, app):
    """Every test starts with empty tables, deployed processes and a pinned clock."""
    clock.set_fixed(START)
    with app.app_context():
        deploy_directory("processes")
        db.session.commit()
        yield
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
    clock.set_fixed(None)


@pytest.fixture
def org():
    """A province, a city with an information office, two counties; users for every role."""
    return OrgFactory().build()


class OrgFactory:
    def __init__(self):
        self.units = {}
        self.users = {}

    def unit(self, code, name, kind, parent=None, function=None):
        unit = Unit(code=code, name=name, kind=kind, function=function, parent=self.units.get(parent))
        db.session.add(unit)
        self.units[code] = unit
        return unit

    def user(self, username, unit_code, roles, clearance=2):
        user = User(username=username, name=f"用户{username}", unit=self.units[unit_code], clearance=clearance,
                    password_hash=PASSWORD_HASH)
        user.roles = roles
        db.session.add(user)
        self.users[username] = user
        return user

    def build(self):
        self.unit("prov", "江南省委办公厅", "province")
        self.unit("prov-info", "省委办公厅信息处", "office", "prov", "info")
        self.unit("city", "临江市委办公室", "city", "prov")
        self.unit("city-info", "市委办信息科", "office", "city", "info")
        self.unit("city-dc", "市委督查室", "office", "city", "supervision")
        for n in ("a", "b"):
            self.unit(f"county-{n}", f"{n}县委办公室", "county", "city")
            self.user(f"writer_{n}", f"county-{n}", ["writer"], clearance=1)
            self.user(f"verifier_{n}", f"county-{n}", ["verifier"])
            self.user(f"leader_{n}", f"county-{n}", ["leader"])
            self.user(f"principal_{n}", f"county-{n}", ["principal"])
            self.user(f"handler_{n}", f"county-{n}", ["handler"])
        self.user("writer_a2", "county-a", ["writer"], clearance=0)
        self.user("editor", "city-info", ["editor"])
        self.user("editor_low", "city-info", ["editor"], clearance=0)
        self.user("admin", "city", ["admin"])
        # 三员分立: the other two administrators (docs/administration.md).
        self.user("secadmin", "city", ["secadmin"])
        self.user("auditor", "city", ["auditor"])
        self.user("dc", "city-dc", ["supervisor"])
        self.user("dc_low", "city-dc", ["supervisor"], clearance=0)
        db.session.commit()
        return self


PASSWORD = "pw-test-1"
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


@pytest.fixture
def client(app):
    return app.test_client()
