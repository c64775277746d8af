"""viewed(): the one helper a page showing a secret subject calls after rendering it."""
from tests.audit.helpers import entries
from tests.helpers import new_item
from webapp.audit.views_helper import viewed
from webapp.extensions import db
from webapp.reports.models import InfoItem


def test_a_secret_subject_is_recorded_and_committed_a_public_one_leaves_nothing(app, org):
    secret = new_item(org, title="内部事项报告", secrecy="1")
    public = new_item(org, title="一般事项报告")
    with app.test_request_context():
        assert viewed(secret, org.users["verifier_a"]) is True
        db.session.rollback()  # the entry was committed by viewed(): a later rollback cannot take it back
        assert viewed(db.session.get(InfoItem, public.id), org.users["verifier_a"]) is False
    (entry,) = entries(action="item.view_secret")
    assert (entry.username, entry.target_type, entry.target_id) == ("verifier_a", "info_item", str(secret.id))
