"""Degrade, don't fail: a database that goes away answers 503 (with ``Retry-After``), never
a half-written booking, and the pool recovers without a restart."""
import contextlib
import threading

import pytest
import sqlalchemy as sa
from flask import has_request_context
from sqlalchemy.orm import Session

from inducci_events.extensions import db
from inducci_events.spaces.models import SpaceBooking
from inducci_events.workshops.models import Enrolment, Event
from tests.conftest import Browser, count, csrf_from
from tests.spaces.conftest import day, make_listing, make_space_org, space_org  # noqa: F401
from tests.workshops.conftest import make_event, organiser  # noqa: F401


@pytest.fixture
def outage(app):
    """``with outage.after_commit():`` once a unit of work has committed inside a request,
    every statement of that request fails as when the server has gone away;
    ``outage.now()`` from the first statement on."""

    class Outage:
        armed = None  # None, "after_commit" or "now"
        gone = False

        @contextlib.contextmanager
        def _arm(self, mode):
            self.armed, self.gone = mode, mode == "now"
            try:
                yield
            finally:
                self.armed, self.gone = None, False

        def after_commit(self):
            return self._arm("after_commit")

        def now(self):
            return self._arm("now")

    state = Outage()

    def on_commit(session):
        if state.armed and has_request_context() and session.info.get("unit_of_work"):
            state.gone = True

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        if state.gone and has_request_context():
            raise sa.exc.OperationalError(statement, parameters, ConnectionError("server closed the connection"))

    sa.event.listen(Session, "after_commit", on_commit)
    sa.event.listen(db.engine, "before_cursor_execute", on_execute)
    yield state
    sa.event.remove(Session, "after_commit", on_commit)
    sa.event.remove(db.engine, "before_cursor_execute", on_execute)


def _token(browser, url):
    return csrf_from(browser.get(url).get_data(as_text=True))


def test_an_enrolment_saved_just_before_the_database_goes_away_is_reported_as_saved(
        client, make_event, make_user, outage):
    event = make_event()
    browser = Browser(client)
    browser.login(make_user().email)
    token = _token(browser, f"/events/{event.id}")
    with outage.after_commit():
        response = client.post(f"/events/{event.id}/enrol", data={"csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert count(Enrolment) == 1
    assert "You are enrolled" in browser.get(response.location).get_data(as_text=True)


def test_space_booking_pages_report_what_was_saved_without_reading_it_again(
        client, make_listing, make_user, outage):
    listing = make_listing(booking_mode="instant")
    browser = Browser(client)
    person = make_user()
    browser.login(person.email)
    token = _token(browser, f"/spaces/{listing.id}/book")
    with outage.after_commit():
        booked = client.post(f"/spaces/{listing.id}/book", data={
            "csrf_token": token, "start_date": day(10).isoformat(), "last_day": day(12).isoformat(), "units": "1",
            "purpose": "Repair café", "accept_terms": "y"})
    assert booked.status_code == 302, booked.get_data(as_text=True)
    assert "Booked: the space is yours" in browser.get(booked.location).get_data(as_text=True)
    booking = db.session.scalars(sa.select(SpaceBooking)).one()
    with outage.after_commit():
        cancelled = client.post(f"/spaces/bookings/{booking.id}/cancel", data={"csrf_token": token})
    assert cancelled.status_code == 302
    assert "has been cancelled" in browser.get(cancelled.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SpaceBooking, booking.id).status == "cancelled"


def test_an_organiser_approving_and_creating_sees_what_was_saved(client, make_listing, make_user, space_org,
                                                                 organiser, outage):
    from inducci_events.spaces import services

    listing = make_listing()
    booking = services.create_booking(make_user(), listing.id, start_date=day(10), end_date=day(12),
                                      purpose="Pop-up", accept_terms=True)
    browser = Browser(client)
    browser.login(space_org.organiser.email)
    slug = space_org.org.slug
    token = _token(browser, f"/manage/{slug}/spaces/inbox")
    with outage.after_commit():
        approved = client.post(f"/manage/{slug}/spaces/requests/{booking.id}/approve", data={"csrf_token": token})
    assert approved.status_code == 302
    assert "Approved:" in browser.get(approved.location).get_data(as_text=True)
    browser.client.post("/logout", data={"csrf_token": token})
    user, org, venue = organiser
    browser.login(user.email)
    token = _token(browser, f"/manage/{org.slug}/events/new")
    with outage.after_commit():
        created = client.post(f"/manage/{org.slug}/events/new", data={
            "csrf_token": token, "title": "Hackathon", "status": "draft", "enrolment_mode": "series",
            "capacity": "20", "waitlist": "y"})
    assert created.status_code == 302, created.get_data(as_text=True)
    event = db.session.scalars(sa.select(Event).where(Event.title == "Hackathon")).one()
    assert created.location.endswith(f"/manage/{org.slug}/events/{event.id}")


def test_a_database_error_during_a_request_is_503_with_retry_after_and_changes_nothing(
        client, make_event, make_user, outage):
    event = make_event()
    browser = Browser(client)
    browser.login(make_user().email)
    token = _token(browser, f"/events/{event.id}")
    with outage.now():
        page = client.post(f"/events/{event.id}/enrol", data={"csrf_token": token})
        api = client.get("/api/v1/events")
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "Try again in a few seconds" in page.get_data(as_text=True)
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert api.get_json()["error"]["code"] == "service_unavailable"
    assert count(Enrolment) == 0
    assert client.get(f"/events/{event.id}").status_code == 200  # and the next request works


def _kill_other_connections(database_url):
    other = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    with other.connect() as conn:
        killed = conn.execute(sa.text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    other.dispose()
    return killed


@pytest.mark.postgres_only
def test_after_every_connection_is_killed_the_next_requests_succeed(app, client, make_event, database_url):
    url = f"/events/{make_event().id}"
    for _ in range(3):
        assert client.get(url).status_code == 200
    db.session.close()
    assert _kill_other_connections(database_url) >= 1
    for _ in range(5):
        assert client.get(url).status_code == 200
        assert client.get("/api/v1/health").get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.postgres_only
def test_a_connection_killed_mid_transaction_answers_503_and_writes_nothing(
        app, client, make_event, make_user, database_url):
    """The server ends the enrolment's connection after its INSERT, before the COMMIT."""
    url = f"/events/{make_event().id}"
    browser = Browser(client)
    browser.login(make_user().email)
    token = _token(browser, url)
    db.session.close()

    def kill_after_insert(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO enrolments") and has_request_context():
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            threading.Thread(target=_kill, args=(database_url, pid)).start()
            threading.Event().wait(0.5)

    sa.event.listen(db.engine, "after_cursor_execute", kill_after_insert)
    try:
        response = client.post(f"{url}/enrol", data={"csrf_token": token})
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", kill_after_insert)
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "5"
    assert count(Enrolment) == 0
    again = client.post(f"{url}/enrol", data={"csrf_token": token})
    assert again.status_code == 302
    assert count(Enrolment) == 1


def _kill(database_url, pid):
    other = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    with other.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()
