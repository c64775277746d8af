import pytest

from tests.supervision.helpers import build_cases


@pytest.fixture
def cases(org):
    return build_cases(org)
