"""Sealing: entries are appended unsealed and hash-linked later, in the order the sealer finds them committed;
`flask audit verify` tells entries waiting too long, and the sealing thread and the RQ job seal within seconds."""
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from rq import Queue
from sqlalchemy import insert

from tests.audit.helpers import SEALED_WITHIN, entries, unsealed, verify_cli, wait_until_sealed
from tests.conftest import START
from tests.engine.test_rq_timers import _redis_url, rq_app, rq_workers  # noqa: F401  (fixtures)
from webapp import audit
from webapp.audit import sealer
from webapp.audit.models import AuditEntry
from webapp.config import ROOT
from webapp.core import clock
from webapp.engine import scheduling
from webapp.extensions import db


def record(count, action="test.append", start=0):
    for n in range(start, start + count):
        audit.record(action, summary=f"第 {n} 次记录", detail={"n": n})
        db.session.commit()


def test_a_commit_appends_unsealed_entries_and_the_sealer_chains_them(app, org, no_sealer):
    record(3)
    log = entries()
    assert [(e.seq, e.prev_hash, e.hash) for e in log] == [(None, None, None)] * 3
    assert all(e.appended_dt == START for e in log)
    assert verify_cli(app) == (0, "审计日志完整：0 条（另有 3 条新记录等待封存）\n")

    assert sealer.seal_pending() == 3
    log = entries()
    assert [e.seq for e in log] == [1, 2, 3] and [e.id for e in log] == sorted(e.id for e in log)
    assert log[0].prev_hash == "0" * 64 and all(e.prev_hash == p.hash for p, e in zip(log, log[1:], strict=False))
    assert verify_cli(app) == (0, "审计日志完整：3 条\n")
    assert sealer.seal_pending() == 0


def test_entries_left_unsealed_too_long_are_reported(app, org, no_sealer):
    record(2)
    assert sealer.seal_pending() == 2
    record(2, start=2)
    first_late = entries()[2]
    clock.advance(timedelta(seconds=app.config["AUDIT_UNSEALED_ALERT_SECONDS"] + 1))
    code, output = verify_cli(app)
    assert code == 1
    assert f"审计日志封存滞后：2 条记录写入已超过 60 秒仍未封存入哈希链（最早一条 id {first_late.id}" in output
    assert "请检查封存程序是否在运行" in output

    result = app.test_cli_runner().invoke(args=["audit", "seal"])
    assert result.output == "已封存 2 条记录\n"
    assert verify_cli(app) == (0, "审计日志完整：4 条\n")


def test_a_gap_is_not_waited_on_and_a_late_lower_id_is_sealed_after_the_higher_ones(app, org, no_sealer):
    """Ids skipped by rolled-back transactions never come; a transaction that took a lower id and commits after
    higher ids were sealed is sealed by the next round, after them, and nothing sealed is renumbered."""
    record(2)
    sealer.seal_pending()
    top = max(e.id for e in entries())
    late_id, early_id = top + 2, top + 5  # top + 1, + 3, + 4: taken by transactions that rolled back
    fields = {"event_dt": START, "action": "test.append", "username": "system", "appended_dt": START}
    db.session.execute(insert(AuditEntry), [{**fields, "id": early_id, "summary": "先提交"}])
    db.session.commit()
    assert sealer.seal_pending() == 1  # no wait on the ids below it
    db.session.execute(insert(AuditEntry), [{**fields, "id": late_id, "summary": "后提交"}])
    db.session.commit()
    assert sealer.seal_pending() == 1

    log = entries()
    assert [(e.seq, e.summary) for e in log[2:]] == [(3, "先提交"), (4, "后提交")]
    assert [e.id for e in log[2:]] == [early_id, late_id]
    assert verify_cli(app) == (0, "审计日志完整：4 条\n")


def test_a_reordered_sealed_entry_is_named(app, org, no_sealer):
    record(4)
    sealer.seal_pending()
    second, third = entries()[1:3]
    for entry, seq in ((second, -2), (third, 2), (second, 3)):  # swap the places of entries 2 and 3
        db.session.get(AuditEntry, entry.id).seq = seq
        db.session.commit()
    code, output = verify_cli(app)
    assert code == 1 and "第 2 条记录" in output and "内容被改动" in output


def test_the_sealing_thread_seals_each_commit_within_seconds(app, org, sealing_thread):
    record(5)
    assert wait_until_sealed() < SEALED_WITHIN
    assert [e.seq for e in entries()] == [1, 2, 3, 4, 5]
    record(3, start=5)  # the thread, now waiting, is woken again
    wait_until_sealed()
    assert verify_cli(app) == (0, "审计日志完整：8 条\n")


@pytest.fixture
def rq_sealing(rq_app):  # noqa: F811
    """The production mode: REDIS_URL set, AUDIT_SEALER unset (rq)."""
    saved = rq_app.config["AUDIT_SEALER"]
    rq_app.config["AUDIT_SEALER"] = None
    try:
        yield rq_app
    finally:
        rq_app.config["AUDIT_SEALER"] = saved


def test_commits_ask_for_one_seal_job_at_a_time(app, org, rq_sealing):
    assert sealer.mode() == "rq"
    redis = scheduling.connection()
    q = Queue(app.config["RQ_QUEUE"], connection=redis)
    record(3)
    (job,) = q.jobs  # one job for the three commits: none started yet, so it seals all three
    assert job.func_name == "webapp.jobs.seal_audit" and redis.exists(sealer.request_key())
    assert unsealed() == 3

    assert sealer.run_job() == 3  # what the job does: the mark taken off first, then sealing
    assert not redis.exists(sealer.request_key())
    record(1, start=3)
    assert len(q.jobs) == 2  # a commit after the job started asks for a new one


def test_a_real_worker_seals_what_the_requests_appended(app, org, rq_sealing, tmp_path):
    record(20)
    assert unsealed() == 20
    with rq_workers(app, tmp_path, count=1):
        wait_until_sealed(timeout=30)  # the worker's start-up included
        record(10, start=20)
        assert wait_until_sealed() < SEALED_WITHIN
    assert verify_cli(app) == (0, "审计日志完整：30 条\n")


def test_a_command_that_commits_and_exits_at_once_leaves_nothing_unsealed(app):
    """The embedded default's thread is a daemon: a `flask` command's process ends right after its commit, and the
    sealing of that commit must not end with it (a final round at exit)."""
    script = ("from webapp import create_app, audit\nfrom webapp.extensions import db\n"
              "app = create_app({'AUDIT_SEALER': 'thread', 'AUDIT_SEAL_SECONDS': 3600})\n"
              "with app.app_context():\n"
              "    for n in range(3):\n"
              "        audit.record('test.command', summary=f'命令 {n}')\n"
              "        db.session.commit()\n")
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test",
           "GOVFLOW_DEMO_CLOCK": "0"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert [(e.action, e.seq) for e in entries()] == [("test.command", 1), ("test.command", 2), ("test.command", 3)]
