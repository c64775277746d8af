"""Fixtures of the auth tests."""
import pytest

from webapp.extensions import db


@pytest.fixture
def secadmin(org):
    """The demo organisation with a 安全保密管理员 (username secadmin)."""
    org.user("secadmin", "city", ["secadmin"])
    db.session.commit()
    return org
