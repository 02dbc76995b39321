"""Enrolment rules below HTTP: capacity, waitlist, approval, deadlines, minimum numbers, attendance."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from inducci_events.core.db import unit_of_work, utcnow
from inducci_events.core.errors import Forbidden, ValidationFailed
from inducci_events.extensions import db
from inducci_events.workshops import queries, services
from inducci_events.workshops.models import Attendance, Enrolment, Event
from tests.conftest import count


def _statuses(event):
    db.session.expire_all()
    rows = db.session.execute(sa.select(Enrolment.user_id, Enrolment.status).where(Enrolment.event_id == event.id)
                              .order_by(Enrolment.id)).all()
    return [status for _user, status in rows]


def test_seats_then_waitlist_then_promotion_on_cancel(make_event, make_user):
    event = make_event(capacity=2)
    a, b, c, d = (make_user() for _ in range(4))
    assert services.enrol(a, event.id).status == "confirmed"
    assert services.enrol(b, event.id).status == "confirmed"
    assert services.enrol(c, event.id).status == "waitlisted"
    wait_d = services.enrol(d, event.id)
    assert wait_d.status == "waitlisted"
    assert queries.waitlist_positions([db.session.get(Enrolment, wait_d.id)]) == {wait_d.id: 2}

    first = db.session.scalar(sa.select(Enrolment).where(Enrolment.user_id == a.id))
    services.cancel_enrolment(a, first.id)
    # c was first in the queue: promoted in the cancelling transaction; d moves up.
    assert _statuses(event) == ["cancelled", "confirmed", "confirmed", "waitlisted"]
    assert queries.waitlist_positions([db.session.get(Enrolment, wait_d.id)]) == {wait_d.id: 1}


def test_an_enrolment_first_repairs_a_waitlist_left_behind_a_free_seat(make_event, make_user):
    """A seat freed without promotion (a capacity raised by hand in the database): the next
    enrolment promotes the first in the queue before it takes a place, and queues behind."""
    event = make_event(capacity=1)
    a, b, c, d = (make_user() for _ in range(4))
    services.enrol(a, event.id)
    services.enrol(b, event.id)
    with db.engine.begin() as conn:
        conn.execute(sa.update(Event).where(Event.id == event.id).values(capacity=2))
    assert services.enrol(c, event.id).status == "waitlisted"
    assert _statuses(event) == ["confirmed", "confirmed", "waitlisted"]
    last = services.enrol(d, event.id)
    assert last.status == "waitlisted"
    seqs = dict(db.session.execute(sa.select(Enrolment.user_id, Enrolment.queue_seq)
                                   .where(Enrolment.status == "waitlisted")).all())
    assert seqs[d.id] > seqs[c.id]


def test_full_event_without_waitlist_refuses_and_writes_nothing(make_event, make_user):
    event = make_event(capacity=1, waitlist=False)
    services.enrol(make_user(), event.id)
    with pytest.raises(services.EventFull):
        services.enrol(make_user(), event.id)
    assert count(Enrolment) == 1


def test_one_active_enrolment_per_person_and_event(make_event, make_user):
    event = make_event()
    user = make_user()
    enrolment = services.enrol(user, event.id)
    with pytest.raises(services.AlreadyEnrolled):
        services.enrol(user, event.id)
    services.cancel_enrolment(user, enrolment.id)
    assert services.enrol(user, event.id).status == "confirmed"  # may come back after cancelling
    assert count(Enrolment) == 2


def test_the_database_refuses_a_second_active_enrolment_too(make_event, make_user):
    event = make_event()
    user = make_user()
    services.enrol(user, event.id)
    with pytest.raises(IntegrityError):
        with unit_of_work() as session:
            session.add(Enrolment(event_id=event.id, user_id=user.id, status="waitlisted", queue_seq=5))


@pytest.mark.parametrize("fields, error", [
    (dict(status="draft"), services.EventNotPublished),
    (dict(registration_closes_at=utcnow() - timedelta(hours=1)), services.RegistrationClosed),
    (dict(registration_opens_at=utcnow() + timedelta(days=2)), services.RegistrationNotOpen),
])
def test_enrolment_outside_the_open_registration_is_refused(make_event, make_user, fields, error):
    event = make_event(**fields)
    with pytest.raises(error):
        services.enrol(make_user(), event.id)
    assert count(Enrolment) == 0


def test_registration_closes_when_the_first_session_starts(make_event, make_user):
    event = make_event(start_in_days=1)
    with pytest.raises(services.RegistrationClosed):
        services.enrol(make_user(), event.id, now=utcnow() + timedelta(days=2))


def test_cancelling_the_event_cancels_every_enrolment(make_event, make_user, organiser):
    event = make_event(capacity=1)
    services.enrol(make_user(), event.id)
    services.enrol(make_user(), event.id)
    services.update_event(organiser[0], event.id, status="cancelled")
    assert _statuses(event) == ["cancelled", "cancelled"]
    with pytest.raises(services.EventCancelled):
        services.enrol(make_user(), event.id)
    with pytest.raises(services.EventCancelled):
        services.update_event(organiser[0], event.id, status="published")


def test_required_answers_and_choices_are_checked(make_event, make_user):
    event = make_event(questions=[
        dict(kind="yesno", label="Founded in the last 5 years or opening a new business line?", required=True),
        dict(kind="choice", label="Group", choices="Morning\nAfternoon", required=False),
        dict(kind="text", label="What do you want to grow?"),
    ])
    eligibility, group, _text = event.questions
    user = make_user()
    with pytest.raises(ValidationFailed) as missing:
        services.enrol(user, event.id, answers={})
    assert eligibility.field_name in missing.value.fields
    with pytest.raises(ValidationFailed) as wrong:
        services.enrol(user, event.id, answers={str(eligibility.id): "yes", str(group.id): "Evening"})
    assert list(wrong.value.fields) == [group.field_name]
    assert count(Enrolment) == 0
    enrolment = services.enrol(user, event.id, answers={str(eligibility.id): True, group.field_name: "Morning"})
    assert enrolment.answers == {str(eligibility.id): "yes", str(group.id): "Morning"}


def test_approval_takes_a_seat_only_if_one_is_free(make_event, make_user, organiser):
    actor = organiser[0]
    event = make_event(capacity=1, requires_approval=True)
    first, second = services.enrol(make_user(), event.id), services.enrol(make_user(), event.id)
    assert (first.status, second.status) == ("pending", "pending")
    assert services.approve_enrolment(actor, first.id).status == "confirmed"
    assert services.approve_enrolment(actor, second.id).status == "waitlisted"
    with pytest.raises(services.EnrolmentNotPending):
        services.approve_enrolment(actor, first.id)
    assert services.decline_enrolment(actor, second.id).status == "declined"


def test_approval_without_waitlist_leaves_a_pending_enrolment_pending(make_event, make_user, organiser):
    event = make_event(capacity=1, requires_approval=True, waitlist=False)
    first, second = services.enrol(make_user(), event.id), services.enrol(make_user(), event.id)
    services.approve_enrolment(organiser[0], first.id)
    with pytest.raises(services.EventFull):
        services.approve_enrolment(organiser[0], second.id)
    assert _statuses(event) == ["confirmed", "pending"]


def test_raising_the_capacity_promotes_from_the_waitlist_in_order(make_event, make_user, organiser):
    event = make_event(capacity=1)
    for _ in range(4):
        services.enrol(make_user(), event.id)
    services.update_event(organiser[0], event.id, capacity=3)
    assert _statuses(event) == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    with pytest.raises(ValidationFailed) as below:
        services.update_event(organiser[0], event.id, capacity=2)
    assert below.value.code == "capacity_below_confirmed"
    db.session.expire_all()
    assert db.session.get(Event, event.id).capacity == 3


def test_participants_cancel_until_the_deadline_organisers_any_time(make_event, make_user, organiser):
    event = make_event(cancel_until=utcnow() + timedelta(days=1))
    user = make_user()
    enrolment = services.enrol(user, event.id)
    with pytest.raises(services.CancellationClosed):
        services.cancel_enrolment(user, enrolment.id, now=utcnow() + timedelta(days=2))
    assert services.cancel_enrolment(organiser[0], enrolment.id, now=utcnow() + timedelta(days=2)).status == "cancelled"
    with pytest.raises(services.EnrolmentNotActive):
        services.cancel_enrolment(user, enrolment.id)


def test_nobody_cancels_someone_elses_enrolment(make_event, make_user):
    event = make_event()
    enrolment = services.enrol(make_user(), event.id)
    with pytest.raises(services.EnrolmentNotFound):
        services.cancel_enrolment(make_user(), enrolment.id)
    assert _statuses(event) == ["confirmed"]


def test_another_organisations_organiser_changes_nothing(make_event, make_user, make_organiser):
    event = make_event(capacity=5)
    enrolment = services.enrol(make_user(), event.id)
    stranger, _their_org = make_organiser()
    with pytest.raises(Forbidden):
        services.update_event(stranger, event.id, capacity=50, status="cancelled")
    with pytest.raises(services.EnrolmentNotFound):
        services.cancel_enrolment(stranger, enrolment.id)
    with pytest.raises(Forbidden):
        services.add_question(stranger, event.id, kind="text", label="Hijack?")
    db.session.expire_all()
    fresh = db.session.get(Event, event.id)
    assert (fresh.capacity, fresh.status, len(fresh.questions)) == (5, "published", 0)
    assert _statuses(event) == ["confirmed"]


def test_sessions_need_a_venue_of_the_organisation_and_an_end_after_the_start(organiser, make_organiser):
    from inducci_events.organisations import services as org_services

    user, org, venue = organiser
    other_user, other_org = make_organiser()
    foreign = org_services.save_venue(other_user, other_org.id, name="X", street="", postcode="", city="X",
                                      country="DE", timezone="Europe/Berlin")
    start = utcnow() + timedelta(days=3)
    with pytest.raises(ValidationFailed) as wrong_venue:
        services.create_event(user, org.id, title="T", capacity=5, sessions=[
            dict(title="S", venue_id=foreign.id, starts_at=start, ends_at=start + timedelta(hours=2))])
    assert "sessions.0.venue_id" in wrong_venue.value.fields
    with pytest.raises(ValidationFailed) as backwards:
        services.create_event(user, org.id, title="T", capacity=5, sessions=[
            dict(title="S", venue_id=venue.id, starts_at=start, ends_at=start - timedelta(hours=2))])
    assert "sessions.0.ends_at" in backwards.value.fields
    assert count(Event) == 0


def test_session_mode_counts_seats_per_session(make_event, make_user):
    event = make_event(enrolment_mode="session", capacity=1, sessions=2, waitlist=False)
    first, second = event.sessions
    user, other = make_user(), make_user()
    with pytest.raises(ValidationFailed):
        services.enrol(user, event.id)
    services.enrol(user, event.id, session_id=first.id)
    services.enrol(user, event.id, session_id=second.id)  # another session: fine
    with pytest.raises(services.AlreadyEnrolled):
        services.enrol(user, event.id, session_id=first.id)
    with pytest.raises(services.EventFull):
        services.enrol(other, event.id, session_id=first.id)
    view = queries.event_view(event.id)
    assert [v.seats.seats_left for v in view.sessions] == [0, 0]


def test_a_session_of_another_event_is_not_found(make_event, make_user):
    event, other = make_event(enrolment_mode="session"), make_event(enrolment_mode="session")
    with pytest.raises(services.SessionNotFound):
        services.enrol(make_user(), event.id, session_id=other.sessions[0].id)


def test_minimum_numbers(make_event, make_user):
    event = make_event(capacity=12, min_participants=2)
    assert (queries.event_view(event.id).will_take_place, queries.event_view(event.id).needed) == (False, 2)
    services.enrol(make_user(), event.id)
    services.enrol(make_user(), event.id)
    view = queries.event_view(event.id)
    assert (view.will_take_place, view.needed, view.seats_left) == (True, 0, 10)


def test_attendance_per_session_is_counted(make_event, make_user, organiser):
    event = make_event(sessions=5, capacity=1)
    participant, waiting = make_user(), make_user()
    enrolment = services.enrol(participant, event.id)
    waitlisted = services.enrol(waiting, event.id)
    for s in event.sessions[:3]:
        services.set_attendance(organiser[0], s.id, enrolment.id)
    services.set_attendance(organiser[0], event.sessions[0].id, enrolment.id)  # twice: still once
    services.set_attendance(organiser[0], event.sessions[2].id, enrolment.id, present=False)
    with pytest.raises(services.NotAttending):
        services.set_attendance(organiser[0], event.sessions[0].id, waitlisted.id)
    rows = {r.enrolment.id: r for r in queries.participants(db.session.get(Event, event.id))}
    assert rows[enrolment.id].attendance_count == 2
    assert rows[waitlisted.id].waitlist_position == 1
    assert count(Attendance) == 2


def test_the_participant_list_numbers_each_waitlist_in_order(make_event, make_user):
    """What organisers see (page, CSV, API): the event's waitlist 1, 2, 3; in session mode
    each session's own waitlist from 1."""
    series = make_event(capacity=1)
    people = [make_user() for _ in range(4)]
    ids = [services.enrol(p, series.id).id for p in people]
    rows = {r.enrolment.id: r.waitlist_position for r in queries.participants(db.session.get(Event, series.id))}
    assert [rows[i] for i in ids] == [None, 1, 2, 3]

    by_session = make_event(capacity=1, sessions=2, enrolment_mode="session")
    first, second = by_session.sessions
    ids = [services.enrol(p, by_session.id, session_id=s.id).id
           for p, s in zip(people, (first, first, second, second))] + \
          [services.enrol(people[3], by_session.id, session_id=first.id).id]
    rows = {r.enrolment.id: r.waitlist_position for r in queries.participants(db.session.get(Event, by_session.id))}
    assert [rows[i] for i in ids] == [None, 1, None, 1, 2]


def test_csv_export_is_excel_friendly(make_event, make_user):
    event = make_event(questions=[dict(kind="text", label="Company")])
    user = make_user(name="Tomáš Novák")
    services.enrol(user, event.id, answers={str(event.questions[0].id): "=HYPERLINK(\"x\")"})
    labels = {k: k for k in ("name", "email", "status", "session", "waitlist_position", "enrolled_at",
                             "attendance")}
    text = queries.participants_csv(db.session.get(Event, event.id), labels)
    assert text.startswith("\ufeff") and "\r\n" in text
    assert '"Tomáš Novák";' in text
    assert "\"'=HYPERLINK" in text  # no formula runs when Excel opens it
