"""The migration gives every information office that exists the list it adopted into before, and no other unit."""
from flask_migrate import upgrade
from sqlalchemy import text

from webapp import create_app
from webapp.config import ROOT
from webapp.extensions import db
from webapp.reports.schemas import PUBLICATIONS


def test_existing_information_offices_get_the_former_list(tmp_path):
    migrated = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'seed.db'}", "SECRET_KEY": "x",
                           "DEMO_CLOCK": False})
    with migrated.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="a21c00000001")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO units (id, code, name, kind, function, is_active_unit) VALUES "
                              "(1, 'city', '临江市委办公室', 'city', NULL, 1), "
                              "(2, 'city-info', '市委办信息科', 'office', 'info', 1), "
                              "(3, 'city-dc', '市委督查室', 'office', 'supervision', 1)"))
        upgrade(directory=str(ROOT / "migrations"), revision="a21e00000001")
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT unit_id, name, position FROM publications ORDER BY position")).all()
        db.engine.dispose()
    assert rows == [(2, name, n) for n, name in enumerate(PUBLICATIONS, start=1)]
