"""The feeds as calendar clients see them: parse, stay in sync, keep secrets, answer 304."""
from datetime import date, datetime, time, timedelta

import icalendar
import pytest
import sqlalchemy as sa
import vobject

from inducci_events.accounts.models import User
from inducci_events.core.timeutil import local_to_utc
from inducci_events.extensions import db
from inducci_events.workshops import services as workshops
from tests.calendar.interop import read_everywhere, truth
from tests.conftest import PASSWORD


def parse(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.get_data(as_text=True)
    vobject.readOne(body)  # a second, independent parser must accept it too
    return icalendar.Calendar.from_ical(body)


def events_of(cal):
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def feed_path(user):
    return f"/calendar/feed/{db.session.get(User, user.id).calendar_token}.ics"


@pytest.fixture
def seeded(runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    return result


def test_every_demo_feed_parses_and_public_ones_hold_no_personal_data(client, seeded, tmp_path):
    from inducci_events.helpdesk.models import HelpDesk
    from inducci_events.organisations.models import Organisation, Programme
    from inducci_events.spaces.models import SpaceListing
    from inducci_events.workshops.models import Event

    from inducci_events.helpdesk.models import Adviser

    people = db.session.scalars(sa.select(User)).all()
    advisers = set(db.session.scalars(sa.select(Adviser.user_id)))  # public by design: desks name them
    public = ([f"/calendar/organisations/{o.slug}.ics" for o in Organisation.query]
              + [f"/calendar/programmes/{p.id}.ics" for p in Programme.query]
              + [f"/calendar/events/{e.id}.ics" for e in Event.query.filter(Event.status != "draft")]
              + [f"/calendar/spaces/{s.id}.ics" for s in SpaceListing.query.filter_by(status="published")]
              + [f"/calendar/helpdesks/{d.id}.ics" for d in HelpDesk.query])
    total = 0
    for path in public:
        response = client.get(path)
        cal = parse(response)
        total += len(cal.walk("VEVENT"))
        text = response.get_data(as_text=True)
        for person in people:
            assert person.email not in text, (path, person.email)
            if person.id not in advisers and not person.email.startswith("organiser."):
                assert person.name not in text, (path, person.name)
        assert "public" in response.headers["Cache-Control"]
    assert total > 50  # the demo's sessions, occupied days and office hours are really there
    documents = {path: client.get(path).data for path in public}
    for person in people:
        response = client.get(feed_path(person))
        cal = parse(response)
        assert cal["X-WR-CALNAME"] == person.name.replace(",", "\\,").replace(";", "\\;")
        documents[f"personal {person.id}"] = response.data
    # ... and every client reads every instant of them as the IANA database gives it.
    readers, libical_errors = read_everywhere(documents, tmp_path)
    expected = truth(documents)
    for reader, seen in readers.items():
        assert seen == expected, reader
    assert libical_errors == {}


def test_session_time_change_keeps_the_uid_and_raises_sequence(client, make_event, organiser):
    user, org, venue = organiser
    event = make_event(sessions=2)
    url = f"/calendar/events/{event.id}.ics"
    first = events_of(parse(client.get(url)))
    session = event.sessions[0]
    uid = f"session-{session.id}@inducci-events"
    before = first[uid]
    workshops.save_session(user, event.id, title=session.title, venue_id=venue.id,
                           starts_at=session.starts_at + timedelta(hours=2), ends_at=session.ends_at + timedelta(hours=2),
                           session_id=session.id)
    after = events_of(parse(client.get(url)))[uid]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("DTSTART") - before.decoded("DTSTART") == timedelta(hours=2)
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")
    assert len(events_of(parse(client.get(url)))) == 2


def test_cancelled_enrolment_stays_in_the_personal_feed_as_cancelled(client, make_event, make_user):
    event = make_event(sessions=3)
    person = make_user()
    enrolment = workshops.enrol(person, event.id)
    feed = events_of(parse(client.get(feed_path(person))))
    assert len(feed) == 3 and {str(e["STATUS"]) for e in feed.values()} == {"CONFIRMED"}
    workshops.cancel_enrolment(person, enrolment.id)
    cancelled = events_of(parse(client.get(feed_path(person))))
    assert cancelled.keys() == feed.keys()
    for uid, item in cancelled.items():
        assert item["STATUS"] == "CANCELLED" and item["SEQUENCE"] > feed[uid]["SEQUENCE"]


def test_organiser_cancelling_the_event_cancels_it_everywhere(client, make_event, make_user, organiser):
    user, org, _venue = organiser
    event = make_event()
    person = make_user()
    workshops.enrol(person, event.id)
    workshops.update_event(user, event.id, status="cancelled")
    assert {str(e["STATUS"]) for e in parse(client.get(feed_path(person))).walk("VEVENT")} == {"CANCELLED"}
    assert {str(e["STATUS"]) for e in parse(client.get(f"/calendar/events/{event.id}.ics")).walk("VEVENT")} == {
        "CANCELLED"}


def test_organiser_feed_has_counts_and_names_only_for_their_organisation(client, make_event, make_user, organiser,
                                                                         make_organiser):
    user, org, _venue = organiser
    event = make_event(capacity=1, waitlist=True)
    first, second = make_user(name="Ana First"), make_user(name="Ben Second")
    workshops.enrol(first, event.id)
    workshops.enrol(second, event.id)
    response = client.get(f"/calendar/feed/{db.session.get(User, user.id).calendar_token}/{org.slug}.ics")
    [item] = parse(response).walk("VEVENT")
    assert "[1/1]" in str(item["SUMMARY"]) and "1 waiting" in str(item["DESCRIPTION"])
    assert "private" in response.headers["Cache-Control"]
    outsider, other_org = make_organiser()
    token = db.session.get(User, outsider.id).calendar_token
    assert client.get(f"/calendar/feed/{token}/{org.slug}.ics").status_code == 404


def test_regenerating_the_secret_retires_the_old_url(browser, client, make_user):
    person = make_user()
    old = feed_path(person)
    assert client.get(old).status_code == 200
    browser.login(person.email)
    page = browser.get("/calendar/").get_data(as_text=True)
    assert "webcal://events.test/calendar/feed/" in page
    assert f"http://events.test{old}" in page
    browser.submit("/calendar/regenerate", {}, form_url="/calendar/")
    assert client.get(old).status_code == 404
    assert client.get(feed_path(person)).status_code == 200


def test_the_api_gives_and_regenerates_feed_urls(api, client, organiser):
    user, org, _venue = organiser
    token = api.token_for(user.email)
    urls = api.get("/api/v1/me/calendar", token=token).get_json()
    assert urls["webcal_url"].startswith("webcal://events.test/calendar/feed/")
    assert [f["organisation"] for f in urls["organiser_feed_urls"]] == [org.slug]
    new = api.post("/api/v1/me/calendar/regenerate", token=token).get_json()
    assert new["feed_url"] != urls["feed_url"]
    assert client.get(urls["feed_url"].replace("http://events.test", "")).status_code == 404


def test_public_api_items_carry_their_feed(api, client, make_event):
    event = make_event()
    url = api.get(f"/api/v1/events/{event.id}").get_json()["ical_url"]
    assert url == f"http://events.test/calendar/events/{event.id}.ics"
    assert client.get(url.replace("http://events.test", "")).status_code == 200


def test_conditional_get_head_and_validators(client, make_event, organiser):
    user, _org, _venue = organiser
    event = make_event()
    url = f"/calendar/events/{event.id}.ics"
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    head = client.head(url)
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == etag
    workshops.update_event(user, event.id, title="New title")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_public_feeds_change_with_what_they_show_and_only_then(client, make_event, make_user, organiser,
                                                               make_organiser):
    """Public feeds take their ETag from the organisation's ``calendar_changed_at``: every
    change to a session, an event, a venue or a programme must move it; enrolments and other
    organisations' changes must not (clients would download unchanged feeds). Personal feeds
    see a renamed venue too."""
    from inducci_events.organisations import services as organisations

    user, org, venue = organiser
    event = make_event(sessions=2)
    session = event.sessions[0]
    url = f"/calendar/organisations/{org.slug}.ics"
    seen = [client.get(url).headers["ETag"]]

    def changed():
        response = client.get(url, headers={"If-None-Match": seen[-1]})
        seen.append(response.headers["ETag"])
        return response.status_code == 200 and seen[-1] != seen[-2]

    participant = make_user()
    workshops.enrol(participant, event.id)
    other_user, other_org = make_organiser(slug="kranj")
    organisations.save_venue(other_user, other_org.id, name="Layer House", street="", postcode="4000",
                             city="Kranj", country="SI", timezone="Europe/Ljubljana")
    assert not changed()
    workshops.save_session(user, event.id, title=session.title, venue_id=venue.id,
                           starts_at=session.starts_at + timedelta(hours=1),
                           ends_at=session.ends_at + timedelta(hours=1), session_id=session.id)
    assert changed()
    workshops.save_session(user, event.id, title="Company visit", venue_id=venue.id,
                           starts_at=session.starts_at + timedelta(days=7),
                           ends_at=session.ends_at + timedelta(days=7))
    assert changed() and "Company visit" in client.get(url).get_data(as_text=True)
    workshops.delete_session(user, event.id, event.sessions[-1].id)
    assert changed()
    personal = client.get(feed_path(participant)).headers["ETag"]
    organisations.save_venue(user, org.id, venue_id=venue.id, name="Tabakfabrik, Lösehalle",
                             street=venue.street, postcode=venue.postcode, city=venue.city,
                             country=venue.country, timezone=venue.timezone)
    assert changed() and "Lösehalle" in client.get(url).get_data(as_text=True)
    renamed = client.get(feed_path(participant), headers={"If-None-Match": personal})
    assert renamed.status_code == 200 and "Lösehalle" in renamed.get_data(as_text=True)
    programme = organisations.save_programme(user, org.id, title="Boot camp", summary="", description="",
                                             targets="")
    assert changed()
    programme_url = f"/calendar/programmes/{programme.id}.ics"
    before = client.get(programme_url).headers["ETag"]
    organisations.save_programme(user, org.id, title="Growth-hacking boot camp", summary="", description="",
                                 targets="", programme_id=programme.id)
    retitled = client.get(programme_url, headers={"If-None-Match": before})
    assert retitled.status_code == 200 and "Growth-hacking boot camp" in retitled.get_data(as_text=True)
    workshops.update_event(user, event.id, status="cancelled")
    assert changed() and "STATUS:CANCELLED" in client.get(url).get_data(as_text=True)
    assert not changed()


def test_sessions_at_six_in_vienna_in_summer_and_winter(client, make_event, organiser):
    user, org, venue = organiser
    event = make_event(sessions=1, start_in_days=400)
    for month in (7, 12):
        start = local_to_utc(datetime(2027, month, 10, 18, 0), "Europe/Vienna")
        workshops.save_session(user, event.id, title=f"Concert {month}", venue_id=venue.id, starts_at=start,
                               ends_at=start + timedelta(hours=2))
    cal = parse(client.get(f"/calendar/events/{event.id}.ics"))
    concerts = [e for e in cal.walk("VEVENT") if "Concert" in str(e["SUMMARY"])]
    assert [(e.decoded("DTSTART").hour, e["DTSTART"].params["TZID"]) for e in concerts] == [
        (18, "Europe/Vienna"), (18, "Europe/Vienna")]
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Vienna"]


def test_office_hours_keep_their_local_time_across_both_clock_changes(client, make_desk):
    made = make_desk(rule=dict(weekdays=[1], start_time=time(14), end_time=time(17), valid_from=date(2026, 1, 1)),
                     horizon_days=365)
    cal = parse(client.get(f"/calendar/helpdesks/{made['desk'].id}.ics"))
    starts = [e.decoded("DTSTART") for e in cal.walk("VEVENT")]
    assert len(starts) > 40 and {s.hour for s in starts} == {14}
    assert {s.utcoffset() for s in starts} == {timedelta(hours=1), timedelta(hours=2)}
    assert all(str(e["TRANSP"]) == "TRANSPARENT" for e in cal.walk("VEVENT"))


def test_space_bookings_are_all_day_with_an_exclusive_end(client, make_listing, creative):
    from inducci_events.spaces import services as spaces
    from tests.spaces.conftest import day

    listing = make_listing(booking_mode="instant")
    booking = spaces.create_booking(creative, listing.id, start_date=day(10), end_date=day(15), units=1,
                                    purpose="Radio repair café", accept_terms=True)
    [mine] = parse(client.get(feed_path(creative))).walk("VEVENT")
    assert (mine.decoded("DTSTART"), mine.decoded("DTEND")) == (day(10), day(15))
    [busy] = parse(client.get(f"/calendar/spaces/{listing.id}.ics")).walk("VEVENT")
    assert "Radio" not in busy.to_ical().decode() and creative.name not in busy.to_ical().decode()
    spaces.cancel_booking(creative, booking.id)
    [cancelled] = parse(client.get(feed_path(creative))).walk("VEVENT")
    assert cancelled["STATUS"] == "CANCELLED"


def test_downloads_are_for_the_people_concerned(browser, client, make_listing, creative, make_user, make_event):
    from inducci_events.spaces import services as spaces
    from tests.spaces.conftest import day

    event = make_event()
    session_file = client.get(f"/calendar/sessions/{event.sessions[0].id}.ics")
    assert "attachment" in session_file.headers["Content-Disposition"]
    assert len(parse(session_file).walk("VEVENT")) == 1
    listing = make_listing(booking_mode="instant")
    booking = spaces.create_booking(creative, listing.id, start_date=day(3), end_date=day(5), units=1,
                                    purpose="x", accept_terms=True)
    stranger = make_user()
    browser.login(stranger.email)
    assert browser.get(f"/calendar/space-bookings/{booking.id}.ics").status_code == 404
    browser.submit("/logout", {}, form_url="/profile")
    browser.login(creative.email, PASSWORD)
    assert len(parse(browser.get(f"/calendar/space-bookings/{booking.id}.ics")).walk("VEVENT")) == 1


def _count_queries(app, call):
    statements = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_feeds_take_a_fixed_number_of_queries(app, client, make_event, make_user, organiser):
    user, org, _venue = organiser
    person = make_user()
    token = db.session.get(User, user.id).calendar_token
    paths = [f"/calendar/organisations/{org.slug}.ics", feed_path(person), f"/calendar/feed/{token}/{org.slug}.ics"]

    def cost():
        return [_count_queries(app, lambda p=p: parse(client.get(p))) for p in paths]

    event = make_event(sessions=2)
    workshops.enrol(person, event.id)
    small = cost()
    for _ in range(4):
        workshops.enrol(person, make_event(sessions=5).id)
    assert len(parse(client.get(feed_path(person))).walk("VEVENT")) == 22
    assert cost() == small


def test_an_unchanged_feed_answers_304_and_a_change_is_seen_at_once(app, client, make_event, make_user, organiser):
    """No body is kept between requests: a change is in the very next answer, under a new ETag."""
    user, _org, venue = organiser
    event = make_event()
    person = make_user()
    workshops.enrol(person, event.id)
    first = client.get(feed_path(person))
    assert client.get(feed_path(person)).data == first.data
    assert client.get(feed_path(person), headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    session = event.sessions[0]
    workshops.save_session(user, event.id, title="Moved", venue_id=venue.id, starts_at=session.starts_at,
                           ends_at=session.ends_at, session_id=session.id)
    changed = client.get(feed_path(person))
    assert changed.headers["ETag"] != first.headers["ETag"] and b"Moved" in changed.data


def test_an_optional_reminder_alarm_in_the_personal_feed(browser, client, make_event, make_user):
    event = make_event(sessions=2)
    person = make_user()
    workshops.enrol(person, event.id)
    before = client.get(feed_path(person))
    assert not parse(before).walk("VALARM")
    browser.login(person.email)
    assert 'data-testid="alarm-form"' in browser.get("/calendar/").get_data(as_text=True)
    browser.submit("/calendar/alarm", {"minutes": "30"}, form_url="/calendar/")
    after = client.get(feed_path(person), headers={"If-None-Match": before.headers["ETag"]})
    alarms = parse(after).walk("VALARM")
    assert len(alarms) == 2 and {a.decoded("TRIGGER") for a in alarms} == {-timedelta(minutes=30)}
    browser.submit("/calendar/alarm", {"minutes": "999"}, form_url="/calendar/")  # not offered: nothing changes
    assert len(parse(client.get(feed_path(person))).walk("VALARM")) == 2
    browser.submit("/calendar/alarm", {"minutes": ""}, form_url="/calendar/")
    assert not parse(client.get(feed_path(person))).walk("VALARM")
