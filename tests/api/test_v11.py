"""The v1.1 additions of shared/API.md: pagination, the caller's own items, organiser
decisions and check-in over the API, the space-requests inbox."""
import json
from datetime import date, time, timedelta

from inducci_events.extensions import db
from inducci_events.workshops.models import Attendance, Enrolment
from tests.conftest import count
from tests.helpdesk.conftest import make_adviser, make_desk  # noqa: F401
from tests.spaces.conftest import book, make_listing, make_space_org, space_org  # noqa: F401
from tests.workshops.conftest import make_event, organiser  # noqa: F401


def test_growing_lists_are_paginated_with_x_pagination(api, make_event):
    for i in range(5):
        make_event(title=f"Workshop {i}", start_in_days=10 + i)
    first = api.get("/api/v1/events?per_page=2")
    assert first.status_code == 200
    assert [e["title"] for e in first.get_json()] == ["Workshop 0", "Workshop 1"]
    assert json.loads(first.headers["X-Pagination"]) == {"total": 5, "page": 1, "per_page": 2, "total_pages": 3}
    last = api.get("/api/v1/events?per_page=2&page=3")
    assert [e["title"] for e in last.get_json()] == ["Workshop 4"]
    beyond = api.get("/api/v1/events?per_page=2&page=9")
    assert beyond.get_json() == [] and json.loads(beyond.headers["X-Pagination"])["total"] == 5
    default = api.get("/api/v1/events")
    assert json.loads(default.headers["X-Pagination"])["per_page"] == 50 and len(default.get_json()) == 5
    for bad in ("per_page=201", "per_page=0", "page=0", "page=x", "per_page=1.5"):
        response = api.get(f"/api/v1/events?{bad}")
        assert response.status_code == 422, bad
        assert response.get_json()["error"]["code"] == "validation_failed"
    assert "X-Pagination" in api.get("/api/v1/spaces").headers


def test_my_enrolments_upcoming_first_and_the_history(api, make_event, make_user):
    from inducci_events.workshops import services

    soon, later = make_event(title="Soon", start_in_days=5), make_event(title="Later", start_in_days=40)
    over = make_event(title="Over", start_in_days=-10)
    person = make_user()
    for event in (later, soon):
        services.enrol(person, event.id)
    db.session.add(Enrolment(event_id=over.id, user_id=person.id, status="confirmed"))
    db.session.commit()
    token = api.token_for(person.email)
    upcoming = api.get("/api/v1/me/enrolments", token=token)
    assert upcoming.status_code == 200
    assert [(e["event_title"], e["status"], e["can_cancel"]) for e in upcoming.get_json()] == [
        ("Soon", "confirmed", True), ("Later", "confirmed", True)]
    assert upcoming.get_json()[0]["starts_at"].endswith("+01:00") or upcoming.get_json()[0]["starts_at"].endswith(
        "+02:00")  # Vienna
    past = api.get("/api/v1/me/enrolments?past=true", token=token).get_json()
    assert [e["event_title"] for e in past] == ["Over"]
    assert api.get("/api/v1/me/enrolments?past=maybe", token=token).status_code == 422
    assert api.get("/api/v1/me/enrolments").status_code == 401


def test_organisers_approve_decline_and_check_in_over_the_api(api, organiser, make_event, make_user):
    user, _org, _venue = organiser
    event = make_event(requires_approval=True, capacity=1, start_in_days=5)
    people = [make_user() for _ in range(3)]
    tokens = [api.token_for(p.email) for p in people]
    ids = [api.post(f"/api/v1/events/{event.id}/enrolments", {}, token=t).get_json()["id"] for t in tokens]
    assert {e.status for e in db.session.query(Enrolment)} == {"pending"}
    boss = api.token_for(user.email)

    assert api.post(f"/api/v1/enrolments/{ids[0]}/approve", token=tokens[1]).status_code == 403
    approved = api.post(f"/api/v1/enrolments/{ids[0]}/approve", token=boss)
    assert approved.status_code == 200 and approved.get_json()["status"] == "confirmed"
    waitlisted = api.post(f"/api/v1/enrolments/{ids[1]}/approve", token=boss)
    assert waitlisted.get_json()["status"] == "waitlisted"  # the one seat is taken
    again = api.post(f"/api/v1/enrolments/{ids[0]}/approve", token=boss)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "enrolment_not_pending"
    declined = api.post(f"/api/v1/enrolments/{ids[2]}/decline", {"reason": "The group is full of bakers."},
                        token=boss)
    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"
    mine = api.get("/api/v1/me/enrolments?past=false", token=tokens[2]).get_json() + api.get(
        "/api/v1/me/enrolments?past=true", token=tokens[2]).get_json()
    assert [(e["status"], e["decline_reason"]) for e in mine] == [("declined", "The group is full of bakers.")]
    assert api.post(f"/api/v1/enrolments/{ids[2]}/decline", {"reason": 7}, token=boss).status_code == 422

    session_id = event.sessions[0].id
    url = f"/api/v1/sessions/{session_id}/attendance/{ids[0]}"
    present = api.put(url, {"present": True}, token=boss)
    assert present.status_code == 200 and present.get_json() == {
        "session_id": session_id, "enrolment_id": ids[0], "present": True}
    assert api.put(url, {"present": True}, token=boss).status_code == 200  # idempotent
    assert count(Attendance) == 1
    assert api.put(url, {"present": "yes"}, token=boss).status_code == 422
    not_confirmed = api.put(f"/api/v1/sessions/{session_id}/attendance/{ids[1]}", {"present": True}, token=boss)
    assert not_confirmed.status_code == 409 and not_confirmed.get_json()["error"]["code"] == "not_attending"
    assert api.put(url, {"present": False}, token=tokens[0]).status_code == 403
    participants = api.get(f"/api/v1/events/{event.id}/enrolments", token=boss).get_json()
    assert [(p["status"], p["attendance_count"]) for p in participants] == [
        ("confirmed", 1), ("waitlisted", 0), ("declined", 0)]
    assert api.put(url, {"present": False}, token=boss).get_json()["present"] is False
    assert count(Attendance) == 0


