"""Booking rules without HTTP: the per-day invariant, approvals, refusals, expiry."""
from datetime import datetime, time, timedelta, timezone

import pytest

from inducci_events.core.auth import COMMAND_LINE
from inducci_events.core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from inducci_events.extensions import db
from inducci_events.spaces import queries, services
from inducci_events.spaces.models import SpaceBooking, SpaceListing
from tests.conftest import count
from tests.spaces.conftest import book, day


def _status(booking):
    db.session.expire_all()
    return db.session.get(SpaceBooking, booking.id).status


def test_instant_booking_is_confirmed_and_a_request_waits(make_listing, creative):
    instant = make_listing(booking_mode="instant", units=15, kind="showroom_shelf")
    shop = make_listing()
    assert book(creative, instant, 5, 7).status == "confirmed"
    request = book(creative, shop, 5, 5, team=[("Jan Novák", "Sokolov"), ("  ", "ignored")])
    assert request.status == "requested"
    assert [(m.name, m.home_region) for m in request.team] == [("Jan Novák", "Sokolov")]


def test_units_per_day_never_exceed_the_listing(make_listing, make_user):
    showroom = make_listing(booking_mode="instant", units=3, kind="showroom_shelf", min_days=1)
    users = [make_user() for _ in range(4)]
    book(users[0], showroom, 10, 5, units=2)
    book(users[1], showroom, 12, 5)  # day 12-14: 3 of 3 taken
    with pytest.raises(services.NoCapacity) as refused:
        book(users[2], showroom, 14, 2)
    assert refused.value.code == "no_capacity" and refused.value.status == 409
    assert book(users[3], showroom, 15, 2).status == "confirmed"  # day 15 has 1 free again
    free = {d.date: d.free_units for d in queries.availability(showroom, day(9), day(18))}
    assert [free[day(i)] for i in range(9, 18)] == [3, 1, 1, 0, 0, 0, 1, 1, 3]
    assert count(SpaceBooking) == 3


def test_approving_a_request_that_no_longer_fits_is_refused_with_the_days(space_org, make_listing, make_user):
    shop = make_listing()
    first, second = make_user(), make_user()
    a = book(first, shop, 10, 5)
    b = book(second, shop, 12, 5)  # requests may overlap
    items = {i.booking.id: i for i in queries.inbox(space_org.org)}
    assert [c.id for c in items[a.id].conflicts] == [b.id] and items[a.id].fits
    services.approve_booking(space_org.organiser, a.id)
    with pytest.raises(services.NoCapacity) as refused:
        services.approve_booking(space_org.organiser, b.id)
    assert str(day(12).day) in refused.value.message
    assert _status(a) == "confirmed" and _status(b) == "requested"
    item = {i.booking.id: i for i in queries.inbox(space_org.org)}[b.id]
    assert not item.fits and item.full_days == [day(12), day(13), day(14)]
    # And a new request for fully confirmed days is refused straight away.
    with pytest.raises(services.NoCapacity):
        book(make_user(), shop, 11, 2)


def test_decline_needs_a_reason_and_shows_it(space_org, make_listing, creative):
    booking = book(creative, make_listing(), 10, 5)
    with pytest.raises(ValidationFailed) as refused:
        services.decline_booking(space_org.organiser, booking.id, "  ")
    assert refused.value.fields == {"reason": [refused.value.message]}
    services.decline_booking(space_org.organiser, booking.id, "The shop is being renovated that week.")
    db.session.expire_all()
    declined = db.session.get(SpaceBooking, booking.id)
    assert declined.status == "declined" and declined.decline_reason == "The shop is being renovated that week."
    with pytest.raises(services.NotPending):
        services.approve_booking(space_org.organiser, booking.id)


