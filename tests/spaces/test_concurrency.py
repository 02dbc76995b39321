"""Real concurrent connections on PostgreSQL: the per-day invariant holds under races."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from inducci_events.core.auth import COMMAND_LINE
from inducci_events.extensions import db
from inducci_events.spaces import queries, services
from inducci_events.spaces.models import SpaceBooking
from tests.conftest import run_at_once
from tests.spaces.conftest import book, day

pytestmark = pytest.mark.postgres_only


def test_thirty_instant_bookings_at_once_never_put_more_than_two_units_on_a_day(app, make_listing, make_user):
    listing = make_listing(booking_mode="instant", units=2, min_days=1)
    listing_id = listing.id  # capture ids first: threads never touch this session's objects
    user_ids = [make_user().id for _ in range(30)]
    start = day(10)

    def attempt(i):
        def target():
            from inducci_events.accounts.models import User

            user = db.session.get(User, user_ids[i])
            first = start + timedelta(days=i % 7)
            booking = services.create_booking(user, listing_id, start_date=first,
                                              end_date=first + timedelta(days=2 + i % 4), accept_terms=True,
                                              purpose="A pop-up")
            return booking.id

        return target

    outcomes = run_at_once(app, [attempt(i) for i in range(30)])
    assert len(outcomes) == 30
    succeeded = [o for o in outcomes if o[0] == "ok"]
    refused = [o for o in outcomes if o[0] == "refused"]
    assert succeeded and refused and {code for _k, code in refused} == {"no_capacity"}
    db.session.expire_all()
    usage = queries.usage_by_day(listing_id, start, start + timedelta(days=20))
    assert max(usage.values()) <= 2
    confirmed = db.session.scalar(sa.select(sa.func.count()).select_from(SpaceBooking)
                                  .where(SpaceBooking.status == "confirmed"))
    assert confirmed == len(succeeded)


def test_two_organisers_approving_conflicting_requests_at_once_exactly_one_wins(app, space_org, make_listing,
                                                                                make_user):
    from inducci_events.accounts import services as accounts

    shop = make_listing()
    second_organiser = make_user()
    accounts.grant_role(second_organiser.email, space_org.org.slug, "organiser", actor=COMMAND_LINE)
    a = book(make_user(), shop, 10, 5)
    b = book(make_user(), shop, 12, 5)
    pairs = [(space_org.organiser.id, a.id), (second_organiser.id, b.id)]

    def approve(user_id, booking_id):
        def target():
            from inducci_events.accounts.models import User

            return services.approve_booking(db.session.get(User, user_id), booking_id).id

        return target

    outcomes = run_at_once(app, [approve(*pair) for pair in pairs])
    assert sorted(kind for kind, _v in outcomes) == ["ok", "refused"]
    assert [v for kind, v in outcomes if kind == "refused"] == ["no_capacity"]
    db.session.expire_all()
    statuses = sorted(db.session.scalars(sa.select(SpaceBooking.status)))
    assert statuses == ["confirmed", "requested"]
    assert max(queries.usage_by_day(shop.id, day(10), day(17)).values()) == 1
