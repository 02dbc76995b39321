"""``flask mail remind``: 24 hours ahead, once per item, never to people who opted out."""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from inducci_events.accounts import services as accounts
from inducci_events.extensions import db
from inducci_events.helpdesk import services as helpdesk
from inducci_events.mail.models import OutboxMessage
from tests.mail.conftest import compose_all
from inducci_events.mail.reminders import queue_reminders
from inducci_events.workshops import services as workshops
from tests.conftest import PASSWORD
from tests.helpdesk.conftest import NOW, make_adviser, make_desk, utc  # noqa: F401
from tests.spaces.conftest import book, creative, make_listing, make_space_org, space_org  # noqa: F401
from tests.workshops.conftest import make_event, organiser  # noqa: F401


def reminders(kind=None):
    stmt = sa.select(OutboxMessage).where(OutboxMessage.kind.like("reminder_%")).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return db.session.scalars(stmt).all()


def test_running_the_reminder_command_twice_queues_each_reminder_once(runner, make_event, make_user):
    soon = make_event(start_in_days=0.5, title="Hackathon")  # starts in 12 hours
    later = make_event(start_in_days=3, title="Showroom")
    ana, ben = make_user(email="ana@example.org"), make_user(email="ben@example.org", locale="de")
    for person in (ana, ben):
        workshops.enrol(person, soon.id)
        workshops.enrol(person, later.id)

    first = runner.invoke(args=["mail", "remind"])
    second = runner.invoke(args=["mail", "remind"])

    assert first.exit_code == 0 and "queued 2 reminder(s)" in first.output
    assert second.exit_code == 0 and "queued 0 reminder(s)" in second.output
    messages = reminders("reminder_session")
    assert sorted(m.recipient_email for m in messages) == ["ana@example.org", "ben@example.org"]
    de = next(m for m in messages if m.locale == "de")
    assert de.subject == "Erinnerung: Hackathon beginnt in den nächsten 24 Stunden"
    assert "Erinnerungen können Sie in Ihrem Profil abschalten." in de.body_text
    assert de.ics_method == "REQUEST" and "UID:enrolment-" in de.ics


def test_a_series_reminds_of_each_session_once_it_is_within_24_hours(make_event, make_user):
    event = make_event(sessions=2, start_in_days=0.5)  # module 2 is four weeks later
    workshops.enrol(make_user(), event.id)
    second_start = event.sessions[1].starts_at
    assert queue_reminders() == 1
    assert queue_reminders(now=second_start - timedelta(hours=3)) == 1
    assert queue_reminders(now=second_start - timedelta(hours=2)) == 0
    assert len(reminders()) == 2


def test_people_who_opted_out_and_people_not_confirmed_get_no_reminder(make_event, make_user):
    event = make_event(start_in_days=0.5, capacity=1)
    quiet, waiting = make_user(), make_user()
    workshops.enrol(quiet, event.id)
    workshops.enrol(waiting, event.id)  # waitlisted
    accounts.set_mail_reminders(quiet, False)
    assert queue_reminders() == 0
    accounts.set_mail_reminders(quiet, True)
    assert queue_reminders() == 1


def test_cancelled_events_send_no_reminder(organiser, make_event, make_user):
    user, _, _ = organiser
    event = make_event(start_in_days=0.5)
    workshops.enrol(make_user(), event.id)
    workshops.update_event(user, event.id, status="cancelled")
    assert queue_reminders() == 0


def test_a_space_booking_is_reminded_24_hours_before_its_first_day_in_the_venues_zone(
        space_org, make_listing, creative):
    listing = make_listing(booking_mode="instant", title="KRACH shop")
    booking = book(creative, listing, 3, 2)
    midnight = datetime.combine(booking.start_date, time(0), tzinfo=ZoneInfo("Europe/Berlin")).astimezone(timezone.utc)
    assert queue_reminders(now=midnight - timedelta(hours=25)) == 0
    assert queue_reminders(now=midnight - timedelta(hours=23)) == 1
    assert queue_reminders(now=midnight - timedelta(hours=22)) == 0
    [message] = reminders("reminder_booking")
    assert message.subject == "Reminder: your pop-up at KRACH shop starts tomorrow"
    assert "UID:space-booking-" in message.ics


def test_an_appointment_is_reminded_and_a_cancelled_one_is_not(make_desk, make_user):
    setup = make_desk()
    person, other = make_user(name="Giulia"), make_user()
    tuesday = utc(2027, 3, 2, 13)  # 14:00 in Padova
    kept = helpdesk.book(person, setup["desk"].id, setup["adviser"].id, tuesday, topic="business plan", now=NOW)
    dropped = helpdesk.book(other, setup["desk"].id, setup["adviser"].id, tuesday + timedelta(hours=1),
                            topic="crowdfunding", now=NOW)
    helpdesk.cancel(other, dropped.id, now=NOW)
    assert queue_reminders(now=NOW + timedelta(hours=6)) == 1
    [message] = reminders("reminder_appointment")
    assert message.recipient_email == person.email
    assert "Europe/Rome" in message.body_text and "business plan" in message.subject
    assert kept.id is not None


def test_appointments_and_mentoring_proposals_are_told(make_desk, make_user):
    setup = make_desk()
    person = make_user(name="Giulia")
    appointment = helpdesk.book(person, setup["desk"].id, setup["adviser"].id, utc(2027, 3, 2, 13),
                                topic="business plan", now=NOW)
    helpdesk.cancel(setup["adviser_user"], appointment.id, now=NOW)
    request = helpdesk.request_mentoring(person, setup["desk"].id, address="Via Roma 1, Padova",
                                         topic="crowdfunding")
    helpdesk.propose_mentoring(setup["adviser_user"], request.id, utc(2027, 3, 5, 9), now=NOW)
    helpdesk.accept_mentoring(person, request.id, now=NOW)
    compose_all()
    kinds = [m.kind for m in db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.recipient_email == person.email).order_by(OutboxMessage.id))]
    assert kinds == ["account_created", "appointment_booked", "appointment_cancelled", "mentoring_proposed",
                     "appointment_booked"]
    proposed = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "mentoring_proposed"))
    assert "Via Roma 1, Padova" in proposed.body_text and proposed.ics is None
    cancelled = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "appointment_cancelled"))
    assert cancelled.ics_method == "CANCEL" and "STATUS:CANCELLED" in cancelled.ics


def test_the_profile_switches_reminders_off_and_on(browser, make_user):
    make_user(email="lea@example.org")
    browser.login("lea@example.org", PASSWORD)
    page = browser.get("/profile").get_data(as_text=True)
    assert "Reminders are on." in page
    response = browser.submit("/profile/reminders/off", {}, form_url="/profile")
    assert response.status_code == 302
    page = browser.get("/profile").get_data(as_text=True)
    assert "Reminders turned off." in page and "Reminders are off." in page
    assert accounts.find_user_by_email("lea@example.org").mail_reminders is False
    browser.submit("/profile/reminders/on", {}, form_url="/profile")
    assert accounts.find_user_by_email("lea@example.org").mail_reminders is True


def test_switching_reminders_needs_a_login_and_a_csrf_token(browser, client, make_user):
    make_user(email="lea@example.org")
    assert client.post("/profile/reminders/off").status_code in (302, 400)  # log-in page or CSRF refusal
    browser.login("lea@example.org", PASSWORD)
    assert client.post("/profile/reminders/off").status_code == 400  # no CSRF token: refused
    assert client.post("/profile/reminders/maybe").status_code == 404
    assert accounts.find_user_by_email("lea@example.org").mail_reminders is True
