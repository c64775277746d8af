"""/metrics: who may read it, and that each metric moves when the thing it counts happens."""
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers import open_task
from webapp import create_app
from webapp.audit import record
from webapp.config import ConfigError
from webapp.core import clock
from webapp.core.errors import TaskConflict
from webapp.engine import runner, timers
from webapp.engine.models import Incident
from webapp.extensions import db
from webapp.notices.models import Notice, NoticeDelivery

from .conftest import sample

ELSEWHERE = {"REMOTE_ADDR": "203.0.113.9"}


def _start(org, key="timed_approval", user="verifier_a"):
    instance = runner.start(key, org.users[user], {"unit_id": org.users[user].unit_id, "title": key})
    db.session.commit()
    return instance


def test_metrics_only_from_allowed_addresses_or_with_the_token(app):
    client = app.test_client()
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1: default loopback
    assert client.get("/metrics", environ_base=ELSEWHERE).status_code == 403
    app.config["METRICS_TOKEN"] = "s3cret-scrape-token"
    try:
        assert client.get("/metrics", environ_base=ELSEWHERE,
                          headers={"Authorization": "Bearer s3cret-scrape-token"}).status_code == 200
        assert client.get("/metrics", environ_base=ELSEWHERE,
                          headers={"Authorization": "Bearer wrong"}).status_code == 403
    finally:
        app.config["METRICS_TOKEN"] = None


def test_a_network_in_metrics_allow_is_let_in():
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x",
                        "METRICS_ALLOW": "203.0.113.0/24"})
    with other.app_context():
        db.create_all()
        client = other.test_client()
        assert client.get("/metrics", environ_base=ELSEWHERE).status_code == 200
        assert client.get("/metrics").status_code == 403  # loopback no longer listed
        db.session.remove()


def test_a_bad_metrics_allow_stops_the_start():
    with pytest.raises(ConfigError, match="METRICS_ALLOW"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x",
                    "METRICS_ALLOW": "10.0.0.0/33"})


def test_request_latency_by_endpoint(app, scrape):
    name = "govflow_http_request_duration_seconds_count"
    before = sample(scrape(), name, endpoint="ops.healthz", method="GET", status="200")
    app.test_client().get("/healthz")
    app.test_client().get("/healthz")
    assert sample(scrape(), name, endpoint="ops.healthz", method="GET", status="200") == before + 2


def test_step_latency_and_statements_by_process_and_step(org, deploy, scrape):
    deploy("timed_approval")
    instance = _start(org)
    labels = {"process": "timed_approval", "step": "approve", "outcome": "ok"}
    before = sample(scrape(), "govflow_step_duration_seconds_count", **labels)
    statements_before = sample(scrape(), "govflow_step_sql_statements_sum", **labels)
    runner.complete(open_task(instance.id).id, org.users["verifier_a"], {"decision": "ok"})
    db.session.commit()
    text = scrape()
    assert sample(text, "govflow_step_duration_seconds_count", **labels) == before + 1
    assert sample(text, "govflow_step_duration_seconds_sum", **labels) > 0
    statements = sample(text, "govflow_step_sql_statements_sum", **labels) - statements_before
    assert 3 <= statements < 100  # at least: read the row, lock the instance, update it


def test_a_refused_step_is_counted_as_an_error(org, deploy, scrape):
    deploy("timed_approval")
    instance = _start(org)
    row = open_task(instance.id)
    clock.advance(timedelta(hours=2))  # the timer wins: the submit is refused
    with pytest.raises(TaskConflict):
        runner.complete(row.id, org.users["verifier_a"], {"decision": "ok"})
    db.session.rollback()
    assert sample(scrape(), "govflow_step_duration_seconds_count", process="timed_approval", step="approve",
                  outcome="error") >= 1


def test_timer_gauges_and_lag(org, deploy, scrape):
    deploy("timed_approval")
    for _ in range(3):
        _start(org)
    text = scrape()
    assert (sample(text, "govflow_timers_armed"), sample(text, "govflow_timers_due")) == (3, 0)
    clock.advance(timedelta(hours=1, minutes=2))  # due one hour after the start: two minutes late
    text = scrape()
    assert sample(text, "govflow_timers_due") == 3
    assert sample(text, "govflow_timers_due_oldest_seconds") == pytest.approx(120)
    lag_count = sample(text, "govflow_timer_lag_seconds_count", kind="timer")
    lag_sum = sample(text, "govflow_timer_lag_seconds_sum", kind="timer")
    assert timers.fire_due() == 3
    text = scrape()
    assert (sample(text, "govflow_timers_armed"), sample(text, "govflow_timers_due")) == (0, 0)
    assert sample(text, "govflow_timer_lag_seconds_count", kind="timer") == lag_count + 3
    assert sample(text, "govflow_timer_lag_seconds_sum", kind="timer") - lag_sum == pytest.approx(360)


