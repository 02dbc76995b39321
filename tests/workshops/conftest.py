"""Factories for events: ``make_event(capacity=2)`` gives a published one-session series."""
from datetime import timedelta

import pytest

from inducci_events.core.db import utcnow
from inducci_events.extensions import db


@pytest.fixture
def organiser(make_organiser):
    """``(user, org, venue)``: an organiser of an organisation in Linz with one venue."""
    from inducci_events.organisations import services as org_services

    user, org = make_organiser(timezone="Europe/Vienna", country="AT", region="Upper Austria")
    venue = org_services.save_venue(user, org.id, name="Tabakfabrik", street="Peter-Behrens-Platz 1",
                                    postcode="4020", city="Linz", country="AT", timezone="Europe/Vienna")
    return user, org, venue


@pytest.fixture
def make_event(organiser):
    from inducci_events.workshops import services

    def make(*, sessions=1, start_in_days=30, questions=(), actor=None, org=None, venue=None, **fields):
        user, own_org, own_venue = organiser
        fields.setdefault("status", "published")
        fields.setdefault("capacity", 10)
        fields.setdefault("title", "Growth-hacking boot camp")
        start = utcnow().replace(microsecond=0) + timedelta(days=start_in_days)
        session_data = [dict(title=f"Module {i + 1}", venue_id=(venue or own_venue).id,
                             starts_at=start + timedelta(weeks=4 * i),
                             ends_at=start + timedelta(weeks=4 * i, hours=8), module_label=f"Module {i + 1}")
                        for i in range(sessions)]
        event = services.create_event(actor or user, (org or own_org).id, sessions=session_data,
                                      questions=list(questions), **fields)
        return db.session.get(type(event), event.id)

    return make


@pytest.fixture
def make_people(app):
    """``make_people(n)`` -> ids of ``n`` participants, inserted in bulk (no password hashing)."""
    from inducci_events.accounts.models import User
    from inducci_events.core.db import unit_of_work

    counter = iter(range(1, 100_000))

    def make(n):
        with unit_of_work() as session:
            users = [User(email=f"p{next(counter)}@example.org", name=f"Participant {i}", password_hash="x")
                     for i in range(n)]
            session.add_all(users)
        return [u.id for u in users]

    return make
