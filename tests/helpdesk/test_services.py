"""Booking rules below HTTP: every refusal is a clear DomainError and changes nothing."""
from datetime import date, time, timedelta

import pytest

from inducci_events.core.errors import DomainError, Forbidden, NotFound
from inducci_events.helpdesk import queries, services
from inducci_events.helpdesk.models import Appointment, MentoringRequest, OfficeHourRule
from tests.conftest import count

from .conftest import NOW, utc

TUESDAY_14 = utc(2027, 3, 2, 13)  # Tuesday 2 March 2027, 14:00 in Rome


def _refused(code, call):
    before = count(Appointment)
    with pytest.raises(DomainError) as info:
        call()
    assert info.value.code == code, info.value.message
    assert str(info.value.message)
    assert count(Appointment) == before
    return info.value


def test_booking_takes_the_slot_and_it_is_no_longer_free(make_desk, make_user):
    made = make_desk()
    person = make_user()
    appointment = services.book(person, made["desk"].id, made["adviser"].id, TUESDAY_14, topic="business plan",
                                message="I need a plan for my design studio.", now=NOW)
    assert (appointment.status, appointment.ends_at, appointment.mode) == ("confirmed", utc(2027, 3, 2, 14), "onsite")
    free = queries.free_slots([made["desk"].id], utc(2027, 3, 2), utc(2027, 3, 3), now=NOW)
    assert [s.starts_at for s in free] == [utc(2027, 3, 2, 14), utc(2027, 3, 2, 15)]
    other = make_user()
    error = _refused("slot_taken", lambda: services.book(other, made["desk"].id, made["adviser"].id, TUESDAY_14,
                                                          topic="legal", now=NOW))
    assert error.status == 409


def test_group_session_counts_seats(make_desk, make_user):
    made = make_desk(rule=dict(seats=3))
    desk_id, adviser_id = made["desk"].id, made["adviser"].id
    people = [make_user() for _ in range(4)]
    for person in people[:3]:
        services.book(person, desk_id, adviser_id, TUESDAY_14, topic="crowdfunding", now=NOW)
        left = {s.starts_at: s.seats_left for s in queries.free_slots([desk_id], utc(2027, 3, 2), utc(2027, 3, 3),
                                                                       now=NOW)}
    assert TUESDAY_14 not in left and left[utc(2027, 3, 2, 14)] == 3
    _refused("slot_taken", lambda: services.book(people[3], desk_id, adviser_id, TUESDAY_14, topic="x", now=NOW))
    _refused("already_booked", lambda: services.book(people[0], desk_id, adviser_id, TUESDAY_14, topic="x",
                                                     now=NOW))
    assert sorted(a.seat for a in Appointment.query) == [1, 2, 3]


@pytest.mark.parametrize("start, now, code", [
    (utc(2027, 3, 2, 13, 10), NOW, "not_a_slot"),  # 14:10 is not a slot start
    (utc(2027, 3, 3, 13), NOW, "not_a_slot"),  # a Wednesday
    (utc(2027, 3, 2, 13), utc(2027, 3, 2, 13, 30), "in_the_past"),
    (utc(2027, 3, 2, 13), utc(2027, 3, 2, 6), "inside_lead_time"),  # 7 hours ahead, 12 needed
    (utc(2027, 4, 27, 12), NOW, "beyond_horizon"),  # 57 days ahead, 56 allowed
])
def test_bad_starts_are_refused(make_desk, make_user, start, now, code):
    made = make_desk()
    error = _refused(code, lambda: services.book(make_user(), made["desk"].id, made["adviser"].id, start,
                                                 topic="legal", now=now))
    assert error.status == 422 and "starts_at" in error.fields


def test_no_booking_in_an_absence(make_desk, make_user):
    made = make_desk()
    services.add_absence(made["adviser_user"], made["adviser"].id, starts_on=date(2027, 3, 1),
                         ends_on=date(2027, 3, 5), reason="Holiday")
    _refused("adviser_absent", lambda: services.book(make_user(), made["desk"].id, made["adviser"].id,
                                                     TUESDAY_14, topic="legal", now=NOW))


