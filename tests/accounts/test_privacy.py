"""Privacy (#13): consent at sign-up, the notice and imprint, export, account erasure, purge."""
import json
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from inducci_events.accounts import privacy
from inducci_events.accounts.models import User
from inducci_events.core.db import unit_of_work, utcnow
from inducci_events.extensions import db
from inducci_events.helpdesk import services as helpdesk
from inducci_events.helpdesk.models import Appointment, MentoringRequest
from inducci_events.mail import services as mail
from inducci_events.mail.models import OutboxMessage
from inducci_events.spaces import services as spaces
from inducci_events.spaces.models import SpaceBooking
from inducci_events.workshops import services as workshops
from inducci_events.workshops.models import Enrolment, Session
from tests.conftest import PASSWORD, Browser, count
from tests.helpdesk.conftest import NOW, make_adviser, make_desk  # noqa: F401 - fixtures
from tests.mail.conftest import smtp_server  # noqa: F401 - fixture
from tests.spaces.conftest import book, make_listing, make_space_org, space_org  # noqa: F401 - fixtures
from tests.workshops.conftest import make_event, organiser  # noqa: F401 - fixtures

TUESDAY_14 = datetime(2027, 3, 2, 13, tzinfo=timezone.utc)  # 14:00 in Padova, inside the desk's hours

NAME, EMAIL = "Zofia Wiśniewska", "zofia.w@example.org"
ANSWER, PURPOSE, TEAM = "Vegetarian, allergic to hazelnuts", "A repair café for old radios", "Marek Zieliński"
MESSAGE, ADDRESS, NOTES = "I need help with my crowdfunding page", "Via Roma 17, Padova", "Talked about her debts"


@pytest.fixture
def zofia(make_user):
    return make_user(email=EMAIL, name=NAME)


@pytest.fixture
def items(zofia, make_user, make_event, make_listing, space_org, make_desk):  # noqa: F811
    """Zofia has every kind of item: a confirmed enrolment with an answer (someone waits
    behind her; the cancellation deadline has passed), a waitlist entry, a confirmed space
    booking with a purpose and a team, an appointment with a message (and the adviser's
    notes) and a mentoring request."""
    workshop = make_event(capacity=1, title="Growth-hacking boot camp", cancel_until=utcnow() - timedelta(hours=1),
                          questions=[dict(kind="text", label="Dietary needs")])
    question = workshop.questions[0]
    confirmed = workshops.enrol(zofia, workshop.id, answers={question.field_name: ANSWER})
    waiting_user = make_user(name="Walter Wartend", email="walter@example.org")
    waiting = workshops.enrol(waiting_user, workshop.id)
    full = make_event(capacity=1, title="Industrial hackathon")
    workshops.enrol(make_user(), full.id)
    waitlisted = workshops.enrol(zofia, full.id)

    listing = make_listing()
    booking = book(zofia, listing, 10, 5, purpose=PURPOSE, team=[(TEAM, "Silesia")])
    spaces.approve_booking(space_org.organiser, booking.id)

    desk = make_desk()
    appointment = helpdesk.book(zofia, desk["desk"].id, desk["adviser"].id, TUESDAY_14, topic="crowdfunding",
                                message=MESSAGE, now=NOW)
    helpdesk.save_notes(desk["adviser_user"], appointment.id, NOTES)
    request = helpdesk.request_mentoring(zofia, desk["desk"].id, address=ADDRESS, topic="business plan",
                                         message=MESSAGE)
    assert (confirmed.status, waiting.status, waitlisted.status) == ("confirmed", "waitlisted", "waitlisted")
    return dict(workshop=workshop, confirmed=confirmed, waiting=waiting, waitlisted=waitlisted, booking=booking,
                listing=listing, appointment=appointment, request=request, desk=desk)


# --- consent, notice and imprint -------------------------------------------------------------

def test_sign_up_needs_the_notice_accepted_and_records_date_and_version(app, browser):
    app.config["PRIVACY_NOTICE_VERSION"] = "2026-12"
    form = {"name": "Ana", "email": "ana@example.org", "password": PASSWORD, "confirm": PASSWORD, "locale": "en"}
    refused = browser.submit("/register", form)
    assert refused.status_code == 422
    assert "Please accept the privacy notice" in refused.get_data(as_text=True)
    assert count(User) == 0

    before = utcnow()
    assert browser.submit("/register", dict(form, accept_privacy_notice="y")).status_code == 302
    user = db.session.scalar(sa.select(User))
    assert user.consent_version == "2026-12" and before <= user.consent_at <= utcnow()


