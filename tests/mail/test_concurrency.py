"""Real concurrent connections on PostgreSQL: every enrolment that commits has exactly its
one message, and two reminder runs at once queue each reminder once."""
import threading

import pytest
import sqlalchemy as sa

from inducci_events.accounts.models import User
from inducci_events.extensions import db
from inducci_events.mail.models import OutboxMessage
from inducci_events.mail.reminders import queue_reminders
from inducci_events.workshops import services as workshops
from inducci_events.workshops.models import Enrolment
from tests.workshops.conftest import make_event, make_people, organiser  # noqa: F401
from tests.workshops.test_concurrency import _run_all

pytestmark = pytest.mark.postgres_only


def _messages(kind_prefix):
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind.like(f"{kind_prefix}%"))).all()


def test_thirty_people_enrolling_at_once_each_get_exactly_the_message_of_their_outcome(
        app, make_event, make_people):
    event_id = make_event(capacity=10).id
    people = make_people(30)
    barrier = threading.Barrier(30)

    def enrol(user_id):
        def run():
            barrier.wait(10)
            workshops.enrol(db.session.get(User, user_id), event_id)
        return run

    assert _run_all(app, [enrol(uid) for uid in people]) == []
    db.session.expire_all()
    outcome = {e.user_id: e.status for e in db.session.scalars(sa.select(Enrolment))}
    told = {m.user_id: m.kind for m in _messages("enrolment_")}
    assert told == {uid: f"enrolment_{status}" for uid, status in outcome.items()}
    assert sorted(told.values()).count("enrolment_confirmed") == 10


def test_two_reminder_runs_at_once_queue_each_reminder_once(app, make_event, make_people):
    event_id = make_event(start_in_days=0.5, capacity=20).id
    for uid in make_people(12):
        workshops.enrol(db.session.get(User, uid), event_id)
    barrier, results = threading.Barrier(2), []

    def remind():
        barrier.wait(10)
        results.append(queue_reminders())

    assert _run_all(app, [remind, remind]) == []
    assert sorted(results) == [0, 12]
    reminders = _messages("reminder_")
    assert len(reminders) == 12 and len({m.user_id for m in reminders}) == 12