def test_cancellation_until_the_deadline_frees_the_seat(make_desk, make_user):
    made = make_desk()  # cancel_until_hours=24
    person = make_user()
    first = services.book(person, made["desk"].id, made["adviser"].id, TUESDAY_14, topic="legal", now=NOW)
    _refused("cancellation_closed", lambda: services.cancel(person, first.id, now=TUESDAY_14 - timedelta(hours=23)))
    assert Appointment.query.one().status == "confirmed"
    services.cancel(person, first.id, now=TUESDAY_14 - timedelta(hours=25))
    assert Appointment.query.one().status == "cancelled"
    _refused("not_cancellable", lambda: services.cancel(person, first.id, now=NOW))
    again = services.book(make_user(), made["desk"].id, made["adviser"].id, TUESDAY_14, topic="legal", now=NOW)
    assert again.seat == 1
    # Someone else's appointment does not exist for them.
    _refused("appointment_not_found", lambda: services.cancel(person, again.id, now=NOW))


def test_the_adviser_may_cancel_late(make_desk, make_user):
    made = make_desk()
    appointment = services.book(make_user(), made["desk"].id, made["adviser"].id, TUESDAY_14, topic="legal",
                                now=NOW)
    services.cancel(made["adviser_user"], appointment.id, now=TUESDAY_14 - timedelta(hours=1))
    assert Appointment.query.one().status == "cancelled"


def test_can_cancel_and_can_mark_say_what_the_services_allow(make_desk, make_user):
    made = make_desk()
    person, stranger = make_user(), make_user()
    appointment = services.book(person, made["desk"].id, made["adviser"].id, TUESDAY_14, topic="legal", now=NOW)
    late = TUESDAY_14 - timedelta(hours=1)
    assert services.can_cancel(appointment, person, NOW)
    assert not services.can_cancel(appointment, person, late)  # after the person's deadline
    assert services.can_cancel(appointment, made["adviser_user"], late)  # staff: any time
    assert services.can_cancel(appointment, made["organiser"], TUESDAY_14 + timedelta(hours=2))
    assert not services.can_cancel(appointment, stranger, NOW)
    assert not services.can_mark(appointment, made["adviser_user"], late)  # not started yet
    assert services.can_mark(appointment, made["adviser_user"], TUESDAY_14)
    assert not services.can_mark(appointment, person, TUESDAY_14)
    _refused("cancellation_closed", lambda: services.cancel(person, appointment.id, now=late))
    services.cancel(made["adviser_user"], appointment.id, now=TUESDAY_14 + timedelta(hours=2))
    cancelled = Appointment.query.one()
    assert not services.can_cancel(cancelled, made["adviser_user"], NOW)
    assert not services.can_mark(cancelled, made["adviser_user"], TUESDAY_14)


def test_a_desk_follows_its_venue_into_another_zone(make_desk, make_user):
    """The desk's zone is its venue's: a venue that changes zone moves the office hours."""
    from inducci_events.extensions import db
    from inducci_events.helpdesk.models import HelpDesk
    from inducci_events.organisations.services import save_venue

    made = make_desk()  # Tuesday 14:00-17:00 wall clock at a venue in Europe/Rome
    desk_id = made["desk"].id
    free = queries.free_slots([desk_id], utc(2027, 3, 2), utc(2027, 3, 3), now=NOW)
    assert free[0].starts_at == TUESDAY_14  # 14:00 in Rome is 13:00 UTC
    venue = made["venue"]
    save_venue(made["organiser"], made["org"].id, venue_id=venue.id, name=venue.name, street=venue.street,
               postcode=venue.postcode, city=venue.city, country=venue.country, timezone="Europe/London")
    db.session.expire_all()
    assert db.session.get(HelpDesk, desk_id).timezone == "Europe/London"
    free = queries.free_slots([desk_id], utc(2027, 3, 2), utc(2027, 3, 3), now=NOW)
    assert [s.starts_at for s in free] == [utc(2027, 3, 2, 14), utc(2027, 3, 2, 15), utc(2027, 3, 2, 16)]
    # The booking check expands the rules in the same zone: 14:00 in London is the slot now.
    _refused("not_a_slot", lambda: services.book(make_user(), desk_id, made["adviser"].id, TUESDAY_14,
                                                 topic="legal", now=NOW))
    booked = services.book(make_user(), desk_id, made["adviser"].id, utc(2027, 3, 2, 14), topic="legal", now=NOW)
    assert booked.ends_at == utc(2027, 3, 2, 15)


