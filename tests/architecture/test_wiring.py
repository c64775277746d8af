"""The wiring point: every process, form and handler of `processes/` comes from one declared domain, and the
layers hold (the same contracts `make lint` checks)."""
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import event
from werkzeug.utils import import_string

from webapp import DOMAINS, create_app
from webapp.core import forms, hooks
from webapp.core.domain import registry
from webapp.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def _diagram_values(pattern):
    found = set()
    for path in (ROOT / "processes").glob("*.bpmn"):
        found |= set(re.findall(pattern, path.read_text()))
    return found


def _domains():
    return [import_string(f"webapp.{name}:DOMAIN") for name in DOMAINS]


def test_every_executable_process_is_declared_by_exactly_one_domain(app):
    declared = [key for domain in _domains() for key in domain.process_keys]
    assert len(declared) == len(set(declared))
    deployed = _diagram_values(r'<bpmn:process id="([^"]+)"[^>]*isExecutable="true"')
    called = _diagram_values(r'calledElement="([^"]+)"')
    assert deployed - called <= set(declared), (deployed - called) - set(declared)


def test_every_form_a_diagram_names_is_registered_by_its_domain(app):
    named = _diagram_values(r'<spiffworkflow:property name="form" value="([^"]+)"')
    assert named, "expected user task forms in processes/"
    assert named <= forms.known_keys(), named - forms.known_keys()


def test_every_import_path_a_domain_declares_resolves(app):
    for domain in _domains():
        paths = [*domain.models, *domain.routes, *domain.handlers, *(b for b, _ in domain.blueprints),
                 *domain.projectors.values(), *domain.task_pages.values(), *domain.done_messages.values(),
                 *domain.visibility.values(), *domain.links.values(), *domain.services.values(),
                 *domain.page_extras.values(), *(path for _, path in domain.receivers)]
        paths += [domain.forms] if domain.forms else []
        paths += [domain.setup] if domain.setup else []
        for path in paths:
            assert import_string(path) is not None, (domain.name, path)


def test_a_second_app_in_the_process_connects_no_receiver_twice(app, tmp_path):
    before = {name: len(getattr(hooks, name).receivers) for name in ("instance_projected", "task_opened", "task_page")}
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'second.db'}",
                "SECRET_KEY": "test", "DEMO_CLOCK": False})
    assert {name: len(getattr(hooks, name).receivers) for name in before} == before
    assert set(registry.domains) == set(DOMAINS)


def test_handler_services_are_the_declared_ones(app):
    assert set(registry.services_for(0)) == {"org", "notices", "history", "deadlines", "emergencies", "project_units"}


def test_sqlite_engine_options_are_applied(tmp_path):
    """SQLite waits 30 s for the write lock: set before `db.init_app` reads the options (it was set after)."""
    second = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'options.db'}",
                         "SECRET_KEY": "test", "DEMO_CLOCK": False})
    seen = []
    with second.app_context():
        event.listen(db.engine, "do_connect", lambda _dialect, _rec, _args, params: seen.append(dict(params)))
        with db.engine.connect():
            pass
        db.engine.dispose()
    assert seen and seen[0].get("timeout") == 30


def test_the_layer_contracts_hold():
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
