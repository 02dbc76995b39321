"""``flask mail send [--loop]``: deliver the outbox; ``flask mail remind``: queue reminders."""
import time

import click
from flask.cli import AppGroup

from ..extensions import db
from .reminders import queue_reminders
from .services import deliver_pending

mail_cli = AppGroup("mail", help="Deliver queued e-mail.")


@mail_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, polling the outbox.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls with --loop.")
@click.option("--batch", default=50, show_default=True, help="Messages claimed per round.")
def send(loop, interval, batch):
    """Deliver pending messages over SMTP (or into MAIL_FOLDER when no MAIL_SERVER is set)."""
    while True:
        sent, failed = deliver_pending(batch=batch)
        db.session.remove()
        if sent or failed or not loop:
            click.echo(f"sent {sent}, to retry or failed {failed}")
        if not loop:
            return
        time.sleep(interval)


@mail_cli.command("remind")
def remind():
    """Queue the reminders for what starts within 24 hours (safe to run again: none twice).

    Run it from cron every few minutes; ``flask mail send`` (or demo mode) delivers them.
    """
    queued = queue_reminders()
    db.session.remove()
    click.echo(f"queued {queued} reminder(s)")