def test_the_api_records_consent_when_the_client_sends_it(app, api):
    app.config["PRIVACY_NOTICE_VERSION"] = "3"
    body = {"email": "mia@example.org", "password": PASSWORD, "name": "Mia"}
    assert api.post("/api/v1/users", dict(body, accept_privacy_notice=False)).status_code == 422
    assert api.post("/api/v1/users", dict(body, accept_privacy_notice=True)).status_code == 201
    assert api.post("/api/v1/users", dict(body, email="old@example.org")).status_code == 201
    mia = db.session.scalar(sa.select(User).where(User.email == "mia@example.org"))
    old = db.session.scalar(sa.select(User).where(User.email == "old@example.org"))
    assert mia.consent_version == "3" and mia.consent_at is not None
    assert old.consent_version is None and old.consent_at is None


def test_notice_and_imprint_are_linked_in_the_footer_and_configurable(app, client, tmp_path):
    home = client.get("/privacy").get_data(as_text=True)
    assert 'href="/privacy"' in home and 'href="/imprint"' in home
    assert "erased 365 days after" in home  # the built-in notice states how long
    assert "not published an imprint" in client.get("/imprint").get_data(as_text=True)

    (tmp_path / "notice.txt").write_text("Our own notice.\n\nWe keep <nothing> for long.", encoding="utf-8")
    (tmp_path / "imprint.txt").write_text("Business Upper Austria\nHafenstraße 47-51, 4020 Linz", encoding="utf-8")
    app.config.update(PRIVACY_NOTICE_FILE=str(tmp_path / "notice.txt"), IMPRINT_FILE=str(tmp_path / "imprint.txt"),
                      PRIVACY_NOTICE_VERSION="7")
    notice = client.get("/privacy").get_data(as_text=True)
    assert "Our own notice." in notice and "We keep &lt;nothing&gt; for long." in notice and "Version 7" in notice
    assert "Hafenstraße 47-51, 4020 Linz" in client.get("/imprint").get_data(as_text=True)


# --- export ----------------------------------------------------------------------------------

def test_export_holds_every_kind_of_item_with_what_the_person_wrote(items, zofia, api, browser):
    from inducci_events.profiles import services as profiles

    profiles.save_profile(zofia, kind="creative", headline="Ceramics from Silesia", visible=True)
    token = api.token_for(EMAIL)
    response = api.get("/api/v1/me/export", token=token)
    assert response.status_code == 200
    data = response.get_json()
    assert data["account"]["email"] == EMAIL and data["account"]["name"] == NAME

    by_status = {e["status"]: e for e in data["enrolments"]}
    assert by_status["confirmed"]["event"] == "Growth-hacking boot camp"
    assert by_status["confirmed"]["answers"] == [{"question": "Dietary needs", "answer": ANSWER}]
    assert by_status["waitlisted"]["event"] == "Industrial hackathon"
    [booking] = data["space_bookings"]
    assert booking["purpose"] == PURPOSE and booking["status"] == "confirmed"
    assert booking["team"] == [{"name": TEAM, "home_region": "Silesia"}]
    [appointment] = data["appointments"]
    assert appointment["message"] == MESSAGE and appointment["status"] == "confirmed"
    assert "adviser_notes" not in appointment  # the adviser's private notes are not the person's data
    [request] = data["mentoring_requests"]
    assert request["address"] == ADDRESS
    assert {"account_created"} <= {m["kind"] for m in data["emails"]}
    assert data["api_tokens"] and data["api_tokens"][0]["revoked_at"] is None
    assert data["profile"]["profile"]["headline"] == "Ceramics from Silesia"  # the directory's part
    assert data["feedback"] == {"answered": [], "responses": []}

    browser.login(EMAIL)
    page = browser.get("/profile")
    assert 'href="/profile/export.json"' in page.get_data(as_text=True)
    download = browser.get("/profile/export.json")
    assert download.headers["Content-Disposition"] == 'attachment; filename="inducci-my-data.json"'
    assert json.loads(download.data)["enrolments"] == data["enrolments"]
    ics = browser.get("/calendar/mine.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    text = ics.get_data(as_text=True)
    assert "Growth-hacking boot camp" in text and "KRACH shop" in text
    assert "Industrial hackathon" not in text  # waitlisted: nothing to attend yet


# --- deletion --------------------------------------------------------------------------------

def _text_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, (sa.String, sa.Text, sa.JSON)):
                yield table, column


def _traces(*needles):
    """``(table.column, value)`` of every text, varchar or JSON value in the whole database
    that holds one of ``needles`` (case-insensitive)."""
    needles = [n.lower() for n in needles]
    found = []
    for table, column in _text_columns():
        for value in db.session.execute(sa.select(column)).scalars():
            text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
            if text and any(n in text.lower() for n in needles):
                found.append((f"{table.name}.{column.name}", text[:80]))
    return found


