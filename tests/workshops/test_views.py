"""Event pages through HTTP: what participants and organisers see and what their clicks do."""
import sqlalchemy as sa

from inducci_events.extensions import db
from inducci_events.workshops import services
from inducci_events.workshops.models import Enrolment, Event, Session
from tests.conftest import count


def test_upcoming_list_shows_seats_and_filters_by_region(client, make_event, make_org, make_user):
    event = make_event(title="Growth-hacking boot camp", capacity=3, min_participants=2)
    services.enrol(make_user(), event.id)
    make_event(title="Unpublished idea", status="draft")
    page = client.get("/events").get_data(as_text=True)
    assert "Growth-hacking boot camp" in page and "Unpublished idea" not in page
    assert "2 seats left" in page and "1 more participant needed" in page
    other = make_org(slug="elsewhere")
    assert "Growth-hacking" not in client.get(f"/events?region={other.slug}").get_data(as_text=True)
    assert "Growth-hacking" in client.get(f"/events?region={event.organisation.slug}").get_data(as_text=True)


def test_event_page_shows_local_times_with_the_zone(app, client, make_event):
    from inducci_events.core.timeutil import format_local

    event = make_event()
    session = event.sessions[0]
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    with app.test_request_context():
        vienna, utc = format_local(session.starts_at, "Europe/Vienna"), format_local(session.starts_at, "UTC")
    assert vienna in page and vienna != utc
    assert "Europe/Vienna" in page and "Module 1" in page


def test_drafts_are_not_found_for_participants(client, make_event):
    assert client.get(f"/events/{make_event(status='draft').id}").status_code == 404


def test_participant_enrols_then_sees_status_and_cancels(browser, make_event, make_user):
    event = make_event(capacity=1)
    first, second = make_user(), make_user()
    services.enrol(first, event.id)
    browser.login(second.email)
    response = follow(browser, browser.submit(f"/events/{event.id}/enrol", {}, form_url=f"/events/{event.id}"))
    page = response.get_data(as_text=True)
    assert "you are on the waitlist" in page and "You are number 1 on the waitlist." in page
    mine = browser.get("/my/enrolments").get_data(as_text=True)
    assert event.title in mine and "waitlisted" in mine and "position 1" in mine
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.user_id == second.id))
    response = follow(browser, browser.submit(f"/enrolments/{enrolment.id}/cancel", {}, form_url="/my/enrolments"))
    assert "Your enrolment has been cancelled." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).status == "cancelled"


def test_enrolling_twice_and_in_a_full_event_explains_itself(browser, make_event, make_user):
    event = make_event(capacity=1, waitlist=False)
    user = make_user()
    browser.login(user.email)
    url, form_url = f"/events/{event.id}/enrol", f"/events/{event.id}"
    assert browser.submit(url, {}, form_url=form_url).status_code == 302
    twice = browser.submit(url, {}, form_url="/events")
    assert twice.status_code == 409 and "already enrolled" in twice.get_data(as_text=True)
    browser.client.post("/logout", data={"csrf_token": _csrf(browser, "/events")})
    browser.login(make_user().email)
    full = browser.submit(url, {}, form_url=form_url)
    assert full.status_code == 409 and "All seats are taken" in full.get_data(as_text=True)
    assert count(Enrolment) == 1


def follow(browser, response):
    """The page a redirect leads to (the isolated test client cannot follow redirects itself)."""
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser.get(response.headers["Location"])


def _csrf(browser, url):
    from tests.conftest import csrf_from

    return csrf_from(browser.get(url).get_data(as_text=True))


def test_a_missing_required_answer_is_shown_next_to_the_question(browser, make_event, make_user):
    event = make_event(questions=[dict(kind="yesno", required=True,
                                       label="Founded in the last 5 years or opening a new business line?")])
    browser.login(make_user().email)
    response = browser.submit(f"/events/{event.id}/enrol", {}, form_url=f"/events/{event.id}")
    assert response.status_code == 422
    assert "This question needs an answer." in response.get_data(as_text=True)
    assert count(Enrolment) == 0
    question = event.questions[0]
    ok = browser.submit(f"/events/{event.id}/enrol", {question.field_name: "yes"}, form_url=f"/events/{event.id}")
    assert ok.status_code == 302
    assert db.session.scalar(sa.select(Enrolment.answers)) == {str(question.id): "yes"}


def test_organiser_creates_an_event_with_a_session_in_the_venues_zone(browser, organiser):
    user, org, venue = organiser
    browser.login(user.email)
    response = browser.submit(f"/manage/{org.slug}/events/new", {
        "title": "CCI Factory – trajectory 1", "status": "published", "enrolment_mode": "series",
        "capacity": "5", "min_participants": "3", "waitlist": "y", "facilitators": "Experienced mentor"})
    assert response.status_code == 302
    event = db.session.scalar(sa.select(Event))
    response = browser.submit(f"/manage/{org.slug}/events/{event.id}/sessions/new", {
        "title": "Workshop 1", "module_label": "Workshop 1", "venue_id": str(venue.id),
        "starts_at": "2026-03-28T09:00", "ends_at": "2026-03-28T13:00", "notes": "Bring your portfolio"})
    assert response.status_code == 302
    session = db.session.scalar(sa.select(Session))
    # 09:00 in Vienna is 08:00 UTC in March (CET), 07:00 UTC after the clocks change.
    assert session.starts_at.isoformat() == "2026-03-28T08:00:00+00:00"
    page = browser.get(f"/manage/{org.slug}/events/{event.id}").get_data(as_text=True)
    assert "Workshop 1" in page and "3 more participants needed" in page