@pytest.mark.parametrize("start, length, units, extra, code, field", [
    (10, 0, 1, {}, "invalid_range", "end_date"),
    (10, -3, 1, {}, "invalid_range", "end_date"),
    (195, 10, 1, {}, "outside_window", "start_date"),
    (30, 5, 1, {}, "blackout", "start_date"),
    (10, 1, 1, {}, "too_short", "end_date"),
    (10, 43, 1, {}, "too_long", "end_date"),
    (10, 5, 2, {}, "too_many_units", "units"),
    (-1, 5, 1, {}, "start_in_past", "start_date"),
    (2, 5, 1, {}, "inside_lead_time", "start_date"),
    (10, 5, 1, {"accept_terms": False}, "terms_not_accepted", "accept_terms"),
])
def test_bad_booking_input_is_refused_and_nothing_changes(make_listing, creative, start, length, units, extra,
                                                         code, field):
    shop = make_listing(lead_days=3, available_from=day(-10), blackouts=f"{day(32).isoformat()} Street festival")
    with pytest.raises(ValidationFailed) as refused:
        book(creative, shop, start, length, units=units, **extra)
    assert refused.value.code == code and field in refused.value.fields
    assert refused.value.status == 422
    assert count(SpaceBooking) == 0


def test_a_draft_or_archived_listing_cannot_be_booked(make_listing, creative):
    for status in ("draft", "archived"):
        listing = make_listing(status=status)
        with pytest.raises(services.ListingNotBookable):
            book(creative, listing, 10, 5)
    assert count(SpaceBooking) == 0


def test_organisers_of_another_organisation_cannot_touch_the_listing(make_space_org, space_org, make_listing,
                                                                    creative):
    shop = make_listing()
    booking = book(creative, shop, 10, 5)
    stranger = make_space_org()
    for action in (lambda: services.approve_booking(stranger.organiser, booking.id),
                   lambda: services.decline_booking(stranger.organiser, booking.id, "No"),
                   lambda: services.save_listing(stranger.organiser, space_org.org.id, venue_id=space_org.venue.id,
                                                 title="Mine now", kind="shop", units=9, min_days=1, max_days=2,
                                                 available_from=day(0), available_until=day(9),
                                                 booking_mode="instant", listing_id=shop.id)):
        with pytest.raises(Forbidden):
            action()
    with pytest.raises(NotFound):  # their own organisation, but not their listing
        services.save_listing(stranger.organiser, stranger.org.id, venue_id=stranger.venue.id, title="Mine now",
                              kind="shop", units=9, min_days=1, max_days=2, available_from=day(0),
                              available_until=day(9), booking_mode="instant", listing_id=shop.id)
    with pytest.raises(NotFound):  # a creative who is not the booker
        services.cancel_booking(stranger.organiser, booking.id)
    db.session.expire_all()
    assert _status(booking) == "requested"
    assert db.session.get(SpaceListing, shop.id).title == "KRACH shop Innere Klosterstraße"


def test_a_listing_cannot_use_another_organisations_venue(make_space_org, space_org):
    other = make_space_org()
    with pytest.raises(ValidationFailed) as refused:
        services.save_listing(space_org.organiser, space_org.org.id, venue_id=other.venue.id, title="X",
                              kind="shop", units=1, min_days=1, max_days=2, available_from=day(0),
                              available_until=day(9), booking_mode="instant")
    assert "venue_id" in refused.value.fields
    assert count(SpaceListing) == 0


def test_cancelling_frees_the_units_for_the_next_creative(space_org, make_listing, make_user):
    shop = make_listing(booking_mode="instant")
    first, second = make_user(), make_user()
    booking = book(first, shop, 10, 5)
    with pytest.raises(services.NoCapacity):
        book(second, shop, 11, 3)
    services.cancel_booking(first, booking.id)
    assert book(second, shop, 11, 3).status == "confirmed"
    with pytest.raises(services.NotCancellable):
        services.cancel_booking(first, booking.id)
    cancelled = db.session.get(SpaceBooking, booking.id)
    assert cancelled.cancelled_by == "creative"


def test_the_organiser_can_cancel_a_confirmed_booking(space_org, make_listing, creative):
    booking = book(creative, make_listing(booking_mode="instant"), 10, 5)
    services.cancel_booking(space_org.organiser, booking.id)
    db.session.expire_all()
    cancelled = db.session.get(SpaceBooking, booking.id)
    assert cancelled.status == "cancelled" and cancelled.cancelled_by == "organiser"


