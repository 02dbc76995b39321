"""Every change a subscriber would see reaches them: a higher SEQUENCE on every item that
shows it, a new ETag on every feed and download that shows it whichever worker answers
(two app instances over one database), and exactly one message per person concerned."""
from collections import Counter
from datetime import datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from inducci_events import create_app
from inducci_events.accounts.models import User
from inducci_events.extensions import db
from inducci_events.mail.models import OutboxMessage
from inducci_events.organisations import services as organisations
from inducci_events.workshops import services as workshops
from tests.mail.conftest import compose_all


@pytest.fixture
def workers(app, client, database_url, tmp_path):
    """Two "workers": the test's app and a second app instance over the same database."""
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, MAIL_FOLDER=str(tmp_path / "mail2"),
                       BASE_URL="http://events.test")
    other.test_client_class = type(client)
    yield client, other.test_client()
    with other.app_context():
        db.engine.dispose()


def _token(person):
    return db.session.get(User, person.id).calendar_token


def _snapshot(workers, paths):
    """``{path: (etag, {uid: sequence}, body)}``, checking both workers answer alike."""
    seen = {}
    for path in paths:
        answers = [worker.get(path) for worker in workers]
        assert [a.status_code for a in answers] == [200, 200], path
        assert answers[0].headers["ETag"] == answers[1].headers["ETag"], path
        assert answers[0].data == answers[1].data, path
        cal = icalendar.Calendar.from_ical(answers[0].data)
        seen[path] = (answers[0].headers["ETag"], {str(e["UID"]): int(e["SEQUENCE"]) for e in cal.walk("VEVENT")},
                      answers[0].get_data(as_text=True))
    return seen


def _changed_everywhere(workers, before, *, uids_in=None):
    """Each path answers the old ETag with 200 on both workers, a new common ETag, and a
    higher SEQUENCE for every item in it (or those matching ``uids_in``)."""
    after = _snapshot(workers, before)
    for path, (etag, sequences, _body) in before.items():
        for worker in workers:
            assert worker.get(path, headers={"If-None-Match": etag}).status_code == 200, path
        new_etag, new_sequences, _ = after[path]
        assert new_etag != etag, path
        for uid, sequence in sequences.items():
            if uids_in is None or uids_in(uid):
                assert new_sequences[uid] > sequence, (path, uid)
    return after


def _queued(kind=None):
    compose_all()
    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [m for m in rows if kind is None or m.kind == kind]


def _clear_outbox():
    from inducci_events.core.db import unit_of_work

    with unit_of_work() as session:
        session.execute(sa.delete(OutboxMessage))


def test_a_renamed_venue_reaches_every_feed_download_and_participant(workers, make_event, make_user, organiser):
    user, org, venue = organiser
    event = make_event(sessions=3)
    people = [make_user(name=f"Person {i}") for i in range(2)]
    for person in people:
        workshops.enrol(person, event.id)
    paths = [f"/calendar/events/{event.id}.ics", f"/calendar/organisations/{org.slug}.ics",
             f"/calendar/sessions/{event.sessions[0].id}.ics", f"/calendar/feed/{_token(user)}/{org.slug}.ics",
             *[f"/calendar/feed/{_token(p)}.ics" for p in people]]
    before = _snapshot(workers, paths)
    _clear_outbox()

    organisations.save_venue(user, org.id, venue_id=venue.id, name="Tabakfabrik, Lösehalle", street=venue.street,
                             postcode=venue.postcode, city=venue.city, country=venue.country,
                             timezone=venue.timezone)

    after = _changed_everywhere(workers, before)
    assert all("Lösehalle" in body for _etag, _seq, body in after.values())
    told = _queued()
    assert Counter((m.kind, m.user_id) for m in told) == Counter(("venue_changed", p.id) for p in people)
    for message in told:  # the attachment updates the personal feed's items to their new revision
        personal = after[f"/calendar/feed/{_token(db.session.get(User, message.user_id))}.ics"][1]
        cal = icalendar.Calendar.from_ical(message.ics)
        assert cal["METHOD"] == "REQUEST" and len(cal.walk("VEVENT")) == 3
        for vevent in cal.walk("VEVENT"):
            assert int(vevent["SEQUENCE"]) == personal[str(vevent["UID"])]
            assert "Lösehalle" in str(vevent["LOCATION"])
    # A description edit changes nothing a calendar shows: no new ETag for the personal feeds.
    organisations.save_venue(user, org.id, venue_id=venue.id, name="Tabakfabrik, Lösehalle", street=venue.street,
                             postcode=venue.postcode, city=venue.city, country=venue.country,
                             timezone=venue.timezone, description="Hall with a view")
    assert len(_queued()) == len(told)


