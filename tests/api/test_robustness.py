"""Nothing a client can send makes the API answer 500, and a refused request changes nothing.

One test per class of hostile input (issue 11): ids beyond the database's integer range,
NUL bytes and lone surrogates, dates outside 1900-2200, oversized bodies, deep nesting,
unbounded lists, and lax types that the old parsing let through.
"""
import json

import pytest
import sqlalchemy as sa
from werkzeug.routing import IntegerConverter

from inducci_events.extensions import db
from tests.helpdesk.conftest import make_adviser, make_desk  # noqa: F401
from tests.spaces.conftest import day, make_listing, make_space_org, space_org  # noqa: F401
from tests.workshops.conftest import make_event, organiser  # noqa: F401


def snapshot():
    """Every table's row count and content digest: equal snapshots mean nothing changed."""
    db.session.rollback()
    state = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        state[table.name] = sorted(repr(tuple(r)) for r in rows)
    return state


@pytest.fixture
def world(api, organiser, make_event, make_listing, make_desk, make_user):
    user, org, venue = organiser
    event = make_event()
    listing = make_listing()
    desk = make_desk()
    creative = make_user()
    return dict(org=org, venue=venue, event=event, listing=listing, desk=desk["desk"],
                organiser=api.token_for(user.email), creative=api.token_for(creative.email))


def _event_body(world, **overrides):
    body = {"organisation": world["org"].slug, "title": "Hackathon", "capacity": 5, "status": "published",
            "sessions": [{"title": "48 hours", "starts_at": "2027-10-15T18:00:00+02:00",
                          "ends_at": "2027-10-17T18:00:00+02:00", "venue_id": world["venue"].id}]}
    body.update(overrides)
    return body


def _booking_body(**overrides):
    body = {"start_date": day(10).isoformat(), "end_date": day(15).isoformat(), "purpose": "A pop-up bakery",
            "accept_terms": True}
    body.update(overrides)
    return body


def test_ids_beyond_the_integer_range_are_404(app, api, world):
    converter = app.url_map.converters["int"]
    if not (issubclass(converter, IntegerConverter) and getattr(converter(app.url_map), "max", None)):
        pytest.skip("needs the bounded int URL converter of core.http (issue 11, app-wide part)")
    before = snapshot()
    for huge in (2**31, 2**63, 10**30):
        for method, url, body in [
            ("get", f"/api/v1/events/{huge}", None),
            ("patch", f"/api/v1/events/{huge}", {"capacity": 3}),
            ("post", f"/api/v1/events/{huge}/enrolments", {}),
            ("get", f"/api/v1/spaces/{huge}/availability", None),
            ("post", f"/api/v1/spaces/{huge}/bookings", _booking_body()),
            ("post", f"/api/v1/space-bookings/{huge}/approve", None),
            ("get", f"/api/v1/helpdesks/{huge}/slots", None),
            ("delete", f"/api/v1/appointments/{huge}", None),
            ("put", f"/api/v1/sessions/{huge}/attendance/{huge}", {"present": True}),
        ]:
            response = getattr(api, method)(url, body, token=world["organiser"])
            assert response.status_code == 404, (url, response.get_json())
            assert response.get_json()["error"]["code"] == "not_found"
    assert snapshot() == before


def test_ids_in_bodies_beyond_the_integer_range_are_422(api, world):
    before = snapshot()
    body = _event_body(world)
    body["sessions"][0]["venue_id"] = 2**31
    response = api.post("/api/v1/events", body, token=world["organiser"])
    assert response.status_code == 422 and "sessions.0.venue_id" in response.get_json()["error"]["fields"]
    response = api.post(f"/api/v1/events/{world['event'].id}/enrolments", {"session_id": 10**30},
                        token=world["creative"])
    assert response.status_code == 422 and "session_id" in response.get_json()["error"]["fields"]
    assert snapshot() == before