def test_deleting_a_confirmed_participant_cancels_promotes_tells_and_erases_every_trace(
        app, items, zofia, api, browser, smtp_server, space_org):  # noqa: F811
    token = api.token_for(EMAIL)
    browser.login(EMAIL)
    assert mail.deliver_pending().sent >= 4  # welcome, confirmations, the organisers' notes about her
    assert _traces(NAME, EMAIL)  # the outbox and the account hold her name and address
    counts = {model: count(model) for model in (Enrolment, SpaceBooking, Appointment, MentoringRequest, User)}
    smtp_server.inbox.messages.clear()

    assert api.delete("/api/v1/me", {"password": "not my password"}, token=token).status_code == 401
    assert db.session.get(User, zofia.id).email == EMAIL
    response = api.delete("/api/v1/me", {"password": PASSWORD}, token=token)
    assert response.status_code == 200 and response.get_json() == {"deleted": True}

    # Her future items are cancelled; the head of the waitlist has her seat.
    assert db.session.get(Enrolment, items["confirmed"].id).status == "cancelled"
    assert db.session.get(Enrolment, items["waitlisted"].id).status == "cancelled"
    assert db.session.get(Enrolment, items["waiting"].id).status == "confirmed"
    assert db.session.get(SpaceBooking, items["booking"].id).status == "cancelled"
    assert db.session.get(Appointment, items["appointment"].id).status == "cancelled"
    assert db.session.get(MentoringRequest, items["request"].id).status == "withdrawn"

    # The usual messages: Walter is promoted, the organisers and the adviser are told; none to her.
    mail.deliver_pending()
    received = {(m["To"].addresses[0].addr_spec, m["Subject"]) for m in smtp_server.inbox.messages}
    workshop_organiser = items["workshop"].organisation_id
    organiser_emails = {u.email for u in db.session.scalars(sa.select(User).join(User.memberships).where(
        sa.text("memberships.organisation_id = :org AND memberships.role = 'organiser'")).params(
        org=workshop_organiser))}
    assert ("walter@example.org", "A seat became free for you: Growth-hacking boot camp") in received
    assert any(to in organiser_emails and subject == "A participant cancelled: Growth-hacking boot camp"
               for to, subject in received)
    assert any(to == space_org.organiser.email for to, _subject in received)
    assert any(to == items["desk"]["adviser_user"].email for to, _subject in received)
    assert not [to for to, _subject in received if to == EMAIL]
    bodies = " ".join(m.get_body(("plain",)).get_content() for m in smtp_server.inbox.messages)
    assert NAME not in bodies and ANSWER not in bodies

    # No name, address or anything she wrote anywhere in the database; the counts remain.
    assert _traces(NAME, EMAIL, "zofia", "wiśniewska", ANSWER, PURPOSE, TEAM, MESSAGE, ADDRESS, NOTES) == []
    assert {model: count(model) for model in counts} == counts
    assert db.session.get(Enrolment, items["confirmed"].id).user_id == zofia.id  # anonymous, still counted

    # Signed out everywhere, the token is dead, and the address can sign up again.
    assert api.get("/api/v1/me", token=token).status_code == 401
    assert browser.get("/profile").status_code == 302
    assert api.post("/api/v1/auth/token", {"email": EMAIL, "password": PASSWORD}).status_code == 401
    again = api.post("/api/v1/users", {"email": EMAIL, "password": PASSWORD, "name": NAME,
                                       "accept_privacy_notice": True})
    assert again.status_code == 201 and again.get_json()["id"] != zofia.id


def test_a_message_about_her_composed_but_not_yet_sent_is_composed_again_without_her_name(
        app, zofia, make_event, smtp_server):  # noqa: F811
    from tests.mail.conftest import compose_all

    event = make_event(requires_approval=True, title="CCI Factory mentorship")
    workshops.enrol(zofia, event.id)
    compose_all()  # as a worker does before sending (a retry would find it composed like this)
    [note] = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "organiser_enrolment_pending")).all()
    assert NAME in note.body_text and note.status == "pending"

    privacy.delete_account(zofia, PASSWORD)
    smtp_server.inbox.messages.clear()
    mail.deliver_pending()
    received = {m["Subject"]: m.get_body(("plain",)).get_content() for m in smtp_server.inbox.messages
                if "CCI Factory" in m["Subject"]}
    assert set(received) == {"Enrolment waiting for your approval: CCI Factory mentorship",
                             "A participant cancelled: CCI Factory mentorship"}
    for body in received.values():
        assert privacy.ERASED_NAME in body and NAME not in body
    assert _traces(NAME, EMAIL) == []