def test_a_renamed_venue_reaches_space_bookings_and_appointments(workers, make_listing, creative, make_desk,
                                                                make_user, space_org):
    from inducci_events.helpdesk import services as helpdesk
    from inducci_events.spaces import services as spaces
    from tests.helpdesk.conftest import utc
    from tests.spaces.conftest import day

    listing = make_listing(booking_mode="instant")
    booking = spaces.create_booking(creative, listing.id, start_date=day(10), end_date=day(15), units=1,
                                    purpose="Repair café", accept_terms=True)
    made = make_desk()
    booked = make_user()
    start = utc(2027, 3, 2, 13, 0)  # Tuesday 14:00 in Padova
    appointment = helpdesk.book(booked, made["desk"].id, made["adviser"].id, start, topic="Crowdfunding",
                                now=start - timedelta(days=3))
    paths = [f"/calendar/feed/{_token(creative)}.ics", f"/calendar/spaces/{listing.id}.ics",
             f"/calendar/feed/{_token(booked)}.ics", f"/calendar/helpdesks/{made['desk'].id}.ics",
             f"/calendar/feed/{_token(made['adviser_user'])}/{made['org'].slug}.ics"]
    before = _snapshot(workers, paths)
    _clear_outbox()
    for owner, venue in ((space_org.organiser, space_org.venue), (made["organiser"], made["venue"])):
        organisations.save_venue(owner, venue.organisation_id, venue_id=venue.id, name=f"{venue.name} (new wing)",
                                 street="Other street 2", postcode=venue.postcode, city=venue.city,
                                 country=venue.country, timezone=venue.timezone)
    _changed_everywhere(workers, before)
    told = Counter((m.kind, m.user_id) for m in _queued())
    assert told == Counter({("space_venue_changed", creative.id): 1, ("appointment_venue_changed", booked.id): 1})
    assert booking.id and appointment.id


def test_seat_counts_organisers_see_raise_the_sequence(workers, make_event, make_user, organiser):
    user, org, _venue = organiser
    event = make_event(capacity=1, waitlist=True)
    path = f"/calendar/feed/{_token(user)}/{org.slug}.ics"
    before = _snapshot(workers, [path])
    first = workshops.enrol(make_user(), event.id)
    before = _changed_everywhere(workers, before)
    workshops.enrol(make_user(), event.id)  # waitlisted: "1 waiting"
    before = _changed_everywhere(workers, before)
    workshops.cancel_enrolment(user, first.id)  # the waiting person moves up: same counts, other people
    _changed_everywhere(workers, before)


