"""Factories for the spaces tests: an organisation with a venue, listings, creatives."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from inducci_events.extensions import db
from inducci_events.organisations import services as org_services
from inducci_events.spaces import services


def berlin_today():
    return datetime.now(timezone.utc).astimezone(ZoneInfo("Europe/Berlin")).date()


def day(offset):
    """A day relative to today in Chemnitz (the test venues' zone)."""
    return berlin_today() + timedelta(days=offset)


@pytest.fixture
def make_space_org(make_organiser):
    def make(**org_fields):
        organiser, org = make_organiser(**org_fields)
        venue = org_services.save_venue(organiser, org.id, name="KRACH shop", street="Innere Klosterstraße 6",
                                        postcode="09111", city="Chemnitz", country="DE", timezone="Europe/Berlin")
        return SimpleNamespace(organiser=organiser, org=org, venue=venue)

    return make


@pytest.fixture
def space_org(make_space_org):
    return make_space_org(region="Chemnitz")


@pytest.fixture
def make_listing(space_org):
    def make(owner=None, **fields):
        owner = owner or space_org
        values = dict(venue_id=owner.venue.id, title="KRACH shop Innere Klosterstraße", kind="shop", units=1,
                      min_days=2, max_days=42, available_from=day(0), available_until=day(200),
                      booking_mode="request", status="published", lead_days=0, terms="Leave the shop clean.",
                      description="A vacant shop in the city centre.")
        values.update(fields)
        listing = services.save_listing(owner.organiser, owner.org.id, **values)
        return db.session.get(type(listing), listing.id)

    return make


@pytest.fixture
def creative(make_user):
    return make_user(name="Anna Kovač")


def book(user, listing, start, length, units=1, **kwargs):
    kwargs.setdefault("accept_terms", True)
    kwargs.setdefault("purpose", "A repair café for old radios")
    return services.create_booking(user, listing.id, start_date=day(start), end_date=day(start + length),
                                   units=units, **kwargs)
