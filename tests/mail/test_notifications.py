"""Notifications: each change queues its message in the same transaction, in the
recipient's language, with the item's .ics (same UID and SEQUENCE as the personal feed)."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from inducci_events.core.auth import COMMAND_LINE
from inducci_events.workshops.ical import enrolment_session_item
from inducci_events.extensions import db
from inducci_events.mail import services as mail
from inducci_events.mail.models import OutboxMessage
from inducci_events.workshops import services as workshops
from inducci_events.workshops.models import Enrolment
from tests.conftest import count
from tests.mail.conftest import compose_all
from tests.spaces.conftest import book, creative, make_listing, make_space_org, space_org  # noqa: F401
from tests.workshops.conftest import make_event, organiser  # noqa: F401


def outbox(kind=None, email=None):
    compose_all()
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    if email:
        stmt = stmt.where(OutboxMessage.recipient_email == email)
    return db.session.scalars(stmt).all()


def calendar_of(message):
    return Calendar.from_ical(message.ics)


def only_event(cal):
    [event] = cal.walk("VEVENT")
    return event


def test_a_waitlist_promotion_delivers_one_message_with_a_parseable_ics(app, smtp_server, make_event, make_user):
    event = make_event(capacity=1, waitlist=True, title="Growth-hacking boot camp")
    ana, ben = make_user(name="Ana"), make_user(name="Ben", email="ben@example.org")
    first = workshops.enrol(ana, event.id)
    waiting = workshops.enrol(ben, event.id)
    assert waiting.status == "waitlisted"
    mail.deliver_pending()
    smtp_server.inbox.messages.clear()

    workshops.cancel_enrolment(ana, first.id)

    # Ben is promoted; Ana's own cancellation is confirmed to her, and the organiser told.
    assert mail.deliver_pending() == (3, 0)
    [received] = [m for m in smtp_server.inbox.messages if m["To"] == "Ben <ben@example.org>"]
    assert received["Subject"] == "A seat became free for you: Growth-hacking boot camp"
    assert "moved up from the waitlist" in received.get_body(("plain",)).get_content()
    [attachment] = [part for part in received.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert attachment.get_param("method") == "REQUEST"
    cal = Calendar.from_ical(attachment.get_content())
    vevent = only_event(cal)
    enrolment = db.session.get(Enrolment, waiting.id)
    with app.test_request_context("/"):
        feed_item = enrolment_session_item(enrolment.event.sessions[0], enrolment)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(vevent["UID"]) == feed_item.uid
    assert int(vevent["SEQUENCE"]) == feed_item.sequence
    assert str(vevent["STATUS"]) == "CONFIRMED"


def test_the_smtp_server_down_does_not_fail_a_booking_and_the_message_goes_out_later(
        smtp_server, make_event, make_user):
    from unittest import mock

    event = make_event(capacity=5)
    ana = make_user(name="Ana")
    mail.deliver_pending()
    smtp_server.inbox.messages.clear()
    smtp_server.stop()

    enrolment = workshops.enrol(ana, event.id)

    assert enrolment.status == "confirmed"
    assert mail.deliver_pending() == (0, 1)
    [message] = outbox("enrolment_confirmed")
    assert message.status == "pending"
    smtp_server.start()
    later = mail.utcnow() + timedelta(minutes=2)
    with mock.patch.object(mail, "utcnow", return_value=later):
        assert mail.deliver_pending() == (1, 0)
    assert [m["Subject"] for m in smtp_server.inbox.messages] == ["Your place is confirmed: Growth-hacking boot camp"]
    assert db.session.get(OutboxMessage, message.id).status == "sent"


def test_a_refused_booking_queues_nothing(make_event, make_user):
    event = make_event(capacity=1, waitlist=False)
    workshops.enrol(make_user(), event.id)
    late = make_user()
    before = count(OutboxMessage)
    with pytest.raises(workshops.EventFull):
        workshops.enrol(late, event.id)
    assert count(OutboxMessage) == before


def test_messages_are_written_in_the_recipients_language(make_event, make_user):
    event = make_event(capacity=1, waitlist=True, title="Hackathon")
    workshops.enrol(make_user(email="en@example.org"), event.id)
    workshops.enrol(make_user(email="de@example.org", name="Jonas", locale="de"), event.id)
    [confirmed] = outbox("enrolment_confirmed")
    [waiting] = outbox("enrolment_waitlisted")
    assert confirmed.subject == "Your place is confirmed: Hackathon"
    assert waiting.subject == "Sie stehen auf der Warteliste: Hackathon"
    assert "Hallo Jonas" in waiting.body_text and "Warteliste" in waiting.body_html
    assert "(Europe/Vienna)" in waiting.body_text  # times in the venue's zone, with its name
    assert waiting.ics is None  # nothing to put in a calendar while waiting


def test_an_event_cancelled_by_the_organiser_cancels_everybodys_calendar_item(organiser, make_event, make_user):
    user, _, _ = organiser
    event = make_event(capacity=1, waitlist=True, title="Living Lab")
    workshops.enrol(make_user(email="a@example.org"), event.id)
    workshops.enrol(make_user(email="b@example.org"), event.id)

    workshops.update_event(user, event.id, status="cancelled")

    messages = outbox("event_cancelled")
    assert sorted(m.recipient_email for m in messages) == ["a@example.org", "b@example.org"]
    for message in messages:
        cal = calendar_of(message)
        assert str(cal["METHOD"]) == "CANCEL" and message.ics_method == "CANCEL"
        assert str(only_event(cal)["STATUS"]) == "CANCELLED"
    confirmed_uid = only_event(calendar_of(outbox("enrolment_confirmed")[0]))["UID"]
    cancelled_uid = only_event(calendar_of(outbox("event_cancelled", "a@example.org")[0]))["UID"]
    assert confirmed_uid == cancelled_uid  # the calendar replaces the very item it had


def test_organiser_declines_and_cancellations_reach_the_participant(organiser, make_event, make_user):
    user, _, _ = organiser
    event = make_event(capacity=1, waitlist=True, title="Showroom")
    first = workshops.enrol(make_user(email="a@example.org"), event.id)
    second = workshops.enrol(make_user(email="b@example.org"), event.id)
    workshops.decline_enrolment(user, second.id)
    workshops.cancel_enrolment(user, first.id)
    assert [m.recipient_email for m in outbox("enrolment_declined")] == ["b@example.org"]
    [cancelled] = outbox("enrolment_cancelled")
    assert cancelled.recipient_email == "a@example.org" and cancelled.ics_method == "CANCEL"


def test_participants_cancelling_themselves_get_no_message_about_it(make_event, make_user):
    event = make_event()
    ana = make_user()
    enrolment = workshops.enrol(ana, event.id)
    workshops.cancel_enrolment(ana, enrolment.id)
    assert outbox("enrolment_cancelled") == []


def test_a_pending_enrolment_is_announced_to_the_organisers_in_their_language(
        organiser, make_event, make_user):
    from inducci_events.accounts import services as accounts

    user, org, _ = organiser
    german = make_user(email="orga@example.org", locale="de")
    accounts.grant_role(german.email, org.slug, "organiser", actor=COMMAND_LINE)
    event = make_event(requires_approval=True, title="Co-working")
    enrolment = workshops.enrol(make_user(name="Mira"), event.id)
    messages = outbox("organiser_enrolment_pending")
    assert sorted(m.recipient_email for m in messages) == sorted([user.email, "orga@example.org"])
    de = next(m for m in messages if m.locale == "de")
    assert de.subject == "Anmeldung wartet auf Ihre Freigabe: Co-working"
    assert "Mira" in de.body_text

    workshops.approve_enrolment(user, enrolment.id)
    [approved] = outbox("enrolment_confirmed")
    assert approved.ics_method == "REQUEST"


# --- spaces ------------------------------------------------------------------------------

def test_a_space_request_goes_to_creative_and_organisers_and_the_decline_carries_the_reason(
        space_org, make_listing, creative):
    from inducci_events.spaces import services as spaces

    listing = make_listing(title="KRACH shop")
    booking = book(creative, listing, 3, 2)
    [received] = outbox("space_request_received")
    [request] = outbox("organiser_space_request")
    assert received.recipient_email == creative.email and received.ics is None
    assert request.recipient_email == space_org.organiser.email
    assert "Anna Kovač asks to use KRACH shop" in request.body_text

    spaces.decline_booking(space_org.organiser, booking.id, "The shop is being renovated that week.")
    [declined] = outbox("space_request_declined")
    assert "Reason: The shop is being renovated that week." in declined.body_text
    assert "The shop is being renovated that week." in declined.body_html


def test_an_approved_then_cancelled_space_booking_sends_request_then_cancel(space_org, make_listing, creative):
    from inducci_events.spaces import services as spaces

    listing = make_listing()
    booking = book(creative, listing, 3, 2)
    spaces.approve_booking(space_org.organiser, booking.id)
    spaces.cancel_booking(space_org.organiser, booking.id)
    [confirmed] = outbox("space_booking_confirmed")
    [cancelled] = outbox("space_booking_cancelled")
    first, second = only_event(calendar_of(confirmed)), only_event(calendar_of(cancelled))
    assert (confirmed.ics_method, cancelled.ics_method) == ("REQUEST", "CANCEL")
    assert first["UID"] == second["UID"]
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])
    assert str(second["STATUS"]) == "CANCELLED"


def test_create_app_registers_every_features_composers_without_importing_them_first():
    """No registry filled by import side effects: a fresh process that only builds the app
    (as the mail worker does) knows how to compose every kind the features queue."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from inducci_events import create_app\n"
        "app = create_app('testing')\n"
        "from inducci_events.helpdesk.notifications import TEXTS as h\n"
        "from inducci_events.spaces.notifications import TEXTS as s\n"
        "from inducci_events.workshops.notifications import TEXTS as w\n"
        "with app.app_context():\n"
        "    from inducci_events.mail.composers import composer_for\n"
        "    missing = [k for k in [*h, *s, *w] if composer_for(k) is None]\n"
        "print(missing)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