def test_one_edit_of_many_sessions_tells_each_person_once(workers, make_event, make_user, organiser):
    user, org, venue = organiser
    event = make_event(sessions=8)
    people = [make_user() for _ in range(3)]
    for person in people:
        workshops.enrol(person, event.id)
    paths = [f"/calendar/feed/{_token(p)}.ics" for p in people] + [f"/calendar/events/{event.id}.ics"]
    before = _snapshot(workers, paths)
    _clear_outbox()
    workshops.update_event(user, event.id, title="Growth-hacking boot camp, spring")
    before = _changed_everywhere(workers, before)
    told = _queued()
    assert Counter((m.kind, m.user_id) for m in told) == Counter(("sessions_changed", p.id) for p in people)
    assert all(len(icalendar.Calendar.from_ical(m.ics).walk("VEVENT")) == 8 for m in told)
    _clear_outbox()
    session = event.sessions[2]
    moved_to = (session.starts_at + timedelta(hours=1), session.ends_at + timedelta(hours=1))
    workshops.save_session(user, event.id, title=session.title, venue_id=venue.id, starts_at=moved_to[0],
                           ends_at=moved_to[1], session_id=session.id)
    _changed_everywhere(workers, before, uids_in=lambda uid: uid.endswith(f"-session-{session.id}@inducci-events")
                        or uid == f"session-{session.id}@inducci-events")
    moved = _queued()
    assert Counter((m.kind, m.user_id) for m in moved) == Counter(("sessions_changed", p.id) for p in people)
    [vevent] = icalendar.Calendar.from_ical(moved[0].ics).walk("VEVENT")
    assert vevent.decoded("DTSTART") == moved_to[0]
    # Saving it again unchanged tells nobody.
    _clear_outbox()
    workshops.save_session(user, event.id, title=session.title, venue_id=venue.id, starts_at=moved_to[0],
                           ends_at=moved_to[1], session_id=session.id)
    assert _queued() == []


@pytest.mark.parametrize("tell_organisers", [True, False])
def test_cancelling_ones_own_enrolment_is_confirmed_and_the_organiser_told(workers, make_event, make_user, organiser,
                                                                          tell_organisers):
    user, org, _venue = organiser
    event = make_event(sessions=2, notify_organisers_of_cancellations=tell_organisers)
    person = make_user(name="Ana Participant")
    enrolment = workshops.enrol(person, event.id)
    [confirmed] = [m.ics for m in _queued("enrolment_confirmed")]
    _clear_outbox()
    workshops.cancel_enrolment(person, enrolment.id)
    told = _queued()
    expected = Counter({("enrolment_withdrawn", person.id): 1})
    if tell_organisers:
        expected[("organiser_enrolment_withdrawn", user.id)] = 1
    assert Counter((m.kind, m.user_id) for m in told) == expected
    [mine] = [m for m in told if m.user_id == person.id]
    sent, cancel = icalendar.Calendar.from_ical(confirmed), icalendar.Calendar.from_ical(mine.ics)
    assert cancel["METHOD"] == "CANCEL" and mine.ics_method == "CANCEL"
    before = {str(e["UID"]): int(e["SEQUENCE"]) for e in sent.walk("VEVENT")}
    after = {str(e["UID"]): int(e["SEQUENCE"]) for e in cancel.walk("VEVENT")}
    assert before.keys() == after.keys() and all(after[uid] > before[uid] for uid in before)
    if tell_organisers:
        [note] = [m for m in told if m.user_id == user.id]
        assert "Ana Participant" in note.body_text and note.ics is None


def test_cancelling_a_booking_or_appointment_tells_the_other_side(app, make_listing, creative, make_desk, make_user,
                                                                  space_org):
    from inducci_events.helpdesk import services as helpdesk
    from inducci_events.spaces import services as spaces
    from tests.helpdesk.conftest import utc
    from tests.spaces.conftest import day

    listing = make_listing(booking_mode="instant")
    booking = spaces.create_booking(creative, listing.id, start_date=day(10), end_date=day(15), units=1,
                                    purpose="Repair café", accept_terms=True)
    made = make_desk()
    booked = make_user()
    start = utc(2027, 3, 2, 13, 0)
    appointment = helpdesk.book(booked, made["desk"].id, made["adviser"].id, start, topic="Crowdfunding",
                                now=start - timedelta(days=3))
    _clear_outbox()
    spaces.cancel_booking(creative, booking.id)
    helpdesk.cancel(booked, appointment.id, now=start - timedelta(days=2))
    told = Counter((m.kind, m.user_id) for m in _queued())
    assert told == Counter({("space_booking_cancelled", creative.id): 1,
                            ("organiser_space_booking_cancelled", space_org.organiser.id): 1,
                            ("appointment_cancelled", booked.id): 1,
                            ("adviser_appointment_cancelled", made["adviser_user"].id): 1})


