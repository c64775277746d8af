"""Backup and restore (docs/deployment.md): back up a running instance with open steps and armed timers with
deploy/govflow-backup.sh, restore it into a fresh database with deploy/govflow-restore.sh, start an app on it, and
carry on: steps complete and every timer fires exactly once. PostgreSQL only (pg_dump / pg_restore)."""
import io
import os
import re
import subprocess
import uuid
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from werkzeug.datastructures import FileStorage

from tests.conftest import OrgFactory
from tests.engine.conftest import BPMN_DIR
from webapp import create_app
from webapp.attachments import operations as attachments
from webapp.attachments import storage
from webapp.attachments.models import Attachment
from webapp.audit.chain import check
from webapp.auth.models import User
from webapp.cli import deploy_directory
from webapp.config import ROOT
from webapp.core import background, clock
from webapp.engine import definitions, runner, timers
from webapp.engine.models import HumanTask, InstanceEvent, ProcessInstance, Timer
from webapp.extensions import db

DEPLOY = ROOT / "deploy"
CONTENT = "关于防汛工作的情况说明（附件正文）".encode()


@pytest.fixture
def databases(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("pg_dump / pg_restore: run with DATABASE_URL=postgresql://…")
    admin = create_engine(re.sub(r"/[^/?]*(\?.*)?$", "/postgres", url), isolation_level="AUTOCOMMIT")
    names = [f"govflow_backup_{role}_{uuid.uuid4().hex[:8]}" for role in ("source", "restored")]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield [re.sub(r"/[^/?]*(\?.*)?$", f"/{name}", url) for name in names]
    background.stop_all()  # the apps made on these databases: no round of theirs after the drop
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _app(url, attachment_dir):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "backup-test",
                       "DEMO_CLOCK": False, "ATTACHMENT_DIR": str(attachment_dir)})


def _script(name, url, attachment_dir, directory):
    env = {**os.environ, "DATABASE_URL": url, "ATTACHMENT_DIR": str(attachment_dir)}
    result = subprocess.run(["sh", str(DEPLOY / name), str(directory)], env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def _build_source(url, attachment_dir):
    """A running instance: migrated, processes deployed, four timed approvals (one done), an attachment."""
    upgrade(directory=str(ROOT / "migrations"))
    deploy_directory(ROOT / "processes")
    definitions.deploy("timed_approval", (BPMN_DIR / "timed_approval.bpmn").read_text())
    org = OrgFactory().build()
    starter = org.users["verifier_a"]
    ids = []
    for n in range(4):
        instance = runner.start("timed_approval", starter, {"unit_id": starter.unit_id, "title": f"备份测试 {n}"})
        db.session.commit()
        ids.append(instance.id)
    runner.complete(_open_task(ids[0]).id, starter, {"decision": "ok"})
    instance = db.session.get(ProcessInstance, ids[1])
    attachments.add(instance, starter, FileStorage(io.BytesIO(CONTENT), filename="说明.txt",
                                                   content_type="text/plain"))
    db.session.commit()
    return ids, starter.username


def _user(username):
    return db.session.query(User).filter_by(username=username).one()


def _open_task(instance_id):
    return db.session.query(HumanTask).filter_by(instance_id=instance_id, state="open").one()


def _timer_events(instance_id):
    return db.session.execute(select(func.count()).where(
        InstanceEvent.instance_id == instance_id, InstanceEvent.action == "timer")).scalar()


def test_a_restored_instance_carries_on_and_fires_each_timer_once(databases, tmp_path):
    source_url, restored_url = databases
    source_files, restored_files, backup = tmp_path / "files", tmp_path / "restored-files", tmp_path / "backup"
    source = _app(source_url, source_files)
    with source.app_context():
        ids, username = _build_source(source_url, source_files)
        assert db.session.query(Timer).filter_by(state="armed").count() == 3

        _script("govflow-backup.sh", source_url, source_files, backup)

        # The source goes on after the backup: none of this may reach the restored copy.
        runner.complete(_open_task(ids[3]).id, _user(username), {"decision": "ok"})
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    assert (backup / "govflow.dump").stat().st_size > 0 and "files 1" in (backup / "MANIFEST").read_text()

    _script("govflow-restore.sh", restored_url, restored_files, backup)
    refused = subprocess.run(["sh", str(DEPLOY / "govflow-restore.sh"), str(backup)], capture_output=True, text=True,
                             env={**os.environ, "DATABASE_URL": restored_url, "ATTACHMENT_DIR": str(restored_files)})
    assert refused.returncode == 1 and "refusing to restore" in refused.stderr  # never over a live database

    restored = _app(restored_url, restored_files)
    with restored.app_context():
        ready = restored.test_client().get("/readyz")
        assert ready.status_code == 200, ready.get_json()
        assert check().ok  # the audit chain came over intact

        # What was open at the backup is open again; the source's later step is not there.
        assert [i for i in ids if db.session.query(HumanTask).filter_by(instance_id=i, state="open").count()] \
            == ids[1:]
        assert db.session.query(Timer).filter_by(state="armed").count() == 3
        attachment = db.session.query(Attachment).one()
        with storage.current().open(attachment.storage_key) as stored:
            assert stored.read() == CONTENT

        # Carry on: one step is completed (its timer is cancelled), then the clock passes the others' due time.
        runner.complete(_open_task(ids[1]).id, _user(username), {"decision": "ok"})
        db.session.commit()
        clock.advance(timedelta(hours=2))
        assert timers.fire_due() == 2
        assert timers.fire_due() == 0  # a second sweep finds nothing
        assert sum(runner.fire_timers(i) for i in ids) == 0  # nor does a late per-timer job
        db.session.commit()

        assert [_timer_events(i) for i in ids] == [0, 0, 1, 1]
        assert {db.session.get(ProcessInstance, i).status for i in ids} == {"completed"}
        states = dict(db.session.query(Timer.instance_id, Timer.state).all())
        assert [states[i] for i in ids] == ["cancelled", "cancelled", "fired", "fired"]
        assert check().ok
        db.session.remove()
        db.engine.dispose()