def test_the_same_creative_cannot_book_the_same_start_twice(make_listing, creative):
    showroom = make_listing(booking_mode="instant", units=5)
    book(creative, showroom, 10, 5)
    with pytest.raises(services.AlreadyBooked):
        book(creative, showroom, 10, 3)
    assert count(SpaceBooking) == 1


def test_unanswered_requests_expire_on_their_start_day(space_org, make_listing, creative):
    shop = make_listing(available_from=day(-30))
    a_week_ago = datetime.now(timezone.utc) - timedelta(days=7)
    stale = services.create_booking(creative, shop.id, start_date=day(0), end_date=day(3), accept_terms=True,
                                    purpose="A pop-up", now=a_week_ago)
    fresh = book(creative, shop, 10, 3)
    assert stale.effective_status(day(0)) == "expired"
    assert [i.booking.id for i in queries.inbox(space_org.org)] == [fresh.id]
    with pytest.raises(services.RequestExpired):
        services.approve_booking(space_org.organiser, stale.id)
    assert services.expire_requests() == 1
    assert services.expire_requests() == 0  # safe to re-run
    assert _status(stale) == "expired" and _status(fresh) == "requested"


def test_a_listing_change_that_would_strand_confirmed_bookings_is_refused(space_org, make_listing, make_user):
    showroom = make_listing(booking_mode="instant", units=3, min_days=1)
    book(make_user(), showroom, 10, 5, units=2)
    base = dict(venue_id=space_org.venue.id, title=showroom.title, kind="shop", min_days=1, max_days=42,
                available_from=day(0), available_until=day(200), booking_mode="instant", status="published",
                listing_id=showroom.id)
    with pytest.raises(services.BookingsAffected):
        services.save_listing(space_org.organiser, space_org.org.id, units=1, **base)
    with pytest.raises(services.BookingsAffected):
        services.save_listing(space_org.organiser, space_org.org.id, units=3,
                              blackouts=f"{day(12).isoformat()} – {day(13).isoformat()} Repairs", **base)
    db.session.expire_all()
    assert db.session.get(SpaceListing, showroom.id).units == 3
    services.save_listing(space_org.organiser, space_org.org.id, units=2, **base)  # still fits
    db.session.expire_all()
    assert db.session.get(SpaceListing, showroom.id).units == 2


def test_opening_hours_and_blackouts_are_parsed_from_lines():
    hours = services.parse_opening_hours("Mon-Fri 10:00-18:00\nSa 10:00-14:00")
    assert [h[0] for h in hours] == [0, 1, 2, 3, 4, 5]
    assert str(hours[-1][2]) == "14:00:00"
    (start, end, reason), = services.parse_blackouts("2026-05-01 – 2026-05-03 Street festival")
    assert (start.isoformat(), end.isoformat(), reason) == ("2026-05-01", "2026-05-04", "Street festival")
    for bad in ("Someday 10-12", "Mon 18:00-10:00"):
        with pytest.raises(ValidationFailed):
            services.parse_opening_hours(bad)
    with pytest.raises(ValidationFailed):
        services.parse_blackouts("2026-05-03 – 2026-05-01")


