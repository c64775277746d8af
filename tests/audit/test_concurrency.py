"""Appends from many transactions at once on PostgreSQL: one contiguous chain, no lost or doubled seq."""
import threading

import pytest

from tests.audit.helpers import entries, verify_cli
from tests.helpers import new_item, open_task
from webapp import audit
from webapp.auth.models import User
from webapp.engine import runner
from webapp.extensions import db

THREADS = 8
COMMITS = 25


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


def test_eight_writers_committing_at_once_make_one_contiguous_chain(app, org):
    def append(index):
        for n in range(COMMITS):
            audit.record("test.append", summary=f"线程 {index} 第 {n} 次", detail={"thread": index, "n": n})
            db.session.commit()

    assert in_threads(app, THREADS, append) == []
    log = entries()
    assert [e.seq for e in log] == list(range(1, THREADS * COMMITS + 1))
    assert sorted((e.detail["thread"], e.detail["n"]) for e in log) == [
        (t, n) for t in range(THREADS) for n in range(COMMITS)]
    for thread in range(THREADS):  # each writer's own entries keep its order
        mine = [e.detail["n"] for e in log if e.detail["thread"] == thread]
        assert mine == list(range(COMMITS))
    assert verify_cli(app) == (0, f"审计日志完整：{THREADS * COMMITS} 条\n")


def test_task_actions_on_several_items_at_once_are_all_chained(app, org):
    items = [new_item(org, title=f"并发事项 {n}") for n in range(6)]
    before = len(entries())
    rows = [open_task(item.instance_id).id for item in items]
    verifier_id = org.users["verifier_a"].id

    def complete(index):
        runner.complete(rows[index], db.session.get(User, verifier_id), {"decision": "pass"})
        audit.record("test.after_task", summary=f"办理后记录 {index}")
        db.session.commit()

    assert in_threads(app, len(items), complete) == []
    log = entries()
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    completed = [e for e in log[before:] if e.action == "task.complete" and e.username == "verifier_a"]
    assert sorted(e.target_id for e in completed) == sorted(str(item.instance_id) for item in items)
    assert len([e for e in log if e.action == "test.after_task"]) == len(items)
    assert verify_cli(app)[0] == 0
