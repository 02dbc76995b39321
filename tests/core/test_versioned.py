"""SEQUENCE grows with time, place or status changes; LAST-MODIFIED with every change."""
from datetime import timedelta

from inducci_events.core.db import unit_of_work
from inducci_events.extensions import db
from inducci_events.workshops.models import Event, Session


def _event(make_organiser):
    from inducci_events.core.db import utcnow
    from inducci_events.organisations.models import Venue

    _user, org = make_organiser()
    with unit_of_work() as s:
        venue = Venue(organisation_id=org.id, name="Hall", city="Linz", country="AT", timezone="Europe/Vienna")
        event = Event(organisation_id=org.id, title="Boot camp", capacity=5, status="published")
        s.add_all([venue, event])
        s.flush()
        start = utcnow() + timedelta(days=10)
        session = Session(event_id=event.id, venue_id=venue.id, title="Module 1", starts_at=start,
                          ends_at=start + timedelta(hours=3))
        s.add(session)
    return event.id, session.id


def test_moving_a_session_raises_its_sequence(make_organiser):
    _event_id, session_id = _event(make_organiser)
    before = db.session.get(Session, session_id)
    seq, stamp = before.sequence, before.updated_at
    with unit_of_work() as s:
        session = s.get(Session, session_id)
        session.starts_at += timedelta(hours=1)
        session.ends_at += timedelta(hours=1)
    db.session.expire_all()
    after = db.session.get(Session, session_id)
    assert after.sequence == seq + 1 and after.updated_at > stamp


def test_an_edit_of_notes_changes_last_modified_only(make_organiser):
    _event_id, session_id = _event(make_organiser)
    before = db.session.get(Session, session_id)
    seq, stamp = before.sequence, before.updated_at
    with unit_of_work() as s:
        s.get(Session, session_id).notes = "Bring your business plan."
    db.session.expire_all()
    after = db.session.get(Session, session_id)
    assert after.sequence == seq
    assert after.updated_at > stamp


def test_cancelling_an_event_raises_its_sequence(make_organiser):
    event_id, _session_id = _event(make_organiser)
    with unit_of_work() as s:
        s.get(Event, event_id).status = "cancelled"
    db.session.expire_all()
    assert db.session.get(Event, event_id).sequence == 1
