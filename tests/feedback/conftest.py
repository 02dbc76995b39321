"""Factories for feedback: an event that is over, with people who attended it."""
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from inducci_events.core.db import utcnow
from inducci_events.extensions import db

QUESTIONS = [
    dict(kind="rating", text="How useful was the performance for your working day?", required=True),
    dict(kind="choice", text="You are", choices=["a worker", "a manager"]),
    dict(kind="text", text="What should change next time?"),
]


@pytest.fixture
def organiser(make_organiser):
    """``(user, org, venue)`` in Padova."""
    from inducci_events.organisations import services as org_services

    user, org = make_organiser(timezone="Europe/Rome", country="IT", region="Veneto")
    venue = org_services.save_venue(user, org.id, name="Company A", street="Corso Stati Uniti 14",
                                    postcode="35127", city="Padova", country="IT", timezone="Europe/Rome")
    return user, org, venue


@dataclass
class Held:
    event_id: int
    ends_at: object
    organiser: object
    org: object
    attendees: list = field(default_factory=list)
    absent: list = field(default_factory=list)


@pytest.fixture
def held_event(organiser, make_user):
    """``held_event(attendees=3, absent=1, ended_days_ago=2)``: a published one-session event
    that is over; ``attendees`` were checked in, ``absent`` were confirmed but not checked in
    (with ``check_in=False`` nobody is checked in at all)."""
    from inducci_events.workshops import services

    def make(*, attendees=3, absent=0, ended_days_ago=2, check_in=True, users=None, title="Workers' welfare"):
        user, org, venue = organiser
        end = utcnow().replace(microsecond=0) - timedelta(days=ended_days_ago)
        start = end - timedelta(hours=1)
        event = services.create_event(user, org.id, title=title, capacity=200, status="published",
                                      sessions=[dict(title="Performance", venue_id=venue.id, starts_at=start,
                                                     ends_at=end)])
        people = users if users is not None else [make_user() for _ in range(attendees + absent)]
        held = Held(event.id, end, user, org)
        session_id = db.session.get(type(event), event.id).sessions[0].id
        for i, person in enumerate(people):
            enrolment = services.enrol(person, event.id, now=start - timedelta(days=7))
            if i < len(people) - absent:
                if check_in:
                    services.set_attendance(user, session_id, enrolment.id, True)
                held.attendees.append(person)
            else:
                held.absent.append(person)
        return held

    return make


@pytest.fixture
def with_form():
    from inducci_events.feedback import services

    def make(held, *, anonymous=True, questions=QUESTIONS):
        form = services.save_form(held.organiser, held.event_id, questions=questions, anonymous=anonymous)
        from inducci_events.feedback.queries import form_of

        return form_of(held.event_id) if form is not None else None

    return make
