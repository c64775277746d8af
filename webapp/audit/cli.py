"""`flask audit verify`: check the audit log's hash chain from end to end; `flask audit seal`: seal what waits."""
import click
from flask.cli import AppGroup

from . import chain, sealer

audit_cli = AppGroup("audit", help="Audit log (审计日志).")


@audit_cli.command("verify")
@click.option("--page-size", default=chain.PAGE_SIZE, show_default=True, help="Entries read per query.")
@click.pass_context
def verify_cmd(ctx, page_size):
    """Recompute every entry's hash; exit code 1 names the first broken entry."""
    result = chain.check(page_size)
    for line in result.messages():
        click.echo(line, err=not result.ok)
    if not result.ok:
        ctx.exit(1)


@audit_cli.command("seal")
def seal_cmd():
    """Seal every entry appended so far into the hash chain (what the sealer does after each commit)."""
    click.echo(f"已封存 {sealer.seal_pending()} 条记录")
