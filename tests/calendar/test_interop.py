"""Every kind of feed, download and mail attachment read by four clients' parsers
(icalendar, vobject, ical.js, libical): each DTSTART/DTEND must be the instant the IANA
database gives, sessions at 18:00 in summer and winter in every pilot region's zone and
appointments on the day after each clock change included; libical must raise no objection
(invitations need ORGANIZER and ATTENDEE)."""
from datetime import date, datetime, time, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from inducci_events.accounts import services as accounts
from inducci_events.accounts.models import User
from inducci_events.core.db import utcnow
from inducci_events.core.timeutil import local_to_utc
from inducci_events.extensions import db
from inducci_events.helpdesk import services as helpdesk
from inducci_events.mail.models import OutboxMessage
from inducci_events.organisations import services as organisations
from inducci_events.spaces import services as spaces
from inducci_events.workshops import services as workshops
from tests.calendar.interop import read_everywhere, truth
from tests.conftest import PASSWORD
from tests.mail.conftest import compose_all
from tests.spaces.conftest import day

ZONES = {
    "Europe/Vienna": ("Linz", "AT"), "Europe/Berlin": ("Chemnitz", "DE"), "Europe/Prague": ("Sokolov", "CZ"),
    "Europe/Warsaw": ("Bielsko-Biała", "PL"), "Europe/Rome": ("Padova", "IT"), "Europe/Ljubljana": ("Kranj", "SI"),
    "Europe/Amsterdam": ("Heerlen", "NL"), "Europe/Brussels": ("Genk", "BE"),
}
#: The clock changes of 2027 in the EU: last Sunday of March and of October.
CLOCK_CHANGES = (date(2027, 3, 28), date(2027, 10, 31))


@pytest.fixture
def everything(client, browser, make_event, make_user, organiser, make_desk, make_listing, creative):
    """The demo's kinds of item in eight zones; returns ``{name: document}`` and what was made."""
    user, org, venue = organiser
    programme = organisations.save_programme(user, org.id, title="Boot camp, spring", summary="", description="",
                                             targets="")
    event = make_event(sessions=1, title="Concerts, readings; talks", programme_id=programme.id)
    year = utcnow().year + 1
    expected = {}
    for tzid, (city, country) in ZONES.items():
        place = venue if tzid == "Europe/Vienna" else organisations.save_venue(
            user, org.id, name=f"Hall in {city}", street="Main square 1", postcode="1000", city=city,
            country=country, timezone=tzid)
        for month in (7, 12):
            start = local_to_utc(datetime(year, month, 10, 18, 0), tzid)
            session = workshops.save_session(user, event.id, title=f"Evening {city} {month}", venue_id=place.id,
                                             starts_at=start, ends_at=start + timedelta(hours=2))
            expected[f"session-{session.id}@inducci-events"] = int(start.timestamp())
    participant = make_user(name="Ana, Participant")
    workshops.enrol(participant, event.id)
    accounts.set_calendar_alarm(participant, 30)  # her feed carries VALARMs

    booked = make_user(name="Bo Booker")
    appointments = []
    for tzid in ("Europe/Rome", "Europe/Ljubljana"):
        made = make_desk(timezone_name=tzid, rule=dict(weekdays=[0], start_time=time(9), end_time=time(12),
                                                       valid_from=date(2027, 1, 1)))
        for change in CLOCK_CHANGES:
            monday = change + timedelta(days=1)
            start = local_to_utc(datetime.combine(monday, time(10)), tzid)
            appointment = helpdesk.book(booked, made["desk"].id, made["adviser"].id, start, topic="Crowdfunding",
                                        now=start - timedelta(days=5))
            appointments.append((made, appointment))
            expected[f"appointment-{appointment.id}@inducci-events"] = int(start.timestamp())
            expected[f"staff-appointment-{appointment.id}@inducci-events"] = int(start.timestamp())

    listing = make_listing(booking_mode="instant")
    booking = spaces.create_booking(creative, listing.id, start_date=day(10), end_date=day(15), units=1,
                                    purpose="Radio repair café", accept_terms=True)

    documents = {}

    def get(name, path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        documents[name] = response.data

    def token(person):
        return db.session.get(User, person.id).calendar_token

    get("organisation", f"/calendar/organisations/{org.slug}.ics")
    get("programme", f"/calendar/programmes/{programme.id}.ics")
    get("event", f"/calendar/events/{event.id}.ics")
    get("listing", f"/calendar/spaces/{listing.id}.ics")
    for made, _appointment in appointments[::2]:
        get(f"desk {made['desk'].timezone}", f"/calendar/helpdesks/{made['desk'].id}.ics")
        get(f"adviser {made['desk'].timezone}",
            f"/calendar/feed/{token(made['adviser_user'])}/{made['org'].slug}.ics")
    for person in (participant, booked, creative):
        get(f"personal {person.name}", f"/calendar/feed/{token(person)}.ics")
    get("organiser", f"/calendar/feed/{token(user)}/{org.slug}.ics")
    for session in db.session.get(type(event), event.id).sessions:
        get(f"download session {session.id}", f"/calendar/sessions/{session.id}.ics")

    def download_as(person, name, path):
        browser.login(person.email, PASSWORD)
        response = browser.get(path)
        browser.submit("/logout", {}, form_url="/profile")
        if response.status_code == 200:
            documents[name] = response.data
        return response.status_code

    return dict(documents=documents, expected=expected, participant=participant, event=event, booking=booking,
                appointments=appointments, booked=booked, creative=creative, download_as=download_as)


def _mail_attachments():
    compose_all()
    messages = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.ics.is_not(None))
                                  .order_by(OutboxMessage.id)).all()
    return {f"mail {m.kind} {m.id}": m.ics.encode() for m in messages}


