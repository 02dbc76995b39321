"""Property-based: random bookings, approvals and cancellations never break the per-day
invariant, and the availability the API reports is always capacity minus confirmed units."""
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from inducci_events.core.errors import DomainError
from inducci_events.extensions import db
from inducci_events.spaces import services
from inducci_events.spaces.models import SpaceBooking, SpaceListing
from tests.spaces.conftest import day

UNITS = 3
HORIZON = 20  # days 5 .. 25 from today


def _clean_spaces_tables():
    with db.engine.begin() as conn:
        conn.execute(sa.delete(SpaceBooking.__table__))
        conn.execute(sa.delete(SpaceListing.__table__))
    db.session.expire_all()


def test_random_actions_keep_the_per_day_invariant(app, api, space_org, make_user):
    creatives = [make_user() for _ in range(4)]
    organiser = space_org.organiser

    class SpaceMachine(RuleBasedStateMachine):
        @initialize(mode=st.sampled_from(["instant", "request"]))
        def listing(self, mode):
            _clean_spaces_tables()
            listing = services.save_listing(
                organiser, space_org.org.id, venue_id=space_org.venue.id, title="Showroom", kind="showroom_shelf",
                units=UNITS, min_days=1, max_days=10, available_from=day(0), available_until=day(60),
                booking_mode=mode, status="published")
            self.listing_id = listing.id
            self.confirmed = {}  # booking id -> (start, end, units): the model of what holds units
            self.requested = set()

        @rule(who=st.integers(0, 3), start=st.integers(5, 5 + HORIZON - 1), length=st.integers(1, 6),
              units=st.integers(1, UNITS))
        def book(self, who, start, length, units):
            try:
                booking = services.create_booking(creatives[who], self.listing_id, start_date=day(start),
                                                  end_date=day(start + length), units=units, accept_terms=True,
                                                  purpose="A pop-up")
            except DomainError as error:
                assert error.code in ("no_capacity", "already_booked")
                return
            if booking.status == "confirmed":
                self.confirmed[booking.id] = (day(start), day(start + length), units)
            else:
                self.requested.add(booking.id)

        @rule(pick=st.integers(0, 1000))
        def approve(self, pick):
            if not self.requested:
                return
            booking_id = sorted(self.requested)[pick % len(self.requested)]
            try:
                booking = services.approve_booking(organiser, booking_id)
            except DomainError as error:
                assert error.code == "no_capacity"
                return
            self.requested.discard(booking_id)
            self.confirmed[booking_id] = (booking.start_date, booking.end_date, booking.units)

        @rule(pick=st.integers(0, 1000), by_organiser=st.booleans())
        def cancel(self, pick, by_organiser):
            ids = sorted(self.confirmed) + sorted(self.requested)
            if not ids:
                return
            booking_id = ids[pick % len(ids)]
            booking = db.session.get(SpaceBooking, booking_id)
            actor = organiser if by_organiser else booking.user
            services.cancel_booking(actor, booking_id)
            self.confirmed.pop(booking_id, None)
            self.requested.discard(booking_id)

        @invariant()
        def availability_is_capacity_minus_confirmed(self):
            if not hasattr(self, "listing_id"):
                return
            url = (f"/api/v1/spaces/{self.listing_id}/availability"
                   f"?from={day(5).isoformat()}&to={day(5 + HORIZON + 6).isoformat()}")
            reported = {d["date"]: d["free_units"] for d in api.get(url).get_json()}
            for offset in range(5, 5 + HORIZON + 6):
                current = day(offset)
                used = sum(u for s, e, u in self.confirmed.values() if s <= current < e)
                assert used <= UNITS
                assert reported[current.isoformat()] == UNITS - used

        @invariant()
        def database_agrees_with_the_model(self):
            if not hasattr(self, "listing_id"):
                return
            db.session.expire_all()
            rows = db.session.scalars(sa.select(SpaceBooking.id).where(SpaceBooking.status == "confirmed")).all()
            assert set(rows) == set(self.confirmed)

    run_state_machine_as_test(SpaceMachine, settings=settings(
        max_examples=25, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))

