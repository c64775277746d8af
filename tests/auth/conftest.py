"""Fixtures of the auth tests."""
import pytest


@pytest.fixture
def secadmin(org):
    """The test organisation; it has a 安全保密管理员 (username secadmin)."""
    assert "secadmin" in org.users["secadmin"].roles
    return org