@pytest.mark.parametrize("bad", ["a\x00b", "\ud800", "x\udfffy"])
def test_nul_bytes_and_lone_surrogates_are_422(api, world, bad):
    before = snapshot()
    # In JSON bodies (json.dumps escapes them as \u0000 and \ud800) ...
    for url, body, field in [
        ("/api/v1/events", _event_body(world, title=bad), "title"),
        ("/api/v1/events", _event_body(world, description=bad), "description"),
        (f"/api/v1/spaces/{world['listing'].id}/bookings", _booking_body(purpose=bad), "purpose"),
        (f"/api/v1/organisations/{world['org'].slug}/venues",
         {"name": bad, "city": "Linz", "country": "AT", "timezone": "Europe/Vienna"}, "name"),
    ]:
        token = world["creative"] if "bookings" in url else world["organiser"]
        response = api.post(url, body, token=token)
        assert response.status_code == 422, (url, response.get_json())
        assert field in response.get_json()["error"]["fields"]
    # ... in answers, and in the API's query arguments.
    response = api.post(f"/api/v1/events/{world['event'].id}/enrolments", {"answers": {"1": bad}},
                        token=world["creative"])
    assert response.status_code == 422
    assert api.post("/api/v1/users", {"email": "x@example.org", "password": "long enough " + bad,
                                      "name": "X"}).status_code == 422
    if "\x00" in bad:
        for url in ("/api/v1/events?organisation=a%00b", "/api/v1/spaces?region=%00", "/api/v1/helpdesks?topic=%00"):
            response = api.get(url)
            assert response.status_code == 422, url
            assert response.get_json()["error"]["code"] == "validation_failed"
    assert api.get("/api/v1/organisations/a%00b/venues").status_code == 404
    assert snapshot() == before


def test_dates_outside_1900_to_2200_are_422(api, world):
    before = snapshot()
    late = _event_body(world)
    late["sessions"][0].update(starts_at="9999-12-31T22:00:00+00:00", ends_at="9999-12-31T23:00:00+00:00")
    early = _event_body(world, registration_opens_at="0001-01-01T00:00:00+00:00")
    edge = _event_body(world)  # 2200-12-31 23:30 at -02:00 is 2201 in UTC
    edge["sessions"][0].update(starts_at="2200-12-31T20:00:00-02:00", ends_at="2200-12-31T23:30:00-02:00")
    for body in (late, early, edge):
        response = api.post("/api/v1/events", body, token=world["organiser"])
        assert response.status_code == 422, response.get_json()
    desk = world["desk"].id
    for url in (f"/api/v1/helpdesks/{desk}/slots?from=9999-12-30&to=9999-12-31",
                f"/api/v1/helpdesks/{desk}/slots?from=0001-01-01", "/api/v1/events?from=1899-12-31",
                "/api/v1/events?to=2201-01-01", f"/api/v1/spaces/{world['listing'].id}/availability?from=9999-01-01"
                "&to=9999-01-02", "/api/v1/events?to=", "/api/v1/events?from=2026-02-30"):
        response = api.get(url)
        assert response.status_code == 422, (url, response.get_json())
        assert response.get_json()["error"]["code"] == "validation_failed"
    booking = _booking_body(start_date="9999-12-30", end_date="9999-12-31")
    assert api.post(f"/api/v1/spaces/{world['listing'].id}/bookings", booking,
                    token=world["creative"]).status_code == 422
    assert snapshot() == before
    # The published event feeds stay readable for everyone.
    assert api.get("/api/v1/events").status_code == 200


def test_bodies_above_the_size_limit_are_413(app, api, world):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    before = snapshot()
    big = _event_body(world, description="x" * 100_000)
    response = api.post("/api/v1/events", big, token=world["organiser"])
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert snapshot() == before


def test_deep_nesting_is_400_and_never_recursion(api, world):
    before = snapshot()
    for depth in (40, 5_000, 200_000):
        body = '{"title": ' + "[" * depth + "]" * depth + "}"
        response = api.post("/api/v1/events", data=body, token=world["organiser"],
                            headers={"Content-Type": "application/json"})
        assert response.status_code == 400, depth
        assert response.get_json()["error"]["code"] == "malformed_json"
    # Brackets inside strings do not count.
    fine = _event_body(world, description="[" * 5_000)
    assert api.post("/api/v1/events", fine, token=world["organiser"]).status_code == 201
    after = snapshot()
    assert len(after["events"]) == len(before["events"]) + 1


