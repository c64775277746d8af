"""The generated data set holds instances the engine can carry on, and the read-path and engine benchmarks run.

A tiny size each; no timing is asserted (docs/performance.md has the figures).
"""
import json
import os
from datetime import timedelta

import pytest

from bench import dataset, engine_throughput, read_paths
from bench.timer_lag import fresh_database

PG = os.environ.get("DATABASE_URL", "")
postgresql_only = pytest.mark.skipif(
    not PG.startswith("postgres"),
    reason="bench.dataset loads with PostgreSQL's COPY; the suite's PostgreSQL run (DATABASE_URL) covers it")


def figures(out):
    return {line.split()[1]: float(line.split()[2]) for line in out.splitlines() if line.startswith("figure ")}


@pytest.fixture(scope="module")
def built():
    with fresh_database("postgresql", PG) as url:
        app, made = dataset.build(url, 0.004)
        yield app, made
        from webapp.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@postgresql_only
def test_the_data_set_has_the_counts_asked_for(built):
    app, made = built
    rows = made["rows"]
    assert rows["info_items"] == round(dataset.ITEMS * 0.004) and rows["instruction_cases"] == round(
        dataset.CASES * 0.004)
    assert rows["process_instances"] == rows["info_items"] + rows["instruction_cases"]
    assert 4 <= rows["human_tasks"] / rows["process_instances"] <= 6  # ~5,000,000 task rows at size 1
    assert made["armed"] >= dataset.ARMED * 0.004 * 0.8


@postgresql_only
def test_an_open_copied_item_is_carried_on_by_its_own_unit(built):
    from webapp.auth.models import User
    from webapp.core import clock
    from webapp.engine import runner
    from webapp.engine.models import HumanTask
    from webapp.extensions import db
    from webapp.reports.models import InfoItem

    app, _made = built
    with app.app_context():
        row = (db.session.query(HumanTask).filter_by(step_key="compose", state="open")
               .filter(HumanTask.unit_id != template_unit(db)).first())
        item = db.session.query(InfoItem).filter_by(instance_id=row.instance_id).one()
        writer = db.session.get(User, row.assignee_id)
        assert writer.unit_id == row.unit_id == item.unit_id
        clock.set_fixed(clock.now())
        try:
            runner.complete(row.id, writer, dataset.COMPOSE)
            db.session.commit()
        finally:
            clock.set_fixed(None)
        verify = db.session.query(HumanTask).filter_by(instance_id=row.instance_id, state="open").one()
        assert (verify.step_key, verify.unit_id) == ("verify", item.unit_id)


def template_unit(db):
    from webapp.auth.models import Unit

    return db.session.query(Unit.id).filter_by(code="bench-c0-u0").scalar()


@postgresql_only
def test_a_copied_case_timer_fires_when_due_and_only_then(built):
    from webapp.core import clock
    from webapp.engine import timers
    from webapp.engine.models import InstanceEvent, ProcessInstance, Timer
    from webapp.extensions import db

    app, made = built
    with app.app_context():
        timer = db.session.query(Timer).filter_by(state="armed").order_by(Timer.due_dt).first()
        assert timer.due_dt > made["now"]
        try:
            clock.set_fixed(timer.due_dt - timedelta(seconds=1))
            assert timers.fire_due() == 0
            clock.set_fixed(timer.due_dt + timedelta(seconds=1))
            assert timers.fire_due() >= 1
            db.session.commit()
        finally:
            clock.set_fixed(None)
        db.session.expire_all()
        assert db.session.get(Timer, timer.id).state == "fired"
        assert db.session.get(ProcessInstance, timer.instance_id).status == "running"
        assert db.session.query(InstanceEvent).filter_by(instance_id=timer.instance_id, action="incident").count() == 0


@postgresql_only
def test_the_read_paths_benchmark_runs_every_page(built, tmp_path, capsys):
    url = built[0].config["SQLALCHEMY_DATABASE_URI"]
    report = read_paths.main(["--baseline-url", url, "--loaded-url", url, "--rounds", "1",
                              "--out", str(tmp_path / "read.json")])

    printed = figures(capsys.readouterr().out)
    for page, *_rest in read_paths.pages(report_now(report)):
        assert f"read.loaded.{page}.p95" in printed and f"read.ratio.{page}.p95" in printed
    assert json.loads((tmp_path / "read.json").read_text())["pages"].keys() == report["pages"].keys()


def report_now(report):
    from datetime import datetime

    return datetime.fromisoformat(report["run_at"])


def test_the_engine_benchmark_carries_items_through_on_the_suites_database(tmp_path, capsys):
    kind = ["--db", "postgresql", "--url", PG] if PG.startswith("postgres") else ["--db", "sqlite"]
    report = engine_throughput.main(["--items", "4", "--rounds", "2", *kind, "--out", str(tmp_path / "e.json")])

    printed = figures(capsys.readouterr().out)
    (name, result), = report["databases"].items()
    assert result["items"] == 4 and printed[f"engine.{name}.ratio"] == result["ratio"] > 0
