"""Ops fixtures: the engine's small test diagrams (a timed approval) and reading /metrics."""
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.engine.conftest import deploy  # noqa: F401  (the fixture, and the test.decide form it registers)


def sample(text, name, **labels):
    """The value of one sample in a text exposition, 0 when absent."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


@pytest.fixture
def scrape(app):
    def _scrape(**kwargs):
        response = app.test_client().get("/metrics", **kwargs)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    return _scrape