def test_lists_in_a_payload_are_bounded(api, world):
    before = snapshot()
    session = _event_body(world)["sessions"][0]
    too_many = [
        ("/api/v1/events", _event_body(world, questions=[{"label": f"Q{i}"} for i in range(51)]), "questions"),
        ("/api/v1/events", _event_body(world, sessions=[session] * 201), "sessions"),
        ("/api/v1/events", _event_body(world, questions=[{"label": "Pick", "kind": "choice",
                                                           "choices": [str(i) for i in range(51)]}]),
         "questions.0.choices"),
        (f"/api/v1/spaces/{world['listing'].id}/bookings",
         _booking_body(team=[{"name": f"P{i}"} for i in range(21)]), "team"),
        ("/api/v1/helpdesks", {"organisation": world["org"].slug, "name": "Desk", "online": True,
                               "topics": ["t"] * 31}, "topics"),
    ]
    for url, body, field in too_many:
        token = world["creative"] if "bookings" in url else world["organiser"]
        response = api.post(url, body, token=token)
        assert response.status_code == 422, (url, field)
        assert field in response.get_json()["error"]["fields"], response.get_json()
    assert snapshot() == before
    # The bounds themselves are fine.
    ok = _event_body(world, questions=[{"label": f"Q{i}"} for i in range(50)])
    assert api.post("/api/v1/events", ok, token=world["organiser"]).status_code == 201


def test_lax_values_are_refused(api, world):
    """What the old parsing accepted: "no" read as true, blank titles, texts cut silently,
    a booking without purpose, unknown fields."""
    before = snapshot()
    cases = [
        ("/api/v1/events", _event_body(world, waitlist="no"), "waitlist"),
        ("/api/v1/events", _event_body(world, capacity="5"), "capacity"),
        ("/api/v1/events", _event_body(world, capacity=5.5), "capacity"),
        ("/api/v1/events", _event_body(world, capacity=True), "capacity"),
        ("/api/v1/events", _event_body(world, title="   "), "title"),
        ("/api/v1/events", _event_body(world, title="x" * 201), "title"),
        ("/api/v1/events", _event_body(world, colour="red"), "colour"),
        ("/api/v1/spaces", {"organisation": world["org"].slug, "venue_id": world["venue"].id, "title": " ",
                            "kind": "shop", "units": 1, "min_days": 1, "max_days": 5,
                            "available_from": day(0).isoformat(), "available_until": day(50).isoformat(),
                            "booking_mode": "request"}, "title"),
        (f"/api/v1/spaces/{world['listing'].id}/bookings", _booking_body(purpose=None), "purpose"),
        (f"/api/v1/spaces/{world['listing'].id}/bookings",
         {k: v for k, v in _booking_body().items() if k != "purpose"}, "purpose"),
        (f"/api/v1/spaces/{world['listing'].id}/bookings", _booking_body(accept_terms="yes"), "accept_terms"),
    ]
    for url, body, field in cases:
        token = world["creative"] if "bookings" in url else world["organiser"]
        response = api.post(url, body, token=token)
        assert response.status_code == 422, (url, body)
        assert field in response.get_json()["error"]["fields"], (field, response.get_json())
    for body in ("[1, 2]", "null", "NaN", '{"title": NaN}', '"text"'):
        response = api.post("/api/v1/events", data=body, token=world["organiser"],
                            headers={"Content-Type": "application/json"})
        assert response.status_code == 400, body
    assert snapshot() == before


def test_the_booking_service_requires_a_purpose_for_pages_and_api_alike(world, make_user):
    from inducci_events.core.errors import ValidationFailed
    from inducci_events.spaces import services

    with pytest.raises(ValidationFailed) as refused:
        services.create_booking(make_user(), world["listing"].id, start_date=day(10), end_date=day(15),
                                purpose="  ", accept_terms=True)
    assert refused.value.code == "purpose_missing"


def test_validation_errors_keep_the_project_format(api, world):
    response = api.post("/api/v1/events", _event_body(world, sessions=[{"title": "", "starts_at": "soon"}]),
                        token=world["organiser"])
    error = response.get_json()["error"]
    assert response.status_code == 422 and error["code"] == "validation_failed" and error["message"]
    assert {"sessions.0.title", "sessions.0.starts_at", "sessions.0.ends_at", "sessions.0.venue_id"} <= set(
        error["fields"])
    assert all(isinstance(m, list) and all(isinstance(s, str) for s in m) for m in error["fields"].values())
    json.dumps(error)
