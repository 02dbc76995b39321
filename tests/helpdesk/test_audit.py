"""Help-desk staff's actions on someone's appointment, and organisers' desk set-up, reach the
organisation's audit log with the previous values; a person's own cancellation does not."""
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from inducci_events.audit.models import AuditEntry
from inducci_events.extensions import db
from inducci_events.helpdesk import services

from .conftest import NOW, utc

TUESDAY_14 = utc(2027, 3, 2, 13)  # Tuesday 2 March 2027, 14:00 in Rome


def _entries(*actions):
    db.session.rollback()
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.in_(actions))
                              .order_by(AuditEntry.id)).all()


@pytest.mark.parametrize("who, act, action, changes", [
    ("adviser_user", lambda actor, a: services.cancel(actor, a.id, now=NOW), "appointment.cancel",
     {"status": ["confirmed", "cancelled"]}),
    ("organiser", lambda actor, a: services.cancel(actor, a.id, now=NOW), "appointment.cancel",
     {"status": ["confirmed", "cancelled"]}),
    ("adviser_user", lambda actor, a: services.mark(actor, a.id, "no_show", now=TUESDAY_14 + timedelta(hours=2)),
     "appointment.mark", {"status": ["confirmed", "no_show"]}),
])
def test_staff_actions_on_an_appointment_are_logged(make_desk, make_user, who, act, action, changes):
    made = make_desk()
    person = make_user(name="Paola Persona")
    appointment = services.book(person, made["desk"].id, made["adviser"].id, TUESDAY_14, topic="legal", now=NOW)
    actor = made[who]
    act(actor, appointment)
    [entry] = _entries(action)
    assert (entry.actor_id, entry.organisation_id, entry.subject_type, entry.subject_id, entry.subject_user_id,
            entry.changes) == (actor.id, made["org"].id, "appointment", appointment.id, person.id, changes)
    assert entry.summary == "CCI help-desk Padova: 2027-03-02 14:00"


def test_a_persons_own_cancellation_is_not_logged(make_desk, make_user):
    made = make_desk()
    person = make_user()
    appointment = services.book(person, made["desk"].id, made["adviser"].id, TUESDAY_14, topic="legal", now=NOW)
    services.cancel(person, appointment.id, now=NOW)
    assert _entries("appointment.cancel") == []


def test_desk_set_up_is_logged(make_desk):
    made = make_desk()
    services.add_absence(made["organiser"], made["adviser"].id, starts_on=date(2027, 4, 1), ends_on=date(2027, 4, 9))
    services.add_absence(made["adviser_user"], made["adviser"].id, starts_on=date(2027, 5, 1),
                         ends_on=date(2027, 5, 2))  # the adviser's own: not someone else's data
    created, adviser, hours, absence = _entries("desk.create", "desk.adviser_add", "desk.hours_add",
                                                "adviser.absence_add")
    assert {e.organisation_id for e in (created, adviser, hours, absence)} == {made["org"].id}
    assert created.changes["name"] == [None, "CCI help-desk Padova"]
    assert created.changes["venue"] == [None, "Camera di Commercio"]
    assert (adviser.subject_user_id, adviser.changes) == (made["adviser_user"].id, {})
    assert hours.changes["hours"] == [None, "14:00–17:00"] and hours.subject_user_id == made["adviser_user"].id
    assert (absence.actor_id, absence.subject_user_id, absence.changes) == (
        made["organiser"].id, made["adviser_user"].id,
        {"starts_on": [None, "2027-04-01"], "ends_on": [None, "2027-04-09"]})
    assert isinstance(created.created_at, datetime)
