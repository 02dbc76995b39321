"""Organisers' decisions on space bookings and their listing changes reach the organisation's
audit log with the previous values; a creative's own cancellation does not."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from inducci_events.audit.models import AuditEntry
from inducci_events.extensions import db
from inducci_events.spaces import services

from .conftest import book, day


def _entries(*actions):
    db.session.rollback()
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.in_(actions))
                              .order_by(AuditEntry.id)).all()


def _range(booking):
    return f"{booking.start_date.isoformat()} – {(booking.end_date - timedelta(days=1)).isoformat()}"


@pytest.mark.parametrize("decide, action, changes", [
    (lambda org, b: services.approve_booking(org.organiser, b.id), "space_booking.approve",
     {"status": ["requested", "confirmed"]}),
    (lambda org, b: services.decline_booking(org.organiser, b.id, "Renovation that week."), "space_booking.decline",
     {"status": ["requested", "declined"], "decline_reason": [None, "Renovation that week."]}),
    (lambda org, b: services.cancel_booking(org.organiser, b.id), "space_booking.cancel",
     {"status": ["requested", "cancelled"]}),
])
def test_an_organisers_decision_is_logged_with_the_previous_status(
        space_org, make_listing, creative, decide, action, changes):
    booking = book(creative, make_listing(), 10, 5)
    decide(space_org, booking)
    [entry] = _entries(action)
    assert (entry.actor_id, entry.organisation_id, entry.subject_type, entry.subject_id, entry.subject_user_id,
            entry.changes) == (space_org.organiser.id, space_org.org.id, "space_booking", booking.id, creative.id,
                               changes)
    assert entry.summary == f"KRACH shop Innere Klosterstraße: {_range(booking)}"


def test_a_creatives_own_cancellation_is_not_logged(make_listing, creative):
    booking = book(creative, make_listing(), 10, 5)
    services.cancel_booking(creative, booking.id)
    assert _entries("space_booking.cancel") == []


def test_listing_create_change_and_withdrawal_keep_the_previous_values(space_org, make_listing):
    listing = make_listing(units=1)
    values = dict(venue_id=space_org.venue.id, title=listing.title, kind="shop", min_days=2, max_days=42,
                  available_from=day(0), available_until=day(200), booking_mode="request", lead_days=0,
                  terms="Leave the shop clean.", description="A vacant shop in the city centre.",
                  opening_hours="Mon-Fri 10:00-18:00")
    services.save_listing(space_org.organiser, space_org.org.id, listing_id=listing.id, units=2, status="published",
                          **values)
    services.save_listing(space_org.organiser, space_org.org.id, listing_id=listing.id, units=2, status="archived",
                          **values)
    created, changed, withdrawn = _entries("listing.create", "listing.update", "listing.withdraw")
    assert (created.action, created.changes["units"], created.changes["venue"]) == (
        "listing.create", [None, 1], [None, "KRACH shop"])
    assert changed.action == "listing.update"
    assert changed.changes == {"units": [1, 2], "opening_hours": ["", "Mon 10:00-18:00\nTue 10:00-18:00\n"
                                                                   "Wed 10:00-18:00\nThu 10:00-18:00\n"
                                                                   "Fri 10:00-18:00"]}
    assert (withdrawn.action, withdrawn.changes) == ("listing.withdraw", {"status": ["published", "archived"]})
    assert {e.organisation_id for e in (created, changed, withdrawn)} == {space_org.org.id}


def test_the_log_page_names_the_creative_and_the_decision(browser, space_org, make_listing, creative):
    booking = book(creative, make_listing(), 10, 5)
    services.decline_booking(space_org.organiser, booking.id, "Renovation that week.")
    browser.login(space_org.organiser.email)
    page = browser.get(f"/manage/{space_org.org.slug}/log").get_data(as_text=True)
    assert "Space booking declined" in page and "Anna Kovač" in page
    assert "status: requested → declined" in page and "reason: – → Renovation that week." in page
