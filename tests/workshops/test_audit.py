"""Organisers' actions on enrolments, check-ins, events and sessions reach their organisation's
audit log, in the action's own transaction, with the previous values; participants' own
actions do not."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from inducci_events.audit.models import AuditEntry
from inducci_events.core.errors import DomainError
from inducci_events.extensions import db
from inducci_events.workshops import services


def _entries():
    db.session.rollback()
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.notin_(
        ("membership.grant", "venue.create", "event.create"))).order_by(AuditEntry.id)).all()


def _approve(organiser, event, person):
    enrolment = services.enrol(person, event.id)
    services.approve_enrolment(organiser, enrolment.id)
    return enrolment, "enrolment.approve", {"status": ["pending", "confirmed"]}


def _decline(organiser, event, person):
    enrolment = services.enrol(person, event.id)
    services.decline_enrolment(organiser, enrolment.id, reason="The mentoring places go to founders.")
    return enrolment, "enrolment.decline", {"status": ["pending", "declined"],
                                            "decline_reason": [None, "The mentoring places go to founders."]}


def _cancel(organiser, event, person):
    enrolment = services.enrol(person, event.id)
    services.cancel_enrolment(organiser, enrolment.id)
    return enrolment, "enrolment.cancel", {"status": ["confirmed", "cancelled"]}


def _check_in(organiser, event, person):
    enrolment = services.enrol(person, event.id)
    services.set_attendance(organiser, event.sessions[0].id, enrolment.id)
    services.set_attendance(organiser, event.sessions[0].id, enrolment.id)  # again: nothing changes
    return enrolment, "attendance.check_in", {"present": [False, True]}


@pytest.mark.parametrize("action", [_approve, _decline, _cancel, _check_in])
def test_an_organisers_action_on_an_enrolment_is_logged_once_with_the_previous_status(
        action, make_event, make_user, organiser):
    user, org, _venue = organiser
    event = make_event(requires_approval=action in (_approve, _decline))
    person = make_user(name="Petra Participant")
    enrolment, name, changes = action(user, event, person)
    [entry] = _entries()
    assert (entry.action, entry.actor_id, entry.organisation_id, entry.subject_type, entry.subject_id,
            entry.subject_user_id, entry.changes) == (name, user.id, org.id, "enrolment", enrolment.id, person.id,
                                                      changes)
    assert entry.summary.startswith("Growth-hacking boot camp")


def test_participants_own_actions_are_not_logged(make_event, make_user):
    event = make_event()
    person = make_user()
    enrolment = services.enrol(person, event.id)
    services.cancel_enrolment(person, enrolment.id)
    assert _entries() == []


def test_capacity_and_session_changes_keep_the_previous_values(make_event, organiser):
    user, org, venue = organiser
    event = make_event(capacity=10)
    services.update_event(user, event.id, capacity=12, title="Growth-hacking boot camp")  # the title is the same
    session = event.sessions[0]
    old_start, old_end = session.starts_at, session.ends_at
    services.save_session(user, event.id, title="Module 1: funnels", venue_id=venue.id,
                          starts_at=old_start + timedelta(hours=1), ends_at=old_end + timedelta(hours=1),
                          module_label=session.module_label, session_id=session.id)
    capacity, moved = _entries()
    assert (capacity.action, capacity.changes) == ("event.update", {"capacity": [10, 12]})
    assert moved.action == "session.update" and moved.organisation_id == org.id
    assert moved.changes == {
        "title": ["Module 1", "Module 1: funnels"],
        "starts_at": [old_start.isoformat(), (old_start + timedelta(hours=1)).isoformat()],
        "ends_at": [old_end.isoformat(), (old_end + timedelta(hours=1)).isoformat()]}


def test_a_removed_session_is_logged_with_what_it_was(make_event, organiser):
    user, org, venue = organiser
    event = make_event(sessions=2)
    gone = event.sessions[1]
    title, starts_at = gone.title, gone.starts_at
    services.delete_session(user, event.id, gone.id)
    [removed] = _entries()
    assert (removed.action, removed.subject_id, removed.organisation_id) == ("session.delete", gone.id, org.id)
    assert removed.changes["title"] == [title, None]
    assert removed.changes["starts_at"] == [starts_at.isoformat(), None]


def test_a_refused_change_leaves_no_entry(make_event, make_people, organiser):
    user, _org, _venue = organiser
    event = make_event(capacity=3)
    for person_id in make_people(3):
        services.enrol(db.session.get(type(user), person_id), event.id)
    with pytest.raises(DomainError):
        services.update_event(user, event.id, capacity=2)
    assert _entries() == []


def test_the_organisers_log_page_shows_who_what_and_the_previous_value(
        browser, make_event, make_user, make_organiser, organiser):
    user, org, _venue = organiser
    event = make_event(capacity=10, requires_approval=True)
    person = make_user(name="Petra Participant")
    enrolment = services.enrol(person, event.id)
    services.decline_enrolment(user, enrolment.id, reason="Full")
    services.update_event(user, event.id, capacity=8)
    browser.login(user.email)
    page = browser.get(f"/manage/{org.slug}/log").get_data(as_text=True)
    assert "Enrolment declined: Growth-hacking boot camp" in page and "Petra Participant" in page
    assert "status: pending → declined" in page and "reason: – → Full" in page
    assert "Event changed" in page and "capacity: 10 → 8" in page
    assert db.session.get(type(user), user.id).name in page

    stranger, other = make_organiser()
    browser.submit("/logout", {}, form_url="/")
    browser.login(stranger.email)
    assert browser.get(f"/manage/{org.slug}/log").status_code == 403
    own = browser.get(f"/manage/{other.slug}/log").get_data(as_text=True)
    assert "Petra Participant" not in own and "Enrolment declined" not in own


def test_registration_questions_added_and_removed_are_logged(make_event, organiser):
    user, _org, _venue = organiser
    event = make_event()
    question = services.add_question(user, event.id, kind="text", label="Your company?")
    services.delete_question(user, event.id, question.id)
    assert [(e.action, e.changes) for e in _entries()] == [
        ("event.question_add", {"question": [None, "Your company?"]}),
        ("event.question_remove", {"question": ["Your company?", None]})]
