"""Each metric equals a recomputation from the raw rows, after random bookings,
cancellations and attendance made with the features' own services."""
import random
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from inducci_events.core.errors import DomainError
from inducci_events.extensions import db
from inducci_events.helpdesk import services as helpdesk
from inducci_events.helpdesk.models import Appointment
from inducci_events.reach import metrics
from inducci_events.reach.metrics import Period
from inducci_events.reach.services import record_tally, save_target
from inducci_events.spaces import services as spaces
from inducci_events.spaces.models import SpaceBooking, SpaceListing
from inducci_events.workshops import services as workshops
from inducci_events.workshops.models import Attendance, Enrolment, Event, Session
from tests.helpdesk.conftest import NOW
from tests.spaces.conftest import day


def _all(model):
    return db.session.scalars(sa.select(model)).all()


def _recount(programme, period=None):
    """The same counts, by hand from every row (no SQL filtering)."""
    def in_days(d):
        return period is None or period.start <= d < period.end

    listings = {x.id: x for x in _all(SpaceListing) if x.programme_id == programme.id}
    bookings = [b for b in _all(SpaceBooking) if b.listing_id in listings and b.status == "confirmed"]
    events = {e.id for e in _all(Event) if e.programme_id == programme.id}
    enrolments = [e for e in _all(Enrolment) if e.event_id in events]
    sessions = {s.id: s for s in _all(Session) if s.event_id in events}
    by_id = {e.id: e for e in enrolments}
    attended = {by_id[a.enrolment_id].user_id for a in _all(Attendance) if a.session_id in sessions}
    held = [a for a in _all(Appointment)
            if a.desk.organisation_id == programme.organisation_id and a.status in ("confirmed", "completed")]
    days = 0
    for b in bookings:
        start, end = (b.start_date, b.end_date) if period is None else (max(b.start_date, period.start),
                                                                          min(b.end_date, period.end))
        days += max(0, (end - start).days)
    return {
        "people_enrolled": len({e.user_id for e in enrolments if e.status == "confirmed"}),
        "people_attended": len(attended),
        "space_bookings": len([b for b in bookings if in_days(b.start_date)]),
        "booked_days": days,
        "exhibitors": len({b.user_id for b in bookings if in_days(b.start_date)
                           and listings[b.listing_id].kind in ("showroom_shelf", "box")}),
        "helpdesk_appointments": len(held),
        "people_served": len({a.user_id for a in held}),
    }


def test_every_metric_equals_a_recount_after_random_activity(pilot, make_user, make_event, make_desk, make_listing):
    rng = random.Random(17)
    organiser, org, venue, programme = pilot.organiser, pilot.org, pilot.venue, pilot.programme
    owner = type("Owner", (), dict(organiser=organiser, org=org, venue=venue))
    shelf = make_listing(owner, kind="showroom_shelf", units=3, min_days=1, booking_mode="instant",
                         programme_id=programme.id, title="Shelf")
    shop = make_listing(owner, kind="shop", units=1, min_days=1, booking_mode="request",
                        programme_id=programme.id, title="Shop")
    elsewhere = make_listing(owner, kind="showroom_shelf", units=3, min_days=1, booking_mode="instant",
                             title="Not in the programme")
    event = make_event(sessions=2, capacity=6, org=org, venue=venue, actor=organiser, programme_id=programme.id)
    desk = make_desk(org=org, organiser=organiser)
    people = [make_user() for _ in range(9)]

    for _ in range(40):
        person = rng.choice(people)
        try:
            match rng.randrange(8):
                case 0 | 1:
                    start = rng.randrange(1, 60)
                    spaces.create_booking(person, rng.choice([shelf, shop, elsewhere]).id, start_date=day(start),
                                          end_date=day(start + rng.randrange(1, 6)), accept_terms=True,
                                          purpose="Prints")
                case 2:
                    pending = db.session.scalars(sa.select(SpaceBooking).where(SpaceBooking.status.in_(
                        ("requested", "confirmed")))).all()
                    if pending:
                        booking = rng.choice(pending)
                        if booking.status == "requested":
                            spaces.approve_booking(organiser, booking.id)
                        else:
                            spaces.cancel_booking(organiser, booking.id)
                case 3 | 4:
                    workshops.enrol(person, event.id)
                case 5:
                    active = db.session.scalars(sa.select(Enrolment).where(Enrolment.status.in_(
                        ("confirmed", "waitlisted")))).all()
                    if active:
                        workshops.cancel_enrolment(organiser, rng.choice(active).id)
                case 6:
                    confirmed = db.session.scalars(sa.select(Enrolment).where(Enrolment.status == "confirmed")).all()
                    if confirmed:
                        session = rng.choice(event.sessions)
                        workshops.set_attendance(organiser, session.id, rng.choice(confirmed).id)
                case 7:
                    tuesday = date(2027, 3, 2) + timedelta(weeks=rng.randrange(4))
                    hour = rng.choice((14, 15, 16))
                    starts = datetime.combine(tuesday, time(hour - 1), tzinfo=timezone.utc)  # Rome is UTC+1
                    appointment = helpdesk.book(person, desk["desk"].id, desk["adviser"].id, starts,
                                                topic="business plan", now=NOW)
                    if rng.random() < 0.3:
                        helpdesk.cancel(organiser, appointment.id, now=NOW)
        except DomainError:
            pass  # refused (full, overlapping, already enrolled ...): the rows stay as they are
        db.session.expire_all()

    expected = _recount(programme)
    counted = {name: metrics.get(name).count(programme, None) for name in expected}
    assert counted == expected
    assert sum(expected.values()) > 10  # the activity did happen
    assert expected["exhibitors"] >= 1 and expected["helpdesk_appointments"] >= 1

    window = Period(day(10), day(30))
    for name, value in _recount(programme, window).items():
        if name in ("space_bookings", "booked_days", "exhibitors"):  # placed by dates of the booking
            assert metrics.get(name).count(programme, window) == value, name


def test_manual_tally_adds_up_the_days_entered(pilot):
    target = save_target(pilot.organiser, pilot.programme.id, label="CCI visitors", value=100, metric="manual")
    record_tally(pilot.organiser, target.id, day=date(2027, 5, 1), count=30)
    record_tally(pilot.organiser, target.id, day=date(2027, 5, 2), count=12)
    record_tally(pilot.organiser, target.id, day=date(2027, 5, 1), count=31)  # a correction replaces
    record_tally(pilot.organiser, target.id, day=date(2027, 6, 1), count=5)
    record_tally(pilot.organiser, target.id, day=date(2027, 6, 1), count=0)  # 0 removes the day
    db.session.expire_all()
    target = db.session.get(type(target), target.id)
    assert metrics.count_target(target) == 43
    assert metrics.count_target(target, Period(date(2027, 5, 2), date(2027, 6, 1))) == 12
