"""The test organisation plus what emergencies need: duty offices, the province's offices, the levels' leaders."""
import pytest

from tests.conftest import OrgFactory
from tests.engine.test_rq_timers import _redis_url, rq_app  # noqa: F401  (the RQ fixtures, shared)
from webapp.extensions import db


@pytest.fixture
def org():
    factory = OrgFactory()
    factory.build()
    factory.unit("city-duty", "市委总值班室", "office", "city", "duty")
    factory.unit("prov-duty", "省委总值班室", "office", "prov", "duty")
    factory.unit("town-a1", "a县甲镇党政办", "township", "county-a")
    factory.user("duty_city", "city-duty", ["duty"])
    factory.user("leader_city", "city", ["leader"])
    factory.user("editor_prov", "prov-info", ["editor"])
    factory.user("duty_prov", "prov-duty", ["duty"])
    factory.user("leader_prov", "prov", ["leader"])
    factory.user("writer_town", "town-a1", ["writer"])
    factory.user("leader_town", "town-a1", ["leader"])
    db.session.commit()
    return factory
