"""The spaces part of the JSON API: shapes, status codes and error codes from shared/API.md."""
from inducci_events.extensions import db
from inducci_events.spaces.models import SpaceBooking, SpaceListing
from tests.conftest import count
from tests.spaces.conftest import book, day


def _body(start, length, **extra):
    data = {"start_date": day(start).isoformat(), "end_date": day(start + length).isoformat(),
            "purpose": "A pop-up bakery for one week", "accept_terms": True}
    data.update(extra)
    return data


def test_organisers_create_listings_for_their_own_organisation_only(api, space_org, make_space_org):
    token = api.token_for(space_org.organiser.email)
    body = {"organisation": space_org.org.slug, "venue_id": space_org.venue.id, "title": "The Box",
            "kind": "box", "units": 1, "min_days": 3, "max_days": 30, "available_from": day(0).isoformat(),
            "available_until": day(90).isoformat(), "booking_mode": "instant"}
    response = api.post("/api/v1/spaces", body, token=token)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["status"] == "published" and created["venue"] == "KRACH shop" and created["units"] == 1
    assert api.get("/api/v1/spaces").get_json()[0]["id"] == created["id"]

    stranger = make_space_org()
    other = api.post("/api/v1/spaces", dict(body, title="Not mine"), token=api.token_for(stranger.organiser.email))
    assert other.status_code == 403 and other.get_json()["error"]["code"] == "not_organiser"
    bad = api.post("/api/v1/spaces", dict(body, max_days=1, units=0), token=token)
    assert bad.status_code == 422 and "units" in bad.get_json()["error"]["fields"]
    wrong_order = api.post("/api/v1/spaces", dict(body, min_days=5, max_days=2), token=token)
    assert wrong_order.status_code == 422 and "max_days" in wrong_order.get_json()["error"]["fields"]
    assert api.post("/api/v1/spaces", body).status_code == 401
    assert count(SpaceListing) == 1


def test_book_approve_and_availability(api, space_org, make_listing, make_user):
    shop = make_listing()
    creative = make_user()
    token = api.token_for(creative.email)
    response = api.post(f"/api/v1/spaces/{shop.id}/bookings",
                        _body(10, 5, team=[{"name": "Jan Novák", "home_region": "Sokolov"}]), token=token)
    assert response.status_code == 201, response.get_json()
    booking = response.get_json()
    assert booking["status"] == "requested" and booking["team"] == [{"name": "Jan Novák", "home_region": "Sokolov"}]
    url = f"/api/v1/spaces/{shop.id}/availability?from={day(9).isoformat()}&to={day(16).isoformat()}"
    assert [d["free_units"] for d in api.get(url).get_json()] == [1] * 7  # a request holds nothing

    organiser = api.token_for(space_org.organiser.email)
    approved = api.post(f"/api/v1/space-bookings/{booking['id']}/approve", token=organiser)
    assert approved.status_code == 200 and approved.get_json()["status"] == "confirmed"
    days = api.get(url).get_json()
    assert [d["date"] for d in days] == [day(i).isoformat() for i in range(9, 16)]
    assert [d["free_units"] for d in days] == [1, 0, 0, 0, 0, 0, 1]

    full = api.post(f"/api/v1/spaces/{shop.id}/bookings", _body(12, 3), token=api.token_for(make_user().email))
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "no_capacity"
    free = api.get(f"/api/v1/spaces?from={day(11).isoformat()}&to={day(13).isoformat()}").get_json()
    assert free == []
    assert [x["id"] for x in api.get(f"/api/v1/spaces?from={day(15).isoformat()}&to={day(18).isoformat()}")
            .get_json()] == [shop.id]


def test_instant_booking_is_confirmed_and_cancel_frees_it(api, make_listing, creative):
    showroom = make_listing(booking_mode="instant", units=15, kind="showroom_shelf")
    token = api.token_for(creative.email)
    response = api.post(f"/api/v1/spaces/{showroom.id}/bookings", _body(10, 7, units=2), token=token)
    assert response.status_code == 201 and response.get_json()["status"] == "confirmed"
    booking_id = response.get_json()["id"]
    url = f"/api/v1/spaces/{showroom.id}/availability?from={day(10).isoformat()}&to={day(11).isoformat()}"
    assert api.get(url).get_json() == [{"date": day(10).isoformat(), "free_units": 13, "closed": False}]
    cancelled = api.delete(f"/api/v1/space-bookings/{booking_id}", token=token)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert api.get(url).get_json()[0]["free_units"] == 15
    again = api.delete(f"/api/v1/space-bookings/{booking_id}", token=token)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "not_cancellable"


