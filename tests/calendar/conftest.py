"""Reuse the feature factories: events (workshops), spaces and help desks."""
from tests.helpdesk.conftest import make_adviser, make_desk  # noqa: F401
from tests.spaces.conftest import creative, make_listing, make_space_org, space_org  # noqa: F401
from tests.workshops.conftest import make_event, make_people, organiser  # noqa: F401
