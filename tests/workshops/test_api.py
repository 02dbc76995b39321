"""The events part of the JSON API: shapes, status codes and error codes of shared/API.md."""
import sqlalchemy as sa

from inducci_events.extensions import db
from inducci_events.workshops.models import Enrolment, Event
from tests.conftest import count


def _event_body(org, venue, **overrides):
    body = {"organisation": org.slug, "title": "Industrial Hackathon", "capacity": 2, "min_participants": 1,
            "enrolment_mode": "series", "waitlist": True, "requires_approval": False, "status": "published",
            "sessions": [{"title": "48 hours", "starts_at": "2027-10-15T18:00:00+02:00",
                          "ends_at": "2027-10-17T18:00:00+02:00", "venue_id": venue.id}],
            "questions": [{"label": "Team or solo?", "kind": "choice", "choices": ["Team", "Solo"],
                           "required": True}]}
    body.update(overrides)
    return body


def test_organiser_creates_an_event_and_participants_enrol(api, organiser, make_user):
    user, org, venue = organiser
    token = api.token_for(user.email)
    created = api.post("/api/v1/events", _event_body(org, venue), token=token)
    assert created.status_code == 201, created.get_json()
    event = created.get_json()
    assert event["sessions"][0]["starts_at"] == "2027-10-15T18:00:00+02:00"  # Vienna local time
    assert (event["seats_left"], event["waitlist_count"], event["status"]) == (2, 0, "published")
    question = event["questions"][0]["id"]

    tokens = [api.token_for(make_user().email) for _ in range(3)]
    url = f"/api/v1/events/{event['id']}/enrolments"
    missing = api.post(url, {}, token=tokens[0])
    assert missing.status_code == 422 and f"q_{question}" in missing.get_json()["error"]["fields"]
    statuses = [api.post(url, {"answers": {str(question): "Team"}}, token=t) for t in tokens]
    assert [r.status_code for r in statuses] == [201, 201, 201]
    assert [r.get_json()["status"] for r in statuses] == ["confirmed", "confirmed", "waitlisted"]
    again = api.post(url, {"answers": {str(question): "Team"}}, token=tokens[0])
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_enrolled"

    listed = api.get("/api/v1/events").get_json()
    assert [(e["title"], e["confirmed_count"], e["waitlist_count"], e["seats_left"]) for e in listed] == [
        ("Industrial Hackathon", 2, 1, 0)]

    cancelled = api.delete(f"/api/v1/enrolments/{statuses[0].get_json()['id']}", token=tokens[0])
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    participants = api.get(url, token=token).get_json()
    assert sorted(p["status"] for p in participants) == ["cancelled", "confirmed", "confirmed"]
    assert participants[0]["answers"] == {str(question): "Team"}


def test_full_without_waitlist_and_closed_registration_are_409(api, make_event, make_user):
    from datetime import timedelta

    from inducci_events.core.db import utcnow

    full = make_event(capacity=1, waitlist=False)
    closed = make_event(registration_closes_at=utcnow() - timedelta(minutes=1))
    tokens = [api.token_for(make_user().email) for _ in range(2)]
    api.post(f"/api/v1/events/{full.id}/enrolments", {}, token=tokens[0])
    refused = api.post(f"/api/v1/events/{full.id}/enrolments", {}, token=tokens[1])
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "full"
    late = api.post(f"/api/v1/events/{closed.id}/enrolments", {}, token=tokens[1])
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "registration_closed"
    assert count(Enrolment) == 1


def test_patch_capacity_promotes_and_cancelling_cancels_everyone(api, organiser, make_event, make_user):
    event = make_event(capacity=1)
    tokens = [api.token_for(make_user().email) for _ in range(2)]
    for t in tokens:
        api.post(f"/api/v1/events/{event.id}/enrolments", {}, token=t)
    token = api.token_for(organiser[0].email)
    raised = api.patch(f"/api/v1/events/{event.id}", {"capacity": 2}, token=token)
    assert raised.status_code == 200
    assert (raised.get_json()["confirmed_count"], raised.get_json()["waitlist_count"]) == (2, 0)
    lowered = api.patch(f"/api/v1/events/{event.id}", {"capacity": 1}, token=token)
    assert lowered.status_code == 422 and lowered.get_json()["error"]["code"] == "capacity_below_confirmed"
    cancelled = api.patch(f"/api/v1/events/{event.id}", {"status": "cancelled"}, token=token)
    assert cancelled.get_json()["status"] == "cancelled"
    assert set(db.session.scalars(sa.select(Enrolment.status))) == {"cancelled"}


def test_bad_input_is_4xx_and_changes_nothing(api, organiser, make_event, make_organiser):
    user, org, venue = organiser
    token = api.token_for(user.email)
    assert api.post("/api/v1/events", data="{not json", token=token,
                    headers={"Content-Type": "application/json"}).status_code == 400
    naive = _event_body(org, venue)
    naive["sessions"][0]["starts_at"] = "2027-10-15T18:00:00"
    response = api.post("/api/v1/events", naive, token=token)
    assert response.status_code == 422 and "sessions.0.starts_at" in response.get_json()["error"]["fields"]
    assert api.post("/api/v1/events", _event_body(org, venue, capacity=0), token=token).status_code == 422
    assert count(Event) == 0

    event = make_event()
    stranger, _other = make_organiser()
    stranger_token = api.token_for(stranger.email)
    assert api.patch(f"/api/v1/events/{event.id}", {"capacity": 99}, token=stranger_token).status_code == 403
    assert api.get(f"/api/v1/events/{event.id}/enrolments", token=stranger_token).status_code == 403
    assert api.post("/api/v1/events", _event_body(org, venue), token=stranger_token).status_code == 403
    assert api.post(f"/api/v1/events/{event.id}/enrolments", {}).status_code == 401
    assert api.get("/api/v1/events/999999").get_json()["error"]["code"] == "event_not_found"
    db.session.expire_all()
    assert db.session.get(Event, event.id).capacity == 10 and count(Event) == 1
