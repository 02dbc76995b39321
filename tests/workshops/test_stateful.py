"""Property-based: random enrol / cancel / approve / decline / capacity changes keep the invariants.

* confirmed <= capacity;
* nobody waits while a seat is free;
* the waitlist keeps arrival order (only its head is ever promoted);
* at most one active enrolment per person.
"""
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from inducci_events.accounts.models import User
from inducci_events.core.db import unit_of_work
from inducci_events.core.errors import ValidationFailed
from inducci_events.extensions import db
from inducci_events.workshops import services
from inducci_events.workshops.models import Attendance, Enrolment, Event, Question, Session

PEOPLE = 6


def test_enrolment_invariants_hold_under_random_operations(app, organiser, make_people):
    actor_id, org_id, venue_id = organiser[0].id, organiser[1].id, organiser[2].id
    people = make_people(PEOPLE)

    class Enrolments(RuleBasedStateMachine):
        @initialize(capacity=st.integers(1, 3), approval=st.booleans())
        def new_event(self, capacity, approval):
            with unit_of_work() as session:  # a clean slate for the feature's tables
                for model in (Attendance, Enrolment, Question, Session, Event):
                    session.execute(sa.delete(model))
            from datetime import timedelta

            from inducci_events.core.db import utcnow

            start = utcnow() + timedelta(days=10)
            event = services.create_event(
                self.actor(), org_id, title="Random", capacity=capacity, status="published",
                requires_approval=approval, sessions=[dict(title="S", venue_id=venue_id, starts_at=start,
                                                           ends_at=start + timedelta(hours=3))])
            self.event_id = event.id
            self.queue = []  # user ids in the order they joined the waitlist

        def actor(self):
            return db.session.get(User, actor_id)

        def rows(self):
            db.session.expire_all()
            return db.session.scalars(sa.select(Enrolment).where(Enrolment.event_id == self.event_id)
                                      .order_by(Enrolment.id)).all()

        def active_of(self, user_id):
            return next((e for e in self.rows() if e.user_id == user_id and e.is_active), None)

        def after(self, result):
            if result is not None and result.status == "waitlisted" and result.user_id not in self.queue:
                self.queue.append(result.user_id)

        @rule(person=st.integers(0, PEOPLE - 1))
        def enrol(self, person):
            try:
                self.after(services.enrol(db.session.get(User, people[person]), self.event_id))
            except services.AlreadyEnrolled:
                assert self.active_of(people[person]) is not None

        @rule(person=st.integers(0, PEOPLE - 1))
        def cancel(self, person):
            enrolment = self.active_of(people[person])
            if enrolment is None:
                return
            services.cancel_enrolment(db.session.get(User, people[person]), enrolment.id)
            if people[person] in self.queue:
                self.queue.remove(people[person])

        @rule(person=st.integers(0, PEOPLE - 1), approve=st.booleans())
        def decide(self, person, approve):
            enrolment = self.active_of(people[person])
            if enrolment is None or enrolment.status != "pending":
                return
            try:
                if approve:
                    self.after(services.approve_enrolment(self.actor(), enrolment.id))
                else:
                    services.decline_enrolment(self.actor(), enrolment.id)
            except services.EventFull:
                pass

        @rule(capacity=st.integers(1, 5))
        def change_capacity(self, capacity):
            confirmed = sum(e.status == "confirmed" for e in self.rows())
            try:
                services.update_event(self.actor(), self.event_id, capacity=capacity)
            except ValidationFailed:
                assert capacity < confirmed
            else:
                assert capacity >= confirmed

        @invariant()
        def seats_and_queue(self):
            rows = self.rows()
            capacity = db.session.get(Event, self.event_id).capacity
            confirmed = [e for e in rows if e.status == "confirmed"]
            waiting = sorted((e for e in rows if e.status == "waitlisted"), key=lambda e: e.queue_seq)
            assert len(confirmed) <= capacity
            assert not waiting or len(confirmed) == capacity, "someone waits while a seat is free"
            active_users = [e.user_id for e in rows if e.is_active]
            assert len(active_users) == len(set(active_users)), "two active enrolments for one person"
            db_queue = [e.user_id for e in waiting]
            promoted = self.queue[:len(self.queue) - len(db_queue)]
            assert self.queue[len(promoted):] == db_queue, "the waitlist lost its order"
            confirmed_users = {e.user_id for e in confirmed}
            assert all(uid in confirmed_users for uid in promoted), "someone left the queue other than by a seat"
            self.queue = db_queue

    Enrolments.TestCase.settings = settings(
        max_examples=25, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    run_state_machine_as_test(Enrolments, settings=Enrolments.TestCase.settings)

