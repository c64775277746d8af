"""Engine fixtures: small test diagrams deployed beside the real processes."""
from pathlib import Path

import pytest
from marshmallow import Schema, fields

from webapp.core import forms
from webapp.engine import definitions
from webapp.extensions import db

BPMN_DIR = Path(__file__).parent / "bpmn"


class DecideSchema(Schema):
    decision = fields.String(required=True)


forms.register("test.decide", DecideSchema)


@pytest.fixture
def deploy():
    def _deploy(process_key):
        definition, _ = definitions.deploy(process_key, (BPMN_DIR / f"{process_key}.bpmn").read_text())
        db.session.commit()
        return definition

    return _deploy