@pytest.mark.parametrize("locale, text, example", [
    ("en", "Mon-Fri 10:00-18:00\nSat 10:00-14:00", "Mon-Fri 10:00-18:00"),
    ("de", "Mo.–Fr. 10:00-18:00\nSa 10:00-14:00", "Mo-Fr 10:00-18:00"),
    ("cs", "po-pá 10:00-18:00\nso 10:00-14:00", "po-pá 10:00-18:00"),  # "so" is Saturday here, Sunday in German
    ("pl", "pon.-pt. 10:00-18:00\nsobota 10.00-14.00", "pon-pt 10:00-18:00"),
    ("it", "lun-ven 10:00-18:00\nsab 10:00-14:00", "lun-ven 10:00-18:00"),
    ("sl", "pon.–pet. 10:00-18:00\nsob. 10:00-14:00", "pon-pet 10:00-18:00"),
    ("nl", "ma-vr 10:00-18:00\nza 10:00-14:00", "ma-vr 10:00-18:00"),
])
def test_opening_hours_are_written_and_read_in_the_page_language(app, locale, text, example):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale(locale):
        hours = services.parse_opening_hours(text)
        assert services.opening_hours_example() == example
        assert services.parse_opening_hours(example) == hours[:-1]  # what the form shows reads back the same
        with pytest.raises(ValidationFailed) as refused:
            services.parse_opening_hours("Someday 10-12")
        assert example in str(refused.value.fields["opening_hours"][0])
    assert [h[0] for h in hours] == [0, 1, 2, 3, 4, 5]
    assert str(hours[-1][2]) == "14:00:00"


def test_availability_marks_closed_days(make_listing):
    shop = make_listing(available_from=day(5), available_until=day(20), blackouts=f"{day(8).isoformat()}")
    days = {d.date: d for d in queries.availability(shop, day(3), day(23))}
    assert days[day(4)].closed == "outside_window" and days[day(4)].free_units == 0
    assert days[day(8)].closed == "blackout" and days[day(8)].free_units == 0
    assert days[day(9)].closed is None and days[day(9)].free_units == 1
    assert days[day(21)].closed == "outside_window"


def test_search_by_region_kind_range_and_units(make_space_org, space_org, make_listing, make_user):
    shop = make_listing(booking_mode="instant")
    showroom = make_listing(title="CCI Showcase", kind="showroom_shelf", units=15, booking_mode="instant")
    elsewhere = make_space_org(region="Limburg")
    box = make_listing(owner=elsewhere, title="The Box", kind="box")
    make_listing(title="Draft shop", status="draft")
    book(make_user(), shop, 10, 5)
    assert {x.id for x in queries.search()} == {shop.id, showroom.id, box.id}
    assert [x.id for x in queries.search(region="Limburg")] == [box.id]
    assert [x.id for x in queries.search(kind="showroom_shelf")] == [showroom.id]
    assert {x.id for x in queries.search(start=day(12), end=day(14))} == {showroom.id, box.id}
    assert {x.id for x in queries.search(start=day(15), end=day(20))} == {shop.id, showroom.id, box.id}
    assert [x.id for x in queries.search(units=2)] == [showroom.id]
    assert queries.search(start=day(190), end=day(210)) == []


def test_refusals_are_domain_errors_with_stable_codes(space_org, make_listing, make_user, creative):
    """Each refusal, provoked for real: a 409 Conflict whose code is what a client receives."""
    shop = make_listing(available_from=day(-30))
    single = make_listing(title="Single shelf", booking_mode="instant", kind="showroom_shelf", min_days=1)
    shelves = make_listing(title="Shelves", booking_mode="instant", kind="showroom_shelf", units=5, min_days=1)
    a_week_ago = datetime.now(timezone.utc) - timedelta(days=7)
    stale = services.create_booking(creative, shop.id, start_date=day(0), end_date=day(3), accept_terms=True,
                                    purpose="A pop-up", now=a_week_ago)
    declined = book(make_user(), shop, 20, 3)
    services.decline_booking(space_org.organiser, declined.id, "The owner needs the shop.")
    book(creative, single, 10, 5)
    book(creative, shelves, 10, 5)
    draft = make_listing(title="Draft", status="draft")
    edit = dict(venue_id=space_org.venue.id, title=single.title, kind="showroom_shelf", units=1, min_days=1,
                max_days=42, available_from=day(0), available_until=day(200), booking_mode="instant",
                status="published", listing_id=single.id, blackouts=f"{day(12).isoformat()} Repairs")
    refusals = [
        (services.NoCapacity, "no_capacity", lambda: book(make_user(), single, 11, 2)),
        (services.ListingNotBookable, "listing_not_published", lambda: book(creative, draft, 10, 5)),
        (services.AlreadyBooked, "already_booked", lambda: book(creative, shelves, 10, 3)),
        (services.NotPending, "not_pending", lambda: services.approve_booking(space_org.organiser, declined.id)),
        (services.RequestExpired, "request_expired", lambda: services.approve_booking(space_org.organiser, stale.id)),
        (services.NotCancellable, "not_cancellable", lambda: services.cancel_booking(space_org.organiser, declined.id)),
        (services.BookingsAffected, "confirmed_bookings_affected",
         lambda: services.save_listing(space_org.organiser, space_org.org.id, **edit)),
    ]
    bookings_before = count(SpaceBooking)
    for cls, code, action in refusals:
        assert issubclass(cls, Conflict) and issubclass(cls, DomainError)
        assert cls.code.islower() and " " not in cls.code
        with pytest.raises(cls) as refused:
            action()
        error = refused.value
        assert error.code == code and error.status == 409, code
        assert error.to_dict()["error"]["code"] == code and str(error.message), code
    assert count(SpaceBooking) == bookings_before
    assert _status(stale) == "requested" and _status(declined) == "declined"
    db.session.expire_all()
    assert db.session.get(SpaceListing, single.id).blackouts == []


