"""The SQL statements of one engine step, counted: a whole information report (seven steps of its five user
tasks: 采编, 核实审核 returned, 采编 again, 核实审核, 审签, 主要领导审签, 编辑处理) run in-process, each
`runner.complete` counted with a `before_cursor_execute` listener, on SQLite and, with DATABASE_URL, on
PostgreSQL. The bound is what the step needs today, so that it cannot creep back (issue 24 aims at 10 on
average); a lazy load inside a step is a defect."""
import os

from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.helpers import COMPOSE, open_task
from webapp.audit import sealer
from webapp.audit.models import AuditEntry
from webapp.auth.views import load_user
from webapp.editorial import publications
from webapp.engine import runner
from webapp.engine.models import ProcessInstance
from webapp.extensions import db
from webapp.reports.operations import create_item

STEPS = [("writer_a", {**COMPOSE, "importance": "important"}),
         ("verifier_a", {"decision": "return", "opinion": "请核实数据来源"}),
         ("writer_a", {**COMPOSE, "importance": "important"}),
         ("verifier_a", {"decision": "pass", "opinion": "属实"}),
         ("leader_a", {"decision": "pass"}),
         ("principal_a", {"decision": "pass"}),
         ("editor", {"decision": "adopt", "publication": "汇要", "opinion": "予以采用"})]
# Statements per completed step, as measured, the same on SQLite and PostgreSQL: 11 in every step but 主要领导审签's
# 12 (the handler that submits upward reads the unit tree) and 编辑处理's 13 (the office's publications read by the
# form's check; the adoption's audit entry of the system's own). The lock is a SELECT ... FOR UPDATE and then the
# open rows on PostgreSQL, a no-op UPDATE and then one SELECT of both on SQLite. Issue 24 aims at 10.
MAX_AVERAGE = {"sqlite": 80 / 7, "postgresql": 80 / 7}


class Counter:
    def __init__(self):
        self.statements, self.lazy = [], []

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self.statement)
        event.listen(Session, "do_orm_execute", self.orm)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self.statement)
        event.remove(Session, "do_orm_execute", self.orm)

    def statement(self, _conn, _cursor, sql, *_args):
        if os.environ.get("STEP_STATEMENTS_LOG"):
            import traceback
            frames = [f"{f.filename.split('/main/')[-1]}:{f.lineno}:{f.name}" for f in traceback.extract_stack()
                      if "/main/webapp/" in f.filename]
            sql = sql + "\n    <- " + " < ".join(reversed(frames[-6:]))
        self.statements.append(sql)

    def orm(self, state):
        if state.is_relationship_load and state.lazy_loaded_from is not None:
            sql = " ".join(str(state.statement).split())
            self.lazy.append(f"{state.lazy_loaded_from.class_.__name__}: {sql[:160]}")


def _run_item(org, monkeypatch):
    # The step's own statements: the audit sealer runs after the commit on a connection of its own (a thread or
    # an RQ job in production); here it is held during the count and run after it.
    request = sealer.request
    monkeypatch.setattr(sealer, "request", lambda: None)
    publications.seed(org.users["editor"].unit_id)  # the office's publications, as the migration gives them
    item, _task = create_item(org.users["writer_a"])
    db.session.commit()
    counts, lazy, log = [], [], []
    for username, form in STEPS:
        row_id = open_task(item.instance_id).id
        user = org.users[username]
        db.session.expire_all()  # each step a request of its own: nothing carried over in the session
        user = load_user(user.get_id())  # as the request's user loader has it
        with Counter() as counter:
            runner.complete(row_id, user, form)
            db.session.commit()
        request()
        counts.append(len(counter.statements))
        lazy.extend(counter.lazy)
        log.append((username, counter.statements))
    assert db.session.get(ProcessInstance, item.instance_id).status == "completed"
    if os.environ.get("STEP_STATEMENTS_LOG"):
        with open(os.environ["STEP_STATEMENTS_LOG"], "w", encoding="utf-8") as out:
            for username, statements in log:
                out.write(f"=== {username}: {len(statements)}\n")
                out.writelines(" ".join(s.split("<-")[0].split())[:150] + "\n  <-" + s.split("<-")[-1] + "\n"
                              for s in statements)
    return counts, lazy


def test_a_step_sends_few_statements_and_loads_nothing_lazily(org, monkeypatch):
    counts, lazy = _run_item(org, monkeypatch)
    average = sum(counts) / len(counts)
    assert len(counts) == 7
    assert average <= MAX_AVERAGE[db.engine.dialect.name], (average, counts)
    assert lazy == [], "; ".join(entry[:60] for entry in lazy)
    assert db.session.query(AuditEntry).filter(AuditEntry.seq.is_(None)).count() == 0  # sealed after all