def test_an_online_desk_without_a_venue_takes_the_organisation_zone(make_desk, make_organiser):
    organiser, org = make_organiser(timezone="Europe/Ljubljana")
    desk = services.create_desk(organiser, org.id, name="Online desk", online=True)
    assert desk.timezone == "Europe/Ljubljana"
    assert (desk.lead_time_hours, desk.horizon_days, desk.cancel_until_hours, desk.max_upcoming_per_person) == (
        12, 56, 24, 3)


def test_per_person_limit_of_upcoming_appointments(make_desk, make_user):
    made = make_desk(max_upcoming_per_person=2, rule=dict(weekdays=[1, 3]))
    person = make_user()
    desk_id, adviser_id = made["desk"].id, made["adviser"].id
    services.book(person, desk_id, adviser_id, TUESDAY_14, topic="legal", now=NOW)
    services.book(person, desk_id, adviser_id, utc(2027, 3, 4, 13), topic="legal", now=NOW)
    error = _refused("too_many_appointments", lambda: services.book(person, desk_id, adviser_id,
                                                                    utc(2027, 3, 9, 13), topic="legal", now=NOW))
    assert "2" in str(error.message)


def test_adviser_booked_at_another_desk_is_not_free(make_desk, make_user):
    padova = make_desk()
    second = services.create_desk(padova["organiser"], padova["org"].id, name="Desk Rovigo", online=True,
                                  topics=["legal"])
    services.add_adviser(padova["organiser"], second.id, email=padova["adviser_user"].email)
    services.add_rule(padova["organiser"], second.id, adviser_id=padova["adviser"].id, weekdays=[1],
                      start_time=time(14, 30), end_time=time(16, 30), slot_minutes=30, valid_from=date(2027, 1, 1),
                      mode="online")
    services.book(make_user(), padova["desk"].id, padova["adviser"].id, TUESDAY_14, topic="legal", now=NOW)
    # 14:30 local at the other desk overlaps the 14:00-15:00 appointment; 15:00 to 16:00 are free.
    free = queries.free_slots([second.id], utc(2027, 3, 2), utc(2027, 3, 3), now=NOW)
    assert [s.starts_at for s in free] == [utc(2027, 3, 2, 14), utc(2027, 3, 2, 14, 30), utc(2027, 3, 2, 15)]
    _refused("adviser_busy", lambda: services.book(make_user(), second.id, padova["adviser"].id,
                                                   utc(2027, 3, 2, 13, 30), topic="legal", now=NOW))


def test_advisers_of_another_organisation_are_refused(make_desk, make_adviser, make_org, make_user):
    made = make_desk()
    other = make_desk(name="Kranj desk")
    # A rule for another organisation's adviser, or for someone without the adviser role.
    with pytest.raises(DomainError) as info:
        services.add_rule(made["organiser"], made["desk"].id, adviser_id=other["adviser"].id, weekdays=[1],
                          start_time=time(9), end_time=time(10), slot_minutes=60, valid_from=date(2027, 1, 1))
    assert (info.value.code, info.value.status, list(info.value.fields)) == ("adviser_not_found", 422, ["adviser_id"])
    with pytest.raises(DomainError) as info:
        services.add_adviser(made["organiser"], made["desk"].id, email=other["adviser_user"].email)
    assert info.value.code == "not_an_adviser" and "email" in info.value.fields
    # Booking a desk with an adviser who does not work there.
    _refused("adviser_not_found", lambda: services.book(make_user(), made["desk"].id, other["adviser"].id,
                                                        TUESDAY_14, topic="legal", now=NOW))
    # Another organisation's organiser cannot add rules here.
    with pytest.raises(Forbidden):
        services.add_rule(other["organiser"], made["desk"].id, adviser_id=made["adviser"].id, weekdays=[2],
                          start_time=time(9), end_time=time(10), slot_minutes=60, valid_from=date(2027, 1, 1))
    assert count(OfficeHourRule) == 2


