"""``flask mail send [--loop]``: deliver the outbox; ``flask mail remind``: queue reminders."""
import time

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from .reminders import queue_reminders
from .services import MailConfigError, deliver_pending

mail_cli = AppGroup("mail", help="Deliver queued e-mail.")


@mail_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, polling the outbox.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls with --loop.")
@click.option("--batch", default=50, show_default=True, help="Messages claimed per round.")
def send(loop, interval, batch):
    """Deliver pending messages over SMTP (or into MAIL_FOLDER when no MAIL_SERVER is set).

    A message that cannot be sent is marked failed (or retried later) and the others go on;
    with --loop, even a round that fails as a whole (the database or a setting) is logged
    and the worker tries again after the interval.
    """
    logger = current_app.logger
    while True:
        try:
            result = deliver_pending(batch=batch)
        except MailConfigError as error:
            if not loop:
                raise click.ClickException(str(error)) from None
            logger.error("%s", error)
            result = None
        except Exception:  # noqa: BLE001 - the database went away, say; the next round may work
            if not loop:
                raise
            logger.exception("mail delivery round failed; trying again in %s s", interval)
            result = None
        finally:
            db.session.remove()
        if result is not None and (any(result) or not loop):
            click.echo(f"sent {result.sent}, to retry {result.retry}, failed {result.failed}")
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
