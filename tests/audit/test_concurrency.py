"""Appends from many transactions at once on PostgreSQL: no lock between them, then one contiguous chain made by
the sealing thread, no lost or doubled seq."""
import threading

import pytest
from sqlalchemy import text

from tests.audit.helpers import SEALED_WITHIN, entries, verify_cli, wait_until_sealed
from tests.helpers import new_item, open_task
from webapp import audit
from webapp.audit import operations, sealing
from webapp.auth.models import User
from webapp.engine import runner
from webapp.extensions import db

THREADS = 8
COMMITS = 40  # 320 commits, 640 entries


@pytest.fixture(autouse=True)
def _postgresql_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("row locks and concurrent transactions are what PostgreSQL serves; SQLite has one writer at a time")


def in_threads(app, count, work):
    """Run work(index) in `count` threads at once, each in its own app context (its own session); errors returned."""
    barrier = threading.Barrier(count)
    errors = []

    def run(index):
        with app.app_context():
            try:
                barrier.wait()
                work(index)
            except Exception as exc:  # reported by the test, not lost in the thread
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_eight_writers_committing_at_once_make_one_contiguous_chain(app, org, sealing_thread):
    def append(index):
        for n in range(COMMITS):
            audit.record("test.append", summary=f"线程 {index} 第 {n} 次", detail={"thread": index, "n": n, "k": 0})
            audit.record("test.append", summary=f"线程 {index} 第 {n} 次之二", detail={"thread": index, "n": n, "k": 1})
            db.session.commit()

    assert in_threads(app, THREADS, append) == []
    assert wait_until_sealed() < SEALED_WITHIN  # after the last commit
    log = entries()
    total = THREADS * COMMITS * 2
    assert [e.seq for e in log] == list(range(1, total + 1))
    assert sorted((e.detail["thread"], e.detail["n"], e.detail["k"]) for e in log) == [
        (t, n, k) for t in range(THREADS) for n in range(COMMITS) for k in (0, 1)]
    for thread in range(THREADS):  # each writer's own entries keep its order
        mine = [(e.detail["n"], e.detail["k"]) for e in log if e.detail["thread"] == thread]
        assert mine == [(n, k) for n in range(COMMITS) for k in (0, 1)]
    assert verify_cli(app) == (0, f"审计日志完整：{total} 条\n")


def test_two_open_appends_do_not_wait_for_each_other_nor_for_the_sealer(app, org, sealing_thread):
    """A transaction that appended its entries and has not committed, and a sealer holding the head lock, leave a
    third transaction's append and commit free: nothing on the request path locks a shared row."""
    holding, release = threading.Event(), threading.Event()

    def open_append(_index):
        audit.record("test.open", summary="未提交")
        operations._before_commit(db.session())  # what the commit runs first: the entries inserted, not committed
        holding.set()
        assert release.wait(30)
        db.session.commit()

    errors = []
    opener = threading.Thread(target=lambda: errors.extend(in_threads(app, 1, open_append)))
    opener.start()
    assert holding.wait(30), errors
    with db.engine.connect() as sealer_connection:
        sealer_connection.begin()
        sealing._lock_head(sealer_connection)  # a sealer in the middle of its round
        db.session.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting on a lock would fail, not hang
        audit.record("test.free", summary="另一事务")
        db.session.commit()
        sealer_connection.rollback()
    wait_until_sealed()  # the sealing thread, woken by that commit, sealed it: the open append is not waited for
    release.set()
    opener.join(30)
    assert errors == []
    wait_until_sealed()
    log = entries()
    assert [e.action for e in log] == ["test.free", "test.open"]  # sealed in the order they committed
    assert log[1].id < log[0].id  # the open one took the lower id: numbered at sealing, not by id
    assert verify_cli(app) == (0, "审计日志完整：2 条\n")


def test_task_actions_on_several_items_at_once_are_all_chained(app, org, sealing_thread):
    items = [new_item(org, title=f"并发事项 {n}") for n in range(6)]
    before = len(entries())
    rows = [open_task(item.instance_id).id for item in items]
    verifier_id = org.users["verifier_a"].id

    def complete(index):
        runner.complete(rows[index], db.session.get(User, verifier_id), {"decision": "pass"})
        audit.record("test.after_task", summary=f"办理后记录 {index}")
        db.session.commit()

    assert in_threads(app, len(items), complete) == []
    wait_until_sealed()
    log = entries()
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    completed = [e for e in log[before:] if e.action == "task.complete" and e.username == "verifier_a"]
    assert sorted(e.target_id for e in completed) == sorted(str(item.instance_id) for item in items)
    assert len([e for e in log if e.action == "test.after_task"]) == len(items)
    assert verify_cli(app)[0] == 0