def test_the_open_request_count_matches_the_inbox_in_every_zone(space_org, make_listing, make_user):
    from inducci_events.organisations import services as org_services

    berlin = make_listing()
    west = org_services.save_venue(space_org.organiser, space_org.org.id, name="Pop-up in Oakland", street="Broadway 1",
                                   postcode="94612", city="Oakland", country="US", timezone="America/Los_Angeles")
    pacific = make_listing(title="West coast studio", kind="studio", venue_id=west.id)
    instant = make_listing(title="Shelf", booking_mode="instant", kind="showroom_shelf")
    starts_in_berlin = book(make_user(), berlin, 5, 2)
    later_in_berlin = book(make_user(), berlin, 6, 2)
    starts_in_oakland = book(make_user(), pacific, 5, 2)
    book(make_user(), instant, 5, 2)  # confirmed: not a request
    declined = book(make_user(), berlin, 20, 2)
    services.decline_booking(space_org.organiser, declined.id, "Closed for repairs.")
    # 02:00 UTC on day 5: already day 5 in Berlin (that request expired), still day 4 in Oakland.
    at = datetime.combine(day(5), time(2, 0), tzinfo=timezone.utc)
    listed = [i.booking.id for i in queries.inbox(space_org.org, now=at)]
    assert sorted(listed) == sorted([later_in_berlin.id, starts_in_oakland.id])
    assert starts_in_berlin.id not in listed
    assert queries.open_request_count(space_org.org, now=at) == len(listed) == 2
    assert queries.open_request_count(space_org.org) == len(queries.inbox(space_org.org)) == 3


def test_an_organiser_of_two_organisations_acts_on_a_booking_only_through_its_own(make_space_org, space_org,
                                                                                 make_listing, creative):
    from inducci_events.accounts import services as account_services

    booking = book(creative, make_listing(), 10, 5)
    other = make_space_org()
    account_services.grant_role(space_org.organiser.email, other.org.slug, "organiser", actor=COMMAND_LINE)
    organiser = db.session.get(type(space_org.organiser), space_org.organiser.id)
    for action in (lambda: services.booking_for_organiser(organiser, booking.id, organisation_id=other.org.id),
                   lambda: services.approve_booking(organiser, booking.id, organisation_id=other.org.id),
                   lambda: services.decline_booking(organiser, booking.id, "No", organisation_id=other.org.id)):
        with pytest.raises(NotFound) as refused:
            action()
        assert refused.value.code == "booking_not_found"
    assert _status(booking) == "requested"
    # The other organisation's organiser is still refused first: the booking is not theirs at all.
    with pytest.raises(Forbidden):
        services.booking_for_organiser(other.organiser, booking.id, organisation_id=other.org.id)
    assert services.booking_for_organiser(organiser, booking.id, organisation_id=space_org.org.id).id == booking.id
    services.approve_booking(organiser, booking.id, organisation_id=space_org.org.id)
    assert _status(booking) == "confirmed"
