"""`flask govflow ...`: set up, deploy processes, load the demo, serve, fire timers."""
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_migrate import upgrade

from webapp.config import ROOT
from webapp.extensions import db

govflow = AppGroup("govflow", help="GovFlow administration.")


def deploy_directory(directory, comment="deployed from processes/"):
    from webapp.engine import definitions

    results = []
    for path in sorted(Path(directory).glob("*.bpmn")):
        xml = path.read_text(encoding="utf-8")
        for process_key in definitions.process_ids(xml):
            definition, created = definitions.deploy(process_key, xml, comment=comment, once=True)
            results.append((process_key, definition.version, created))
    return results


def record_deploys(results, source):
    """Audit each newly deployed version (`webapp.audit`); the caller commits."""
    from webapp import audit

    for key, version, created in results:
        if created:
            audit.record("admin.deploy", summary=f"部署流程 {key} v{version}（{source}）",
                         target_type="process_definition", target_id=f"{key}:v{version}",
                         detail={"process_key": key, "version": version, "source": str(source)})


@govflow.command("deploy")
@click.option("--dir", "directory", default=str(ROOT / "processes"), show_default=True)
def deploy_cmd(directory):
    """Deploy every BPMN file in a directory (a new version only where it changed)."""
    results = deploy_directory(directory)
    for key, version, created in results:
        click.echo(f"{key} v{version} {'deployed' if created else 'unchanged'}")
    record_deploys(results, directory)
    db.session.commit()


@govflow.command("seed-demo")
def seed_demo_cmd():
    """Load the demo organisation, users and sample items (idempotent)."""
    from webapp.demo import seed

    summary = seed.load()
    db.session.commit()
    click.echo(summary)


@govflow.command("setup")
@click.option("--demo/--no-demo", default=True, show_default=True)
def setup_cmd(demo):
    """Migrate the database, deploy processes and (by default) load the demo."""
    upgrade(directory=str(ROOT / "migrations"))
    results = deploy_directory(ROOT / "processes")
    for key, version, created in results:
        click.echo(f"process {key} v{version} {'deployed' if created else 'unchanged'}")
    record_deploys(results, ROOT / "processes")
    db.session.commit()
    if demo:
        from webapp.demo import seed

        click.echo(seed.load())
        db.session.commit()
        click.echo(seed.login_help())


@govflow.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def serve_cmd(host, port):
    """Run the embedded default: web server plus the in-process timer sweeper (no Redis)."""
    from werkzeug.serving import run_simple

    from webapp.duties import produce_month_tables, prune_idempotency_keys, seal_audit
    from webapp.engine.timers import start_sweeper

    app = current_app._get_current_object()
    duties = [seal_audit, produce_month_tables, prune_idempotency_keys]  # seal_audit: what a previous process left
    start_sweeper(app, app.config["TIMER_SWEEP_SECONDS"], duties=duties)
    click.echo(f"GovFlow 已启动：http://{host}:{port}/  （Ctrl+C 退出）")
    run_simple(host, port, app, threaded=True, use_reloader=False)


@govflow.command("month-tables")
@click.option("--month", default=None, help="YYYY-MM（默认上月）")
def month_tables_cmd(month):
    """Produce (or reproduce, while unconfirmed) the 领导批示件月报表 of a month, by default last month."""
    from webapp import months
    from webapp.core.errors import TaskConflict
    from webapp.statistics import operations

    try:
        first = months.parse_month(month, months.previous_month(months.this_month()))
        produced, kept = operations.produce(first)
    except ValueError as exc:
        raise click.BadParameter("月份格式应为 YYYY-MM", param_hint="--month") from exc
    except TaskConflict as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"{first:%Y-%m}: {produced} table(s) produced, {kept} confirmed table(s) kept")


@govflow.command("prune-idempotency")
@click.option("--days", type=float, default=None, help="保留天数（默认 IDEMPOTENCY_KEY_DAYS）")
def prune_idempotency_cmd(days):
    """Delete the one-time keys of creating requests older than the retention (the sweep does it hourly)."""
    from webapp.core import clock
    from webapp.idempotency import operations

    kept = timedelta(days=days) if days is not None else operations.retention()
    count = operations.prune(clock.now() - kept)
    db.session.commit()
    click.echo(f"deleted {count} idempotency key(s) older than {kept}")


@govflow.command("fire-timers")
def fire_timers_cmd():
    """Fire every due timer once (what the sweeper does)."""
    from webapp.engine.timers import fire_due

    click.echo(f"handled {fire_due()} instance(s)")


@govflow.command("start-sweep")
def start_sweep_cmd():
    """Make sure the periodic timer sweep job is scheduled in RQ (idempotent; run it after Redis was lost)."""
    from webapp.engine import scheduling

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: without Redis, `flask govflow serve` sweeps in-process")
    q = scheduling.queue()
    interval = scheduling.sweep_interval()
    outcome = scheduling.ensure_sweep(q, interval, replace=True)
    current = scheduling.sweep_interval_of(q)
    if current not in (None, interval):
        outcome += f" (the sweep running now repeats every {current}s: run this again when it is idle)"
    click.echo(f"timer sweep on queue {q.name} every {interval}s: {outcome}")


@govflow.command("advance-clock")
@click.option("--hours", type=float, required=True)
def advance_clock_cmd(hours):
    """Move the shared demo clock forward (refused in production)."""
    from webapp.core import clock
    from webapp.engine import demo_clock

    offset = demo_clock.advance(timedelta(hours=hours))
    db.session.commit()
    click.echo(f"demo clock offset now {offset}; now = {clock.now().isoformat()}")


@govflow.command("doctor", with_appcontext=False)
def doctor_cmd():
    """Check this configuration for production and name what is wrong (exit 1 on errors)."""
    from webapp.ops import doctor

    raise SystemExit(doctor.report(doctor.examine(), echo=click.echo))


def init_app(app):
    app.cli.add_command(govflow)