def test_a_reminder_after_a_venue_change_carries_the_new_sequence(app, client, make_event, make_user, organiser):
    from inducci_events.mail.reminders import queue_reminders

    user, org, venue = organiser
    event = make_event(sessions=1, start_in_days=2)
    person = make_user()
    workshops.enrol(person, event.id)
    organisations.save_venue(user, org.id, venue_id=venue.id, name="Tabakfabrik Linz, Hall 2", street=venue.street,
                             postcode=venue.postcode, city=venue.city, country=venue.country,
                             timezone=venue.timezone)
    start = db.session.get(type(event), event.id).sessions[0].starts_at
    assert queue_reminders(now=start - timedelta(hours=12)) == 1
    [reminder] = _queued("reminder_session")
    [sent] = icalendar.Calendar.from_ical(reminder.ics).walk("VEVENT")
    feed = icalendar.Calendar.from_ical(client.get(f"/calendar/feed/{_token(person)}.ics").data)
    [item] = feed.walk("VEVENT")
    assert int(sent["SEQUENCE"]) == int(item["SEQUENCE"]) > 0 and "Hall 2" in str(sent["LOCATION"])
    assert isinstance(start, datetime)


def test_a_renamed_listing_reaches_the_creatives_feed(workers, make_listing, creative, space_org):
    from inducci_events.spaces import services as spaces
    from tests.spaces.conftest import day

    listing = make_listing(booking_mode="instant")
    spaces.create_booking(creative, listing.id, start_date=day(10), end_date=day(15), units=1, purpose="Repair café",
                          accept_terms=True)
    paths = [f"/calendar/feed/{_token(creative)}.ics", f"/calendar/spaces/{listing.id}.ics"]
    before = _snapshot(workers, paths)
    values = dict(venue_id=space_org.venue.id, title="KRACH shop Markt 4", kind=listing.kind, units=listing.units,
                  min_days=listing.min_days, max_days=listing.max_days, available_from=listing.available_from,
                  available_until=listing.available_until, booking_mode=listing.booking_mode, status=listing.status,
                  lead_days=listing.lead_days, terms=listing.terms, description=listing.description)
    spaces.save_listing(space_org.organiser, space_org.org.id, listing_id=listing.id, **values)
    after = _changed_everywhere(workers, before)
    assert "KRACH shop Markt 4" in after[paths[0]][2]


def test_a_renamed_organisation_reaches_sessions_bookings_and_appointments(workers, make_event, make_user, organiser,
                                                                           make_desk, make_listing, creative,
                                                                           space_org):
    """The organisation's name is every item's ORGANIZER and in its DESCRIPTION: a rename
    raises the SEQUENCE of each item that shows it, in every feed and download, and mails nobody."""
    from inducci_events.helpdesk import services as helpdesk
    from inducci_events.spaces import services as spaces
    from tests.helpdesk.conftest import utc
    from tests.spaces.conftest import day

    user, org, _venue = organiser
    event = make_event(sessions=2)
    participant = make_user()
    workshops.enrol(participant, event.id)
    made = make_desk(org=org, organiser=user)
    start = utc(2027, 3, 2, 13, 0)
    helpdesk.book(participant, made["desk"].id, made["adviser"].id, start, topic="Crowdfunding",
                  now=start - timedelta(days=3))
    listing = make_listing(booking_mode="instant")
    spaces.create_booking(creative, listing.id, start_date=day(10), end_date=day(15), units=1,
                          purpose="Repair café", accept_terms=True)
    paths = [f"/calendar/feed/{_token(participant)}.ics", f"/calendar/feed/{_token(user)}/{org.slug}.ics",
             f"/calendar/feed/{_token(made['adviser_user'])}/{org.slug}.ics",
             f"/calendar/organisations/{org.slug}.ics", f"/calendar/events/{event.id}.ics",
             f"/calendar/sessions/{event.sessions[0].id}.ics",
             f"/calendar/feed/{_token(creative)}.ics", f"/calendar/spaces/{listing.id}.ics",
             f"/calendar/feed/{_token(space_org.organiser)}/{space_org.org.slug}.ics"]
    admin = make_user(admin=True)
    before = _snapshot(workers, paths)
    kinds = {uid.split("-")[0] for _etag, sequences, _body in before.values() for uid in sequences}
    assert {"enrolment", "organiser", "staff", "appointment", "session", "space"} <= kinds
    _clear_outbox()
    languages = ["en", "de", "cs", "pl", "it", "sl", "nl"]
    organisations.update_organisation(admin, org.slug, languages=languages, name="Creative Region Linz, renamed")
    organisations.update_organisation(admin, space_org.org.slug, languages=languages, name="KRACH Spaces, renamed")

    after = _changed_everywhere(workers, before)
    for path, (_etag, _sequences, body) in after.items():
        for vevent in icalendar.Calendar.from_ical(body).walk("VEVENT"):
            name = str(vevent["ORGANIZER"].params["CN"])
            assert name in ("Creative Region Linz, renamed", "KRACH Spaces, renamed"), path
            assert name in str(vevent.get("DESCRIPTION", name)) or str(vevent["UID"]).startswith(
                ("staff-", "organiser-space")), path
    assert _queued() == []  # nothing to attend changed: no mail
    # Changing something else of the organisation raises no SEQUENCE.
    organisations.update_organisation(admin, org.slug, languages=languages, region="Upper Austria, Linz")
    again = _snapshot(workers, paths[:1])
    assert again[paths[0]][1] == after[paths[0]][1]


