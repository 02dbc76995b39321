"""Real concurrent connections on PostgreSQL: the adviser lock lets exactly one booking win."""
from datetime import date, time

import pytest

from inducci_events.extensions import db
from inducci_events.helpdesk import services
from inducci_events.helpdesk.models import Appointment

from tests.conftest import run_at_once

from .conftest import NOW, utc

pytestmark = pytest.mark.postgres_only


def _codes(app, calls):
    """``"ok"`` or the refusal's code for each call, all run at once."""
    return [value if kind == "refused" else "ok" for kind, value in run_at_once(app, calls)]


def test_twenty_people_booking_one_seat_at_once_get_exactly_one_appointment(app, make_desk, make_user):
    made = make_desk()
    desk_id, adviser_id = made["desk"].id, made["adviser"].id
    # Capture plain values first: the threads never touch this test's ORM objects.
    people = [make_user() for _ in range(20)]
    users = [(p.id, p.email) for p in people]

    def booking(user_id):
        def call():
            from inducci_events.accounts.models import User

            services.book(db.session.get(User, user_id), desk_id, adviser_id, utc(2027, 3, 2, 13),
                          topic="crowdfunding", now=NOW)
        return call

    outcomes = _codes(app, [booking(uid) for uid, _email in users])
    assert sorted(outcomes) == ["ok"] + ["slot_taken"] * 19
    db.session.expire_all()
    assert db.session.query(Appointment).filter(Appointment.status == "confirmed").count() == 1


def test_one_adviser_at_two_desks_at_overlapping_times_is_booked_once(app, make_desk, make_user):
    made = make_desk()
    second = services.create_desk(made["organiser"], made["org"].id, name="Desk Vicenza", online=True)
    services.add_adviser(made["organiser"], second.id, email=made["adviser_user"].email)
    services.add_rule(made["organiser"], second.id, adviser_id=made["adviser"].id, weekdays=[1],
                      start_time=time(14, 30), end_time=time(16), slot_minutes=30, valid_from=date(2027, 1, 1),
                      mode="online")
    adviser_id, desks = made["adviser"].id, (made["desk"].id, second.id)
    user_ids = [make_user().id for _ in range(10)]
    # Five people want Padova 14:00-15:00, five want Vicenza 14:30-15:00: the same adviser.
    starts = {made["desk"].id: utc(2027, 3, 2, 13), second.id: utc(2027, 3, 2, 13, 30)}

    def booking(user_id, desk_id):
        def call():
            from inducci_events.accounts.models import User

            services.book(db.session.get(User, user_id), desk_id, adviser_id, starts[desk_id], topic="legal",
                          now=NOW)
        return call

    outcomes = _codes(app, [booking(uid, desks[i % 2]) for i, uid in enumerate(user_ids)])
    assert outcomes.count("ok") == 1
    assert set(outcomes) - {"ok"} <= {"slot_taken", "adviser_busy"}
    db.session.expire_all()
    assert db.session.query(Appointment).filter(Appointment.status == "confirmed").count() == 1