def test_every_reader_gets_the_instant_the_iana_database_gives(everything, tmp_path):
    documents = dict(everything["documents"])
    booking, (made, appointment) = everything["booking"], everything["appointments"][0]
    assert everything["download_as"](everything["creative"], "download booking",
                                     f"/calendar/space-bookings/{booking.id}.ics") == 200
    assert everything["download_as"](everything["booked"], "download appointment",
                                     f"/calendar/appointments/{appointment.id}.ics") == 200
    assert everything["download_as"](made["adviser_user"], "download staff appointment",
                                     f"/calendar/appointments/{appointment.id}.ics") == 200
    spaces.cancel_booking(everything["creative"], booking.id)  # a METHOD:CANCEL too
    documents.update(everything["documents"])
    documents.update(_mail_attachments())
    kinds = {name.split(" ")[0] for name in documents}
    assert {"organisation", "programme", "event", "listing", "desk", "adviser", "personal", "organiser",
            "download", "mail"} <= kinds
    readers, libical_errors = read_everywhere(documents, tmp_path)
    expected = truth(documents)
    for reader, seen in readers.items():
        for name, events in expected.items():
            assert seen[name] == events, (reader, name)
    assert libical_errors == {}
    # ... and that is what was meant: 18:00 local for every session, 10:00 for appointments.
    starts = {uid: values[0] for events in expected.values() for uid, values in events.items()}
    for uid, start in everything["expected"].items():
        if uid in starts:
            assert starts[uid] == start, uid
    assert all(uid in starts for uid in everything["expected"] if uid.startswith("session-"))
    total = sum(len(events) for events in expected.values())
    assert total > 60


def test_calendar_properties_every_client_reads_alike(everything):
    for name, body in everything["documents"].items():
        cal = icalendar.Calendar.from_ical(body)
        text = body.decode()
        assert "X-PUBLISHED-TTL:PT1H\r\n" in text and "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text, name
        for vtz in cal.walk("VTIMEZONE"):
            for observance in vtz.subcomponents:
                rdates = observance.get("RDATE", [])
                for rdate in rdates if isinstance(rdates, list) else [rdates]:
                    assert len(rdate.dts) == 1, (name, "one RDATE per line")
    assert "X-WR-CALNAME:Concerts\\, readings\\; talks\r\n" in everything["documents"]["event"].decode()
    assert "NAME:Concerts\\, readings\\; talks\r\n" in everything["documents"]["event"].decode()
    summaries = {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(everything["documents"]["event"]).walk("VEVENT")}
    assert "Concerts, readings; talks – Evening Linz 7" in summaries

