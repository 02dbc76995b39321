"""``flask organisations ...``: create and edit the partners of a real installation.

A fresh installation has no organisations (only ``flask demo seed`` creates the demo
partners); a site admin creates them here, then grants roles with ``flask users grant``.
"""
import click
from flask import current_app
from flask.cli import AppGroup

from ..core.auth import COMMAND_LINE
from ..core.errors import DomainError
from . import queries, services

organisations_cli = AppGroup("organisations", help="Create, edit and list organisations (partners).")


def _fail(error):
    details = "; ".join(f"{name}: {' '.join(str(m) for m in messages)}"
                        for name, messages in (error.fields or {}).items())
    raise click.ClickException(f"{error.message} {details}".strip())


def _languages():
    return set(current_app.config["LANGUAGES"])


@organisations_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Full name, e.g. “Business Upper Austria”.")
@click.option("--short-name", default="", help="Short name for lists (default: the name).")
@click.option("--country", required=True, help="ISO 3166 two-letter code, e.g. AT.")
@click.option("--timezone", "timezone", required=True, help="IANA zone, e.g. Europe/Vienna.")
@click.option("--region", default="", help="e.g. “Linz, Upper Austria”.")
@click.option("--locale", "default_locale", default="en", show_default=True,
              help="Default language of the organisation's texts.")
@click.option("--partner", "is_partner", is_flag=True, help="One of the InduCCI partners (home page).")
@click.option("--website", default="")
def create(slug, **values):
    """Create the organisation SLUG (lower-case letters, digits, hyphens)."""
    try:
        org = services.create_organisation(COMMAND_LINE, slug, languages=_languages(), **values)
    except DomainError as error:
        _fail(error)
    click.echo(f"Created organisation {org.slug} ({org.name}, {org.country}, {org.timezone})"
               f"{', partner' if org.is_partner else ''}.")


@organisations_cli.command("edit")
@click.argument("slug")
@click.option("--name")
@click.option("--short-name")
@click.option("--country")
@click.option("--timezone", "timezone")
@click.option("--region")
@click.option("--locale", "default_locale")
@click.option("--partner/--no-partner", "is_partner", default=None)
@click.option("--website")
def edit(slug, **values):
    """Change the given fields of the organisation SLUG."""
    values = {k: v for k, v in values.items() if v is not None}
    if not values:
        raise click.UsageError("Give at least one option to change (see --help).")
    try:
        org = services.update_organisation(COMMAND_LINE, slug, languages=_languages(), **values)
    except DomainError as error:
        _fail(error)
    click.echo(f"Updated organisation {org.slug}: {', '.join(sorted(values))}.")


@organisations_cli.command("list")
def list_organisations():
    """One line per organisation: slug, partner flag, country, zone, language, name."""
    organisations = queries.all_organisations()
    if not organisations:
        click.echo("No organisations yet: flask organisations create SLUG --name … --country … --timezone …")
    for org in organisations:
        click.echo(f"{org.slug:<24} {'partner' if org.is_partner else '-':<8} {org.country:<3} "
                   f"{org.timezone:<18} {org.default_locale:<3} {org.name}")