def test_bad_session_times_re_render_the_form(browser, organiser, make_event):
    user, org, venue = organiser
    event = make_event()
    browser.login(user.email)
    response = browser.submit(f"/manage/{org.slug}/events/{event.id}/sessions/new", {
        "title": "Backwards", "venue_id": str(venue.id), "starts_at": "2026-03-28T13:00",
        "ends_at": "2026-03-28T09:00"})
    assert response.status_code == 422 and "The end must be after the start." in response.get_data(as_text=True)
    assert count(Session) == 1


def test_organiser_approves_checks_in_and_exports(browser, organiser, make_event, make_user):
    user, org, _venue = organiser
    event = make_event(requires_approval=True, sessions=2,
                       questions=[dict(kind="text", label="Company")])
    participant = make_user(name="Jonas Berger")
    enrolment = services.enrol(participant, event.id, answers={str(event.questions[0].id): "Berger Design"})
    browser.login(user.email)
    manage = f"/manage/{org.slug}/events/{event.id}"
    page = browser.get(manage).get_data(as_text=True)
    assert "Jonas Berger" in page and "Berger Design" in page and "awaiting approval" in page
    response = follow(browser, browser.submit(f"{manage}/enrolments/{enrolment.id}/approve", {}, form_url=manage))
    assert "The enrolment has been approved." in response.get_data(as_text=True)
    session_id = event.sessions[0].id
    check_in = f"{manage}/sessions/{session_id}/attendance/{enrolment.id}"
    response = follow(browser, browser.submit(check_in, {}, form_url=manage))
    assert "1 of 2" in response.get_data(as_text=True)
    csv = browser.get(f"{manage}/participants.csv")
    assert csv.mimetype == "text/csv" and csv.data.startswith(b"\xef\xbb\xbf")
    text = csv.data.decode("utf-8-sig")
    assert '"Jonas Berger"' in text and '"Berger Design"' in text and '"confirmed"' in text


def test_organiser_of_another_organisation_gets_403_and_changes_nothing(browser, make_event, make_organiser):
    event = make_event(capacity=5)
    stranger, own = make_organiser()
    browser.login(stranger.email)
    org_slug = event.organisation.slug
    assert browser.get(f"/manage/{org_slug}/events/{event.id}").status_code == 403
    response = browser.submit(f"/manage/{org_slug}/events/{event.id}/edit",
                              {"title": "Mine", "status": "cancelled", "enrolment_mode": "series", "capacity": "1"},
                              form_url=f"/manage/{own.slug}/events/new")
    assert response.status_code == 403
    # Under their own organisation the event does not exist.
    assert browser.get(f"/manage/{own.slug}/events/{event.id}").status_code == 404
    db.session.expire_all()
    fresh = db.session.get(Event, event.id)
    assert (fresh.title, fresh.status, fresh.capacity) == ("Growth-hacking boot camp", "published", 5)


def test_organiser_list_shows_minimum_numbers(browser, organiser, make_event, make_user):
    event = make_event(min_participants=1, title="Living Lab")
    services.enrol(make_user(), event.id)
    make_event(min_participants=8, title="Hackathon")
    browser.login(organiser[0].email)
    page = browser.get(f"/manage/{organiser[1].slug}/events").get_data(as_text=True)
    assert "Will take place" in page and "8 more participants needed" in page


def test_pages_and_refusals_speak_german(browser, make_event, make_user):
    event = make_event(capacity=1, waitlist=False)
    services.enrol(make_user(), event.id)
    assert "Kommende Veranstaltungen" in browser.get("/events", headers={"Accept-Language": "de"}).get_data(
        as_text=True)
    browser.login(make_user(locale="de").email)
    full = browser.submit(f"/events/{event.id}/enrol", {}, form_url=f"/events/{event.id}")
    assert "Alle Plätze sind vergeben" in full.get_data(as_text=True)


def test_per_session_enrolment_through_the_page(browser, make_event, make_user):
    event = make_event(enrolment_mode="session", capacity=15, sessions=2, title="Co-working workshops",
                       questions=[dict(kind="choice", label="Your field", choices="Design\nCrafts", required=True)])
    first, second = event.sessions
    question = event.questions[0]
    browser.login(make_user().email)
    page = browser.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Enrol in a session" in page and "Your field" in page and page.count("15 seats left") == 2
    response = browser.submit(f"/events/{event.id}/enrol",
                              {"session_id": str(second.id), question.field_name: "Crafts"},
                              form_url=f"/events/{event.id}")
    assert response.status_code == 302
    enrolment = db.session.scalar(sa.select(Enrolment))
    assert (enrolment.session_id, enrolment.status) == (second.id, "confirmed")
    page = browser.get(f"/events/{event.id}").get_data(as_text=True)
    assert "14 seats left" in page and "15 seats left" in page
