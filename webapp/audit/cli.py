"""`flask audit verify`: check the audit log's hash chain from end to end."""
import click
from flask.cli import AppGroup

from . import chain

audit_cli = AppGroup("audit", help="Audit log (审计日志).")


@audit_cli.command("verify")
@click.option("--page-size", default=chain.PAGE_SIZE, show_default=True, help="Entries read per query.")
@click.pass_context
def verify_cmd(ctx, page_size):
    """Recompute every entry's hash; exit code 1 names the first broken entry."""
    result = chain.check(page_size)
    if result.ok:
        click.echo(f"审计日志完整：{result.count} 条")
        return
    click.echo(f"审计日志已被破坏：{result.broken.message}（此前 {result.count} 条完整）", err=True)
    ctx.exit(1)