def test_the_space_requests_inbox_and_my_bookings(api, space_org, make_space_org, make_listing, make_user):
    shop = make_listing(title="The shop")
    creative = make_user()
    early, late = book(creative, shop, 20, 3), book(creative, shop, 10, 3)
    instant = make_listing(title="The shelf", booking_mode="instant", units=3)
    confirmed = book(make_user(), instant, 5, 3)
    organiser = api.token_for(space_org.organiser.email)
    url = f"/api/v1/organisations/{space_org.org.slug}/space-bookings"

    inbox = api.get(url + "?status=requested", token=organiser)
    assert inbox.status_code == 200
    assert [b["id"] for b in inbox.get_json()] == [late.id, early.id]  # soonest first
    assert inbox.get_json()[0]["listing_title"] == "The shop" and inbox.get_json()[0]["creative"] == creative.name
    assert json.loads(inbox.headers["X-Pagination"])["total"] == 2
    assert [b["id"] for b in api.get(url + "?status=confirmed", token=organiser).get_json()] == [confirmed.id]
    assert len(api.get(url, token=organiser).get_json()) == 3
    assert api.get(url + "?status=maybe", token=organiser).status_code == 422
    stranger = api.token_for(make_space_org().organiser.email)
    assert api.get(url, token=stranger).status_code == 403
    assert api.get("/api/v1/organisations/nowhere/space-bookings", token=organiser).status_code == 404

    mine = api.get("/api/v1/me/space-bookings", token=api.token_for(creative.email))
    assert [b["id"] for b in mine.get_json()] == [late.id, early.id]
    assert api.get("/api/v1/me/space-bookings?past=true", token=api.token_for(creative.email)).get_json() == []


def test_my_appointments_and_the_meeting_link_rule(api, make_desk, make_user):
    from inducci_events.helpdesk import queries
    from inducci_events.helpdesk.models import Appointment

    made = make_desk(rule=dict(weekdays=list(range(7)), start_time=time(9), end_time=time(17),
                               valid_from=date.today() - timedelta(days=1), mode="online"))
    person = make_user()
    first = date.today() + timedelta(days=2)
    slots = api.get(f"/api/v1/helpdesks/{made['desk'].id}/slots?from={first}&to={first}").get_json()
    token = api.token_for(person.email)
    for slot in slots[:2]:
        created = api.post(f"/api/v1/helpdesks/{made['desk'].id}/appointments",
                           {"adviser_id": slot["adviser_id"], "starts_at": slot["starts_at"], "topic": "legal"},
                           token=token)
        assert created.status_code == 201
    mine = api.get("/api/v1/me/appointments", token=token).get_json()
    assert [a["starts_at"] for a in mine] == [s["starts_at"] for s in slots[:2]]
    assert {a["meeting_link"] for a in mine} == {"https://meet.example.org/padova"}
    cancelled = api.delete(f"/api/v1/appointments/{mine[1]['id']}", token=token).get_json()
    assert cancelled["status"] == "cancelled" and cancelled["meeting_link"] is None
    # One rule for the page and the API: the booked person, online, confirmed, not started.
    booked = db.session.get(Appointment, mine[0]["id"])
    assert queries.meeting_link_for(booked, person) == "https://meet.example.org/padova"
    assert queries.meeting_link_for(booked, made["adviser_user"]) is None
    assert queries.meeting_link_for(booked, person, now=booked.starts_at + timedelta(minutes=1)) is None
    assert api.get("/api/v1/me/appointments?past=true", token=token).get_json() == []


def test_slots_default_to_the_desks_today(api, make_desk):
    """``from`` defaults to today in the desk's zone, not in UTC."""
    from inducci_events.core.db import utcnow
    from inducci_events.helpdesk import queries

    made = make_desk(timezone_name="Pacific/Kiritimati", rule=dict(
        weekdays=list(range(7)), start_time=time(9), end_time=time(17), valid_from=date.today() - timedelta(days=2)))
    desk = made["desk"]
    local_today = queries.local_today(desk)
    assert local_today == utcnow().astimezone(__import__("zoneinfo").ZoneInfo("Pacific/Kiritimati")).date()
    slots = api.get(f"/api/v1/helpdesks/{desk.id}/slots").get_json()
    assert slots and all(s["starts_at"] >= f"{local_today.isoformat()}T" for s in slots)
    too_long = api.get(f"/api/v1/helpdesks/{desk.id}/slots?from={local_today}&to={local_today + timedelta(days=63)}")
    assert too_long.status_code == 422 and "to" in too_long.get_json()["error"]["fields"]
