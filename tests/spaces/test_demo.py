"""The demo seed adds the pilots' spaces once, with bookings and open requests."""
import sqlalchemy as sa

from inducci_events.extensions import db
from inducci_events.spaces.models import SpaceBooking, SpaceListing
from tests.conftest import count


def test_demo_spaces_are_seeded_once_with_bookings_and_requests(runner, client):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "Pop-up spaces: 5 demo listing(s) added." in first.output
    totals = (count(SpaceListing), count(SpaceBooking))
    second = runner.invoke(args=["demo", "seed"])
    assert "Pop-up spaces: 0 demo listing(s) added." in second.output
    assert (count(SpaceListing), count(SpaceBooking)) == totals
    showroom = db.session.scalar(sa.select(SpaceListing).where(SpaceListing.kind == "showroom_shelf"))
    assert showroom.units == 15 and showroom.booking_mode == "instant"
    assert (showroom.available_until - showroom.available_from).days + 1 == 42
    shops = db.session.scalars(sa.select(SpaceListing).where(SpaceListing.title.like("KRACH+%"))).all()
    assert len(shops) == 3 and {(s.min_days, s.max_days, s.booking_mode) for s in shops} == {(2, 42, "request")}
    statuses = {s for s in db.session.scalars(sa.select(SpaceBooking.status))}
    assert statuses == {"confirmed", "requested"}
    page = client.get("/spaces/").get_data(as_text=True)
    assert "The Box: plug-and-play space in Heusden-Zolder" in page
    assert "Wednesday: 12:00–19:00" in client.get(f"/spaces/{showroom.id}").get_data(as_text=True)
