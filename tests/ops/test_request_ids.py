"""Request ids: echoed, on every log line (JSON or text), carried into RQ jobs, stored in the audit entries."""
import io
import json
import logging

import pytest
from redis import Redis
from rq import Queue
from rq.repeat import Repeat

from tests.audit.helpers import entries, sql, verify_cli
from tests.conftest import PASSWORD
from tests.web_helpers import csrf
from webapp import audit
from webapp.audit.chain import canonical
from webapp.core import request_ids
from webapp.extensions import db
from webapp.jobs import Worker
from webapp.ops import logs

REDIS_URL = "redis://127.0.0.1:6379/14"
GIVEN = "req-0123456789abcdef"


@pytest.fixture
def log_lines():
    stream = io.StringIO()
    handler = logs.configure("json", "INFO", stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logging.getLogger().removeHandler(handler)


@pytest.fixture
def redis():
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()


def test_a_sane_request_id_is_kept_and_echoed(app):
    response = app.test_client().get("/healthz", headers={"X-Request-ID": GIVEN})
    assert response.headers["X-Request-ID"] == GIVEN


@pytest.mark.parametrize("given", ["short", "has space in it", "tab\tinside-0123456789", "中文请求编号-0123456789",
                                   "x" * 65, "'; DROP--x", "-starts-with-dash"])
def test_an_insane_request_id_is_replaced(app, given):
    response = app.test_client().get("/healthz", headers={"X-Request-ID": given})
    made = response.headers["X-Request-ID"]
    assert made != given and len(made) == 32 and int(made, 16) >= 0


def test_each_request_gets_its_own_id(app):
    client = app.test_client()
    assert client.get("/healthz").headers["X-Request-ID"] != client.get("/healthz").headers["X-Request-ID"]


def test_json_log_lines_carry_the_request_id(app, log_lines):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # /readyz logs the failed check
    try:
        app.test_client().get("/readyz", headers={"X-Request-ID": GIVEN})
    finally:
        app.config["REDIS_URL"] = None
    logging.getLogger("webapp.test").info("outside any request")
    lines = log_lines()
    failed = [line for line in lines if line["message"] == "readiness check redis failed"]
    assert failed and failed[0]["request_id"] == GIVEN
    assert failed[0]["level"] == "WARNING" and failed[0]["logger"] == "webapp.ops.health"
    assert failed[0]["time"].endswith("Z")
    outside = [line for line in lines if line["message"] == "outside any request"]
    assert outside[0]["request_id"] is None


def test_text_lines_name_the_request_id_too():
    stream = io.StringIO()
    handler = logs.configure("text", "INFO", stream)
    try:
        with request_ids.bound(GIVEN):
            logging.getLogger("webapp.test").warning("步骤失败")
    finally:
        logging.getLogger().removeHandler(handler)
    assert f"WARNING [{GIVEN}] webapp.test: 步骤失败" in stream.getvalue()


def test_an_unknown_log_format_stops_the_start():
    from webapp import create_app
    from webapp.config import ConfigError

    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x",
                    "LOG_FORMAT": "xml"})


def test_jobs_carry_the_request_id_and_the_worker_runs_under_it(redis):
    q = request_ids.TracedQueue("ops-request-ids", connection=redis)
    with request_ids.bound(GIVEN):
        traced = q.enqueue("webapp.core.request_ids.current")
        repeating = q.enqueue("webapp.core.request_ids.current", repeat=Repeat(times=1, interval=60))
    untraced = q.enqueue("webapp.core.request_ids.current")
    assert request_ids.of_job(traced) == GIVEN
    assert request_ids.of_job(repeating) is None  # the sweep belongs to no request
    assert request_ids.of_job(untraced) is None
    Worker([Queue("ops-request-ids", connection=redis)], connection=redis).work(burst=True, max_jobs=3)
    traced.refresh()
    untraced.refresh()
    assert traced.return_value() == GIVEN
    fresh = untraced.return_value()
    assert fresh and fresh != GIVEN  # a job without one runs under a fresh id


def test_audit_entries_store_the_request_id_and_hash_it(app, org):
    client = app.test_client()
    token = csrf(client)
    client.post("/login", data={"username": "writer_a", "password": PASSWORD, "csrf_token": token},
                headers={"X-Request-ID": GIVEN})
    login = entries(action="auth.login")[-1]
    assert login.request_id == GIVEN
    assert verify_cli(app)[0] == 0
    sql("UPDATE audit_entries SET request_id = 'req-forged-000000' WHERE id = :id", id=login.id)
    code, output = verify_cli(app)
    assert code == 1 and "被改动" in output


def test_entries_without_a_request_id_hash_as_before(app):
    audit.record("test.append", summary="系统记录")
    db.session.commit()  # no request, no job: NULL
    entry = entries()[-1]
    assert entry.request_id is None
    fields = {name: getattr(entry, name) for name in ("seq", "event_dt", "user_id", "username", "user_name", "role",
                                                      "unit_id", "unit_name", "ip", "action", "target_type",
                                                      "target_id", "summary", "detail")}
    assert canonical(fields) == canonical({**fields, "request_id": None})  # the text before the column existed
    assert "request_id" not in canonical(fields)
    assert verify_cli(app)[0] == 0


def test_rq_lines_go_through_the_json_handler_once():
    rq_logger = logging.getLogger("rq.worker")
    rq_text = logging.StreamHandler(io.StringIO())  # what rq's command line adds before the app exists
    rq_logger.addHandler(rq_text)
    stream = io.StringIO()
    handler = logs.configure("json", "INFO", stream)
    try:
        assert rq_text not in rq_logger.handlers
        with request_ids.bound(GIVEN):
            rq_logger.warning("job failed")
    finally:
        logging.getLogger().removeHandler(handler)
        rq_logger.removeHandler(rq_text)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["message"], line["request_id"], line["logger"]) for line in lines] == [
        ("job failed", GIVEN, "rq.worker")]
    assert rq_text.stream.getvalue() == ""
