"""Reach fixtures: the booking features' own factories, all under one organisation."""
from types import SimpleNamespace

import pytest

from inducci_events.extensions import db
from inducci_events.organisations import services as org_services
from tests.helpdesk.conftest import make_adviser, make_desk  # noqa: F401  (fixtures)
from tests.spaces.conftest import make_listing, make_space_org, space_org  # noqa: F401  (fixtures)
from tests.workshops.conftest import make_event, make_people, organiser  # noqa: F401  (fixtures)


@pytest.fixture
def programme_of(app):
    """``programme_of(organiser, org, title)`` -> a new programme without targets."""

    def make(user, org, title="CCI Showcase"):
        programme = org_services.save_programme(user, org.id, title=title, summary="", description="")
        return db.session.get(type(programme), programme.id)

    return make


@pytest.fixture
def pilot(space_org, programme_of):
    """A Chemnitz organisation (Europe/Berlin) with its venue and one programme."""
    programme = programme_of(space_org.organiser, space_org.org)
    return SimpleNamespace(organiser=space_org.organiser, org=space_org.org, venue=space_org.venue,
                           programme=programme)
