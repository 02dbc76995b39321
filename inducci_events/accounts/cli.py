"""``flask users ...``: set up a real installation without the demo data."""
import click
from flask.cli import AppGroup

from ..core.auth import COMMAND_LINE
from ..core.errors import DomainError
from . import passwords, queries, services

users_cli = AppGroup("users", help="Create, find and list users; grant or revoke organisation roles.")


def _fail(error):
    raise click.ClickException(str(error.message))


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's display name.")
@click.option("--password", required=True, help="At least PASSWORD_MIN_LENGTH characters.")
@click.option("--admin", is_flag=True, help="Make the user an administrator.")
@click.option("--locale", default="en", show_default=True)
def create_user(email, name, password, admin, locale):
    """Create a user with EMAIL."""
    try:
        user = services.register_user(email, password, name, locale, is_admin=admin)
    except DomainError as error:
        _fail(error)
    click.echo(f"Created user {user.email} (id {user.id}){' as admin' if admin else ''}.")


@users_cli.command("grant")
@click.argument("email")
@click.argument("org_slug")
@click.argument("role", type=click.Choice(["organiser", "adviser"]))
def grant(email, org_slug, role):
    """Give EMAIL the ROLE at the organisation ORG_SLUG."""
    try:
        created = services.grant_role(email, org_slug, role, actor=COMMAND_LINE)
    except DomainError as error:
        _fail(error)
    click.echo(f"{email} is {role} of {org_slug}{'' if created else ' (already was)'}.")


@users_cli.command("revoke")
@click.argument("email")
@click.argument("org_slug")
@click.argument("role", type=click.Choice(["organiser", "adviser"]))
def revoke(email, org_slug, role):
    """Take the ROLE at ORG_SLUG away from EMAIL."""
    try:
        removed = services.revoke_role(email, org_slug, role, actor=COMMAND_LINE)
    except DomainError as error:
        _fail(error)
    click.echo(f"{email} is no longer {role} of {org_slug}." if removed else f"{email} was not {role} of {org_slug}.")


@users_cli.command("list")
@click.option("--search", "q", help="Part of the name or e-mail address.")
@click.option("--organisation", "organisation_slug", help="Only members of this organisation (slug).")
@click.option("--limit", type=click.IntRange(1, 100000), default=200, show_default=True)
def list_users(q, organisation_slug, limit):
    """One line per user: id, e-mail, name, admin flag and roles."""
    users = queries.find_users(q=q, organisation_slug=organisation_slug, limit=limit)
    for user in users:
        roles = ", ".join(f"{m.role}@{m.organisation.slug}" for m in user.memberships)
        state = 'inactive' if not user.is_active else ('admin' if user.is_admin else '-')
        click.echo(f"{user.id:>6} {user.email:<40} {user.name:<30} {state:<8} {roles}")
    if not users:
        click.echo("No users match.")


@users_cli.command("reset-link")
@click.argument("email")
def reset_link(email):
    """Print a one-time link (valid PASSWORD_RESET_SECONDS) with which EMAIL sets a new password."""
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the e-mail address {email}.")
    click.echo(passwords.reset_link(user))


def _set_active(email, active, done):
    try:
        services.set_active(email, active, actor=COMMAND_LINE)
    except DomainError as error:
        _fail(error)
    click.echo(f"{email} {done}")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate(email):
    """Stop EMAIL from logging in; every session and API token of the account ends now."""
    _set_active(email, False, "is deactivated: signed out everywhere, and log-in is refused.")


@users_cli.command("reactivate")
@click.argument("email")
def reactivate(email):
    """Let EMAIL log in again."""
    _set_active(email, True, "can log in again.")
