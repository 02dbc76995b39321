"""Real concurrent connections on PostgreSQL: no overbooking, no lost promotions, FIFO waitlist."""
import threading

import pytest
import sqlalchemy as sa

from inducci_events.accounts.models import User
from inducci_events.extensions import db
from inducci_events.workshops import services
from inducci_events.workshops.models import Enrolment
from tests.conftest import run_at_once

pytestmark = pytest.mark.postgres_only


def _enrolments(event_id):
    db.session.expire_all()
    return db.session.scalars(sa.select(Enrolment).where(Enrolment.event_id == event_id)
                              .order_by(Enrolment.id)).all()


def test_fifty_people_enrol_at_once_in_ten_seats(app, make_event, make_people):
    event_id = make_event(capacity=10).id
    people = make_people(50)

    def enrol(user_id):
        return lambda: services.enrol(db.session.get(User, user_id), event_id)

    assert [kind for kind, _ in run_at_once(app, [enrol(uid) for uid in people])] == ["ok"] * 50
    rows = _enrolments(event_id)
    assert len(rows) == 50 and len({r.user_id for r in rows}) == 50  # nobody twice, nobody lost
    # Arrival order = the order the transactions got the event's lock, which is id order.
    assert [r.status for r in rows] == ["confirmed"] * 10 + ["waitlisted"] * 40
    assert [r.queue_seq for r in rows[10:]] == list(range(1, 41))


def test_cancellations_racing_with_enrolments_never_leave_a_seat_free_while_someone_waits(
        app, make_event, make_people):
    event_id = make_event(capacity=5).id
    first, waiting, newcomers = make_people(5), make_people(5), make_people(10)
    for uid in first + waiting:
        services.enrol(db.session.get(User, uid), event_id)
    confirmed_ids = [e.id for e in _enrolments(event_id) if e.status == "confirmed"]
    owners = {e.id: e.user_id for e in _enrolments(event_id)}
    stop = threading.Event()
    samples = []

    def cancel(enrolment_id):
        return lambda: services.cancel_enrolment(db.session.get(User, owners[enrolment_id]), enrolment_id)

    def enrol(user_id):
        return lambda: services.enrol(db.session.get(User, user_id), event_id)

    def watch():
        # One statement = one consistent snapshot of both counts.
        query = sa.select(
            sa.func.count().filter(Enrolment.status == "confirmed"),
            sa.func.count().filter(Enrolment.status == "waitlisted"),
        ).where(Enrolment.event_id == event_id)
        while not stop.is_set():
            samples.append(tuple(db.session.execute(query).one()))
            db.session.rollback()

    watcher = threading.Thread(target=lambda: _watch_in_context(app, watch))
    watcher.start()
    try:
        outcomes = run_at_once(app, [cancel(i) for i in confirmed_ids] + [enrol(u) for u in newcomers])
    finally:
        stop.set()
        watcher.join(10)
    assert [kind for kind, _ in outcomes] == ["ok"] * 15
    assert samples, "the watcher saw nothing"
    for confirmed, waitlisted in samples:
        assert confirmed <= 5
        assert waitlisted == 0 or confirmed == 5, (confirmed, waitlisted)
    rows = _enrolments(event_id)
    by_user = {r.user_id: r for r in rows if r.status != "cancelled"}
    # The five who waited first got the freed seats before any newcomer could.
    assert all(by_user[uid].status == "confirmed" for uid in waiting)
    assert sum(r.status == "confirmed" for r in rows) == 5
    assert sum(r.status == "waitlisted" for r in rows) == 10


def _watch_in_context(app, watch):
    with app.app_context():
        try:
            watch()
        finally:
            db.session.remove()
