"""Help-desk fixtures: a Padova desk (Europe/Rome) with an adviser and weekly office hours."""
from datetime import date, datetime, time, timezone

import pytest

from inducci_events.accounts import services as accounts
from inducci_events.core.auth import COMMAND_LINE
from inducci_events.extensions import db
from inducci_events.helpdesk import services
from inducci_events.organisations.services import save_venue

#: A fixed "now" for service tests: Monday 1 March 2027, 08:00 UTC (09:00 in Rome).
NOW = datetime(2027, 3, 1, 8, 0, tzinfo=timezone.utc)


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def make_adviser(make_user):
    """A user with the adviser role at ``org``: ``make_adviser(org) -> user``."""

    def make(org, name=None):
        user = make_user(name=name)
        accounts.grant_role(user.email, org.slug, "adviser", actor=COMMAND_LINE)
        return db.session.get(type(user), user.id)

    return make


@pytest.fixture
def make_desk(make_organiser, make_adviser):
    """``make_desk(**options) -> dict(desk, org, organiser, adviser_user, adviser, rule)``.

    The default desk is in Padova with a weekly Tuesday 14:00-17:00 rule (60-minute slots)
    valid from 1 January 2027; pass ``rule=None`` to skip the rule or a dict to change it.
    """

    def make(org=None, organiser=None, rule=(), timezone_name="Europe/Rome", **desk_options):
        if org is None:
            organiser, org = make_organiser(timezone=timezone_name, country="IT", region="Veneto")
        venue = save_venue(organiser, org.id, name="Camera di Commercio", street="Piazza Insurrezione 1/A",
                           postcode="35137", city="Padova", country="IT", timezone=timezone_name)
        options = dict(name="CCI help-desk Padova", venue_id=venue.id, topics=["business plan", "crowdfunding"],
                       languages=["Italian", "English"], network="Veneto CCI help-desks",
                       meeting_link="https://meet.example.org/padova")
        options.update(desk_options)
        desk = services.create_desk(organiser, org.id, **options)
        adviser_user = make_adviser(org)
        adviser = services.add_adviser(organiser, desk.id, email=adviser_user.email, bio="Start-up adviser",
                                       topics=["business plan"])
        made_rule = None
        if rule is not None:
            values = dict(adviser_id=adviser.id, weekdays=[1], start_time=time(14), end_time=time(17),
                          slot_minutes=60, valid_from=date(2027, 1, 1))
            values.update(rule or {})
            made_rule = services.add_rule(organiser, desk.id, **values)
        return dict(desk=desk, org=org, organiser=organiser, adviser_user=adviser_user, adviser=adviser,
                    rule=made_rule, venue=venue)

    return make