def test_a_rolled_back_firing_is_not_observed(org, deploy, scrape):
    deploy("timed_approval")
    instance = _start(org)
    clock.advance(timedelta(hours=2))
    before = sample(scrape(), "govflow_timer_lag_seconds_count", kind="timer")
    runner.fire_timers(instance.id)
    db.session.flush()
    db.session.rollback()
    assert sample(scrape(), "govflow_timer_lag_seconds_count", kind="timer") == before


def test_incidents_notices_and_audit_gauges(org, deploy, scrape):
    deploy("timed_approval")
    before = scrape()  # the gauges count every row: what this test adds is the difference

    def added(name, **labels):
        return sample(scrape_text, name, **labels) - sample(before, name, **labels)

    instance = _start(org)
    db.session.add(Incident(instance_id=instance.id, step_key="x", message="失败", created_dt=clock.now()))
    notice = Notice(user_id=org.users["verifier_a"].id, title="测试")
    db.session.add(notice)
    db.session.flush()
    user_id = org.users["verifier_a"].id
    db.session.add_all([
        NoticeDelivery(notice_id=notice.id, user_id=user_id, channel="sms", address="1", state="failed", attempts=5),
        # Not due for an hour: the in-process deliverer (woken by the commit) leaves them as they are.
        NoticeDelivery(notice_id=notice.id, user_id=user_id, channel="sms", address="2", state="pending", attempts=2,
                       next_attempt_dt=clock.now() + timedelta(hours=1)),
        NoticeDelivery(notice_id=notice.id, user_id=user_id, channel="sms", address="3", state="pending",
                       next_attempt_dt=clock.now() + timedelta(hours=1)),
    ])
    record("admin.clock", summary="测试一")
    record("admin.clock", summary="测试二")
    db.session.commit()
    scrape_text = scrape()
    assert added("govflow_incidents_open") == 1
    assert added("govflow_notice_deliveries_failing", state="failed") == 1
    assert added("govflow_notice_deliveries_failing", state="retrying") == 1
    assert added("govflow_audit_chain_sealed_seq") >= 2
    assert sample(scrape_text, "govflow_scrape_errors", source="timers") == 0


def test_queue_depth_when_redis_is_configured(app, scrape):
    from redis import Redis
    from rq import Queue

    url = "redis://127.0.0.1:6379/14"
    Redis.from_url(url).flushdb()
    app.config["REDIS_URL"], app.config["RQ_QUEUE"] = url, "ops-metrics-test"
    try:
        Queue("ops-metrics-test", connection=Redis.from_url(url)).enqueue("webapp.jobs.sweep")
        text = scrape()
    finally:
        app.config["REDIS_URL"], app.config["RQ_QUEUE"] = None, "govflow"
        Redis.from_url(url).flushdb()
    assert sample(text, "govflow_rq_jobs", queue="ops-metrics-test", state="queued") == 1
    assert sample(text, "govflow_scrape_errors", source="rq") == 0


def test_an_unreachable_redis_is_a_scrape_error_not_a_failure(app, scrape):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    try:
        text = scrape()
    finally:
        app.config["REDIS_URL"] = None
    assert sample(text, "govflow_scrape_errors", source="rq") == 1
    assert sample(text, "govflow_scrape_errors", source="timers") == 0


MULTIPROCESS_CHILD = """
import sys
from webapp.ops.metrics import REQUEST_SECONDS
REQUEST_SECONDS.labels("ops.healthz", "GET", "200").observe(float(sys.argv[1]))
"""


def test_multiprocess_mode_adds_up_every_process(app, tmp_path, monkeypatch):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for seconds in ("0.5", "1.5"):
        subprocess.run([sys.executable, "-c", MULTIPROCESS_CHILD, seconds], env=env, check=True, cwd=os.getcwd())
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    text = app.test_client().get("/metrics").get_data(as_text=True)
    labels = {"endpoint": "ops.healthz", "method": "GET", "status": "200"}
    assert sample(text, "govflow_http_request_duration_seconds_count", **labels) == 2  # this process writes none
    assert sample(text, "govflow_http_request_duration_seconds_sum", **labels) == pytest.approx(2.0)
    assert sample(text, "govflow_timers_armed") == 0  # the system gauges are still there


def test_the_dashboard_and_the_alerts_name_only_metrics_that_exist(app, org, deploy, scrape):
    import re
    from pathlib import Path

    deploy("timed_approval")
    _start(org)
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/14"  # the queue's gauges come with Redis
    try:
        text = scrape()
    finally:
        app.config["REDIS_URL"] = None
    exposed = set()
    for family in text_string_to_metric_families(text):  # a histogram nobody observed yet still has its TYPE
        suffixes = ("", "_bucket", "_count", "_sum") if family.type == "histogram" else ("",)
        exposed |= {family.name + suffix for suffix in suffixes}
    root = Path(__file__).resolve().parents[2] / "deploy"
    for path in ("grafana-dashboard.json", "prometheus-alerts.yml"):
        named = set(re.findall(r"\bgovflow_[a-z_]+", (root / path).read_text()))
        named = {n for n in named if n != "govflow_ops"}  # the dashboard's uid
        assert named, path
        assert named <= exposed, (path, sorted(named - exposed))
