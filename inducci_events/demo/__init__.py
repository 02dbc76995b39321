"""``flask demo seed``: the InduCCI partners and pilot actions as demo data (idempotent)."""
import click
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data for trying the app out.")


@demo_cli.command("seed")
def seed():
    """Load (or top up) the demo partners, programmes, venues and users; print the log-ins."""
    from . import feedback, foundation, helpdesk, reach, workshops
    from . import profiles as demo_profiles
    from . import spaces as demo_spaces

    logins = foundation.seed()
    events = workshops.seed()
    click.echo(f"Events and workshop series: {len(events)} added" + (f" ({', '.join(events)})." if events else "."))
    spaces_added = demo_spaces.seed()
    click.echo(f"Pop-up spaces: {len(spaces_added)} demo listing(s) added." + "".join(
        f"\n  {line}" for line in spaces_added))
    advisers, desks_added, appointments = helpdesk.seed()
    click.echo(f"Help desks: {desks_added} added (Veneto CCI help-desk network, Kovačnica Kranj), "
               f"{appointments} demo appointments booked. Advisers (agenda at /helpdesks/agenda): "
               + ", ".join(email for email, _pw, _role in advisers))
    profiles_added = demo_profiles.seed()
    click.echo(f"Directory: {profiles_added} demo profile(s) added (Living Lab Chemnitz, KRACH+ creatives, companies "
               "from Upper Austria and Bielsko-Biała) at /profiles/.")
    answers = feedback.seed()
    click.echo(f"Feedback: questionnaires for Workers' welfare (Padova) and the boot camp (Linz), {answers} demo "
               "answers added (summaries under each event's Feedback questionnaire link).")
    tallied = reach.seed()
    click.echo(f"Reach: {tallied} day(s) of showroom visitors counted by hand; targets at /reach/.")
    click.echo("Demo data is in place. Log in with:")
    width = max(len(email) for email, _pw, _role in logins)
    for email, password, role in logins:
        click.echo(f"  {email.ljust(width)}  {password}  ({role})")