def test_deleting_a_session_of_a_series_cancels_it_for_each_participant(workers, make_event, make_user, organiser):
    user, org, _venue = organiser
    event = make_event(sessions=3)
    people = [make_user(name=f"Person {i}", locale=locale) for i, locale in enumerate(("en", "de"))]
    for person in people:
        workshops.enrol(person, event.id)
    cancelled = workshops.enrol(make_user(), event.id)  # cancelled: not told
    workshops.cancel_enrolment(user, cancelled.id)
    workshops.update_event(user, event.id, title="Growth-hacking boot camp, spring")  # sequences above zero
    gone = event.sessions[1]
    paths = [f"/calendar/feed/{_token(p)}.ics" for p in people]
    before = _snapshot(workers, paths + [f"/calendar/events/{event.id}.ics"])
    _clear_outbox()

    workshops.delete_session(user, event.id, gone.id)

    told = _queued()
    assert Counter((m.kind, m.user_id) for m in told) == Counter(("session_deleted", p.id) for p in people)
    for message in told:
        person = db.session.get(User, message.user_id)
        feed_before = before[f"/calendar/feed/{_token(person)}.ics"][1]
        cal = icalendar.Calendar.from_ical(message.ics)
        [vevent] = cal.walk("VEVENT")
        uid = str(vevent["UID"])
        assert cal["METHOD"] == "CANCEL" and message.ics_method == "CANCEL" and vevent["STATUS"] == "CANCELLED"
        assert uid.endswith(f"-session-{gone.id}@inducci-events") and int(vevent["SEQUENCE"]) > feed_before[uid]
        assert vevent.decoded("DTSTART") == gone.starts_at
        assert str(vevent["ATTENDEE"]) == f"mailto:{person.email}"
        assert ("Session cancelled" if person.locale == "en" else "Growth-hacking boot camp, spring") in message.subject
    # The feeds no longer show it, under a new ETag, and keep the other sessions unchanged.
    after = _snapshot(workers, before)
    for path, (etag, sequences, _body) in before.items():
        assert after[path][0] != etag
        assert {uid: seq for uid, seq in sequences.items() if f"-{gone.id}@" not in uid} == after[path][1]
    # A session that is over goes without a message.
    other = make_event(sessions=2)
    workshops.enrol(people[0], other.id)
    first = other.sessions[0]
    workshops.save_session(user, other.id, title=first.title, venue_id=first.venue_id,
                           starts_at=first.starts_at - timedelta(days=60), ends_at=first.ends_at - timedelta(days=60),
                           session_id=first.id)
    _clear_outbox()
    workshops.delete_session(user, other.id, first.id)
    assert _queued() == []
