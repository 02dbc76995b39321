"""Real concurrent connections on PostgreSQL: every enrolment that commits has exactly its
one message, and two reminder runs at once queue each reminder once."""
import pytest
import sqlalchemy as sa

from inducci_events.accounts.models import User
from inducci_events.extensions import db
from inducci_events.mail.models import OutboxMessage
from inducci_events.mail.reminders import queue_reminders
from inducci_events.workshops import services as workshops
from inducci_events.workshops.models import Enrolment
from tests.conftest import run_at_once
from tests.workshops.conftest import make_event, make_people, organiser  # noqa: F401

pytestmark = pytest.mark.postgres_only


def _messages(kind_prefix):
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind.like(f"{kind_prefix}%"))).all()


def test_thirty_people_enrolling_at_once_each_get_exactly_the_message_of_their_outcome(
        app, make_event, make_people):
    event_id = make_event(capacity=10).id
    people = make_people(30)

    def enrol(user_id):
        return lambda: workshops.enrol(db.session.get(User, user_id), event_id)

    assert [kind for kind, _ in run_at_once(app, [enrol(uid) for uid in people])] == ["ok"] * 30
    db.session.expire_all()
    outcome = {e.user_id: e.status for e in db.session.scalars(sa.select(Enrolment))}
    told = {m.user_id: m.kind for m in _messages("enrolment_")}
    assert told == {uid: f"enrolment_{status}" for uid, status in outcome.items()}
    assert sorted(told.values()).count("enrolment_confirmed") == 10


def test_two_reminder_runs_at_once_queue_each_reminder_once(app, make_event, make_people):
    event_id = make_event(start_in_days=0.5, capacity=20).id
    for uid in make_people(12):
        workshops.enrol(db.session.get(User, uid), event_id)
    outcomes = run_at_once(app, [queue_reminders, queue_reminders])
    assert sorted(result for _kind, result in outcomes) == [0, 12]
    reminders = _messages("reminder_")
    assert len(reminders) == 12 and len({m.user_id for m in reminders}) == 12