def test_the_profile_deletes_after_a_confirmation_step_with_the_password(items, zofia, browser):
    browser.login(EMAIL)
    page = browser.get("/profile/delete").get_data(as_text=True)
    assert "This cannot be undone" in page
    unticked = browser.submit("/profile/delete", {"password": PASSWORD})
    assert unticked.status_code == 422 and db.session.get(User, zofia.id).deleted_at is None
    wrong = browser.submit("/profile/delete", {"password": "nope nope nope", "understood": "y"})
    assert wrong.status_code == 422 and "The password is wrong." in wrong.get_data(as_text=True)
    assert db.session.get(User, zofia.id).deleted_at is None

    done = browser.submit("/profile/delete", {"password": PASSWORD, "understood": "y"})
    assert done.status_code == 302
    erased = db.session.get(User, zofia.id)
    assert erased.deleted_at is not None and erased.email != EMAIL and erased.name == privacy.ERASED_NAME
    assert browser.get("/profile").status_code == 302  # signed out
    assert db.session.get(Enrolment, items["waiting"].id).status == "confirmed"


# --- retention purge -------------------------------------------------------------------------

def test_purge_leaves_recent_items_alone_and_erases_old_ones(app, items, runner):
    def texts():
        db.session.expire_all()
        return (db.session.get(Enrolment, items["confirmed"].id).answers,
                db.session.get(SpaceBooking, items["booking"].id).purpose,
                db.session.get(Appointment, items["appointment"].id).message,
                db.session.get(Appointment, items["appointment"].id).adviser_notes)

    with unit_of_work():  # the mentoring request was answered with a visit in March 2027
        request = db.session.get(MentoringRequest, items["request"].id)
        request.status, request.proposed_starts_at = "accepted", TUESDAY_14 + timedelta(days=1)
        request.proposed_ends_at = TUESDAY_14 + timedelta(days=1, hours=1)
    before = texts()
    assert before[1:] == (PURPOSE, MESSAGE, NOTES) and ANSWER in before[0].values()

    result = runner.invoke(args=["privacy", "purge"])  # today: everything is recent
    assert result.exit_code == 0 and "enrolments 0, space_bookings 0, appointments 0" in result.output
    # Every item ended by March 2027: half a year later they are still within 365 days.
    assert privacy.purge(now=datetime(2027, 9, 1, tzinfo=timezone.utc))["enrolments"] == 0
    assert texts() == before

    counts = privacy.purge(now=datetime(2028, 6, 1, tzinfo=timezone.utc))
    assert counts["enrolments"] == 1 and counts["space_bookings"] == 1 and counts["appointments"] == 2
    assert texts() == ({}, "", "", "")
    assert db.session.get(MentoringRequest, items["request"].id).address == ""
    assert db.session.get(Enrolment, items["waiting"].id).status == "waitlisted"  # only texts go
    assert privacy.purge(now=datetime(2028, 6, 1, tzinfo=timezone.utc))["enrolments"] == 0


def test_purge_counts_the_retention_from_each_items_own_end(app, items):
    app.config["PRIVACY_RETENTION_DAYS"] = 30
    # Move the boot camp's session a year back: only its answers go.
    with unit_of_work():
        for session in db.session.scalars(sa.select(Session).where(Session.event_id == items["workshop"].id)):
            session.starts_at -= timedelta(days=400)
            session.ends_at -= timedelta(days=400)
    counts = privacy.purge()
    assert counts["enrolments"] == 1 and counts["space_bookings"] == 0 and counts["appointments"] == 0
    assert db.session.get(Enrolment, items["confirmed"].id).answers == {}
    assert db.session.get(SpaceBooking, items["booking"].id).purpose == PURPOSE


# --- organiser CSV exports -------------------------------------------------------------------

def test_csv_exports_hold_only_what_organisers_need(app, items, browser, organiser, space_org):  # noqa: F811
    user, org, _venue = organiser
    browser.login(user.email)
    participants = browser.get(f"/manage/{org.slug}/events/{items['workshop'].id}/participants.csv")
    text = participants.data.decode("utf-8-sig")
    assert NAME in text and ANSWER in text  # the sign-in sheet and the organiser's own question
    assert "@" not in text  # no e-mail addresses: the app tells participants itself

    browser = Browser(app.test_client())
    browser.login(space_org.organiser.email)
    bookings = browser.get(f"/manage/{space_org.org.slug}/spaces/bookings.csv").get_data(as_text=True)
    assert EMAIL in bookings  # a confirmed, coming booking: the organiser hands over the keys

    with unit_of_work():
        db.session.get(SpaceBooking, items["booking"].id).status = "cancelled"
    bookings = browser.get(f"/manage/{space_org.org.slug}/spaces/bookings.csv").get_data(as_text=True)
    assert NAME in bookings and EMAIL not in bookings