def test_bad_booking_input_gives_422_with_a_code_and_nothing_changes(api, make_listing, creative):
    shop = make_listing(lead_days=3, blackouts=f"{day(30).isoformat()} Festival")
    token = api.token_for(creative.email)
    cases = [
        (_body(10, 0), "invalid_range"), (_body(10, -2), "invalid_range"), (_body(198, 5), "outside_window"),
        (_body(28, 5), "blackout"), (_body(10, 1), "too_short"), (_body(10, 50), "too_long"),
        (_body(10, 5, units=2), "too_many_units"), (_body(-2, 5), "start_in_past"),
        (_body(1, 5), "inside_lead_time"), (_body(10, 5, accept_terms=False), "terms_not_accepted"),
        ({**_body(10, 5), "start_date": "tomorrow"}, "validation_failed"),
        (_body(10, 5, team="everyone"), "validation_failed"),
    ]
    for body, code in cases:
        response = api.post(f"/api/v1/spaces/{shop.id}/bookings", body, token=token)
        assert response.status_code == 422, (code, response.get_json())
        error = response.get_json()["error"]
        assert error["code"] == code and error["message"] and error["fields"]
    malformed = api.post(f"/api/v1/spaces/{shop.id}/bookings", token=token, data="{", content_type="application/json")
    assert malformed.status_code == 400 and malformed.get_json()["error"]["code"] == "malformed_json"
    assert count(SpaceBooking) == 0


def test_drafts_unknown_ids_and_strangers(api, make_space_org, space_org, make_listing, creative):
    draft = make_listing(status="draft")
    token = api.token_for(creative.email)
    refused = api.post(f"/api/v1/spaces/{draft.id}/bookings", _body(10, 5), token=token)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "listing_not_published"
    assert api.get(f"/api/v1/spaces/{draft.id}").status_code == 404
    assert api.get(f"/api/v1/spaces/{draft.id}/availability").status_code == 404
    assert api.post("/api/v1/spaces/999999/bookings", _body(10, 5), token=token).status_code == 404

    booking = book(creative, make_listing(), 10, 5)
    stranger = api.token_for(make_space_org().organiser.email)
    assert api.post(f"/api/v1/space-bookings/{booking.id}/approve", token=stranger).status_code == 403
    assert api.post(f"/api/v1/space-bookings/{booking.id}/decline", {"reason": "x"}, token=stranger).status_code == 403
    assert api.delete(f"/api/v1/space-bookings/{booking.id}", token=stranger).status_code == 404
    assert api.post(f"/api/v1/space-bookings/{booking.id}/approve", token=token).status_code == 403  # the creative
    assert api.post("/api/v1/space-bookings/999999/approve", token=stranger).status_code == 404
    db.session.expire_all()
    assert db.session.get(SpaceBooking, booking.id).status == "requested"

    organiser = api.token_for(space_org.organiser.email)
    no_reason = api.post(f"/api/v1/space-bookings/{booking.id}/decline", {}, token=organiser)
    assert no_reason.status_code == 422 and no_reason.get_json()["error"]["code"] == "reason_missing"
    declined = api.post(f"/api/v1/space-bookings/{booking.id}/decline", {"reason": "Owner's renovation"},
                        token=organiser)
    assert declined.get_json()["status"] == "declined" and declined.get_json()["decline_reason"] == "Owner's renovation"
    again = api.post(f"/api/v1/space-bookings/{booking.id}/approve", token=organiser)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "not_pending"


def test_query_parameters_are_checked(api, make_listing):
    shop = make_listing()
    for url in ("/api/v1/spaces?from=2026-13-01&to=2026-12-01", f"/api/v1/spaces?from={day(3).isoformat()}",
                f"/api/v1/spaces?from={day(3).isoformat()}&to={day(3).isoformat()}", "/api/v1/spaces?units=zero",
                f"/api/v1/spaces/{shop.id}/availability?from={day(0).isoformat()}&to={day(900).isoformat()}"):
        response = api.get(url)
        assert response.status_code == 422, url
        assert response.get_json()["error"]["fields"]
    assert len(api.get(f"/api/v1/spaces/{shop.id}/availability").get_json()) == 31