def test_rule_values_are_checked(make_desk):
    made = make_desk(rule=None)
    base = dict(adviser_id=made["adviser"].id, weekdays=[1], start_time=time(14), end_time=time(17),
                slot_minutes=60, valid_from=date(2027, 1, 1))
    for change, field in [(dict(end_time=time(13)), "end_time"), (dict(weekdays=[]), "weekdays"),
                          (dict(slot_minutes=240), "slot_minutes"), (dict(seats=0), "seats"),
                          (dict(valid_until=date(2026, 12, 1)), "valid_until")]:
        with pytest.raises(DomainError) as info:
            services.add_rule(made["organiser"], made["desk"].id, **dict(base, **change))
        assert field in info.value.fields
    assert count(OfficeHourRule) == 0


def test_extra_hours_add_slots_on_one_day(make_desk, make_user):
    made = make_desk(rule=None)
    services.add_extra_hours(made["organiser"], made["desk"].id, adviser_id=made["adviser"].id,
                             on_date=date(2027, 3, 5), start_time=time(10), end_time=time(11, 30), slot_minutes=45)
    free = queries.free_slots([made["desk"].id], utc(2027, 3, 1), utc(2027, 4, 1), now=NOW)
    assert [s.starts_at for s in free] == [utc(2027, 3, 5, 9), utc(2027, 3, 5, 9, 45)]
    assert OfficeHourRule.query.one().one_off
    weekly = services.add_rule(made["organiser"], made["desk"].id, adviser_id=made["adviser"].id, weekdays=[1],
                               start_time=time(14), end_time=time(17), slot_minutes=60, valid_from=date(2027, 1, 1))
    assert not weekly.one_off


def test_marking_needs_the_start_and_the_right_adviser(make_desk, make_user):
    made = make_desk()
    other = make_desk()
    appointment = services.book(make_user(), made["desk"].id, made["adviser"].id, TUESDAY_14, topic="legal",
                                now=NOW)
    with pytest.raises(DomainError) as info:
        services.mark(made["adviser_user"], appointment.id, "completed", now=NOW)
    assert info.value.code == "not_started_yet"
    with pytest.raises(NotFound):
        services.mark(other["adviser_user"], appointment.id, "no_show", now=TUESDAY_14)
    services.mark(made["adviser_user"], appointment.id, "no_show", now=TUESDAY_14 + timedelta(minutes=20))
    services.save_notes(made["adviser_user"], appointment.id, "Did not come; call again.")
    saved = Appointment.query.one()
    assert (saved.status, saved.adviser_notes) == ("no_show", "Did not come; call again.")


def test_mentoring_visit_from_request_to_appointment(make_desk, make_user):
    made = make_desk()
    person = make_user()
    request = services.request_mentoring(person, made["desk"].id, address="Via Roma 1, Padova",
                                         topic="acceleration", preferred_periods="Thursday mornings")
    with pytest.raises(DomainError) as info:
        services.accept_mentoring(person, request.id, now=NOW)
    assert info.value.code == "no_proposal"
    # The adviser is booked on Tuesday at 14:00; a visit then is refused.
    services.book(make_user(), made["desk"].id, made["adviser"].id, TUESDAY_14, topic="legal", now=NOW)
    with pytest.raises(DomainError) as info:
        services.propose_mentoring(made["adviser_user"], request.id, utc(2027, 3, 2, 13, 30), 60, now=NOW)
    assert info.value.code == "adviser_busy"
    services.propose_mentoring(made["adviser_user"], request.id, utc(2027, 3, 4, 8), 90, now=NOW)
    with pytest.raises(NotFound):
        services.accept_mentoring(make_user(), request.id, now=NOW)
    visit = services.accept_mentoring(person, request.id, now=NOW)
    assert (visit.mode, visit.address, visit.ends_at) == ("visit", "Via Roma 1, Padova", utc(2027, 3, 4, 9, 30))
    assert MentoringRequest.query.one().status == "accepted"
    with pytest.raises(DomainError) as info:
        services.propose_mentoring(made["adviser_user"], request.id, utc(2027, 3, 5, 8), 60, now=NOW)
    assert info.value.code == "not_open"
