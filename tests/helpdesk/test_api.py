"""The help-desk part of the JSON API (shared/API.md) through HTTP."""
from datetime import date, timedelta

from inducci_events.accounts import services as accounts
from inducci_events.core.auth import COMMAND_LINE
from inducci_events.helpdesk.models import Appointment, HelpDesk, OfficeHourRule
from tests.conftest import count

from .test_views import EVERY_DAY


def test_list_desks_and_free_slots_with_local_offsets(api, make_desk):
    made = make_desk(rule=EVERY_DAY)
    desks = api.get("/api/v1/helpdesks?topic=crowdfunding").get_json()
    assert [(d["name"], d["organisation"], d["topics"]) for d in desks] == [
        ("CCI help-desk Padova", made["org"].slug, ["business plan", "crowdfunding"])]
    assert desks[0]["advisers"] == [{"id": made["adviser"].id, "name": made["adviser_user"].name}]
    assert "meeting_link" not in desks[0]
    assert api.get("/api/v1/helpdesks?topic=astrology").get_json() == []
    first = (date.today() + timedelta(days=2)).isoformat()
    slots = api.get(f"/api/v1/helpdesks/{made['desk'].id}/slots?from={first}&to={first}").get_json()
    assert len(slots) == 8
    assert slots[0]["starts_at"].startswith(f"{first}T09:00:00+0")  # Rome: +01:00 or +02:00
    assert slots[0]["seats_left"] == 1 and slots[0]["adviser_id"] == made["adviser"].id
    bad = api.get(f"/api/v1/helpdesks/{made['desk'].id}/slots?from=tomorrow")
    assert bad.status_code == 422 and "from" in bad.get_json()["error"]["fields"]
    assert api.get("/api/v1/helpdesks/9999/slots").status_code == 404


def test_book_over_the_api_and_the_errors(api, make_desk, make_user):
    made = make_desk(rule=EVERY_DAY)
    desk_id = made["desk"].id
    person, other = make_user(), make_user()
    first = (date.today() + timedelta(days=2)).isoformat()
    slot = api.get(f"/api/v1/helpdesks/{desk_id}/slots?from={first}&to={first}").get_json()[0]
    body = {"adviser_id": slot["adviser_id"], "starts_at": slot["starts_at"], "topic": "crowdfunding",
            "message": "A campaign"}
    assert api.post(f"/api/v1/helpdesks/{desk_id}/appointments", body).status_code == 401
    token = api.token_for(person.email)
    created = api.post(f"/api/v1/helpdesks/{desk_id}/appointments", body, token=token)
    assert created.status_code == 201, created.get_json()
    appointment = created.get_json()
    assert (appointment["status"], appointment["starts_at"]) == ("confirmed", slot["starts_at"])
    taken = api.post(f"/api/v1/helpdesks/{desk_id}/appointments", body, token=api.token_for(other.email))
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "slot_taken"
    odd = dict(body, starts_at=slot["starts_at"].replace(":00:00", ":10:00"))
    not_a_slot = api.post(f"/api/v1/helpdesks/{desk_id}/appointments", odd, token=token)
    assert not_a_slot.status_code == 422 and not_a_slot.get_json()["error"]["code"] == "not_a_slot"
    naive = api.post(f"/api/v1/helpdesks/{desk_id}/appointments", dict(body, starts_at="2027-03-02T14:00"),
                     token=token)
    assert naive.status_code == 422 and "starts_at" in naive.get_json()["error"]["fields"]
    malformed = api.post(f"/api/v1/helpdesks/{desk_id}/appointments", data="{", token=token,
                         headers={"Content-Type": "application/json"})
    assert malformed.status_code == 400
    assert count(Appointment) == 1
    # Someone else cannot cancel it; the person can.
    assert api.delete(f"/api/v1/appointments/{appointment['id']}", token=api.token_for(other.email)).status_code == 404
    cancelled = api.delete(f"/api/v1/appointments/{appointment['id']}", token=token)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    again = api.delete(f"/api/v1/appointments/{appointment['id']}", token=token)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "not_cancellable"


def test_online_meeting_link_only_for_the_booked_person(api, make_desk, make_user):
    made = make_desk(rule=dict(EVERY_DAY, mode="online"))
    first = (date.today() + timedelta(days=2)).isoformat()
    slot = api.get(f"/api/v1/helpdesks/{made['desk'].id}/slots?from={first}&to={first}").get_json()[0]
    created = api.post(f"/api/v1/helpdesks/{made['desk'].id}/appointments",
                       {"adviser_id": slot["adviser_id"], "starts_at": slot["starts_at"], "topic": "legal"},
                       token=api.token_for(make_user().email)).get_json()
    assert created["meeting_link"] == "https://meet.example.org/padova"


def test_organiser_creates_desk_adviser_and_rule_for_their_own_organisation(api, make_organiser, make_user):
    organiser, org = make_organiser(slug="kranj", timezone="Europe/Ljubljana")
    _other_organiser, other = make_organiser(slug="padova", timezone="Europe/Rome")
    token = api.token_for(organiser.email)
    desk_body = {"organisation": "kranj", "name": "Kovačnica desk", "online": True, "topics": ["legal", "funding"],
                 "languages": ["Slovenian", "English"]}
    created = api.post("/api/v1/helpdesks", desk_body, token=token)
    assert created.status_code == 201, created.get_json()
    desk = created.get_json()
    assert (desk["timezone"], desk["lead_time_hours"], desk["topics"]) == ("Europe/Ljubljana", 12,
                                                                           ["legal", "funding"])
    refused = api.post("/api/v1/helpdesks", dict(desk_body, organisation="padova"), token=token)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "not_organiser"
    neither = api.post("/api/v1/helpdesks", dict(desk_body, online=False), token=token)
    assert neither.status_code == 422 and "venue_id" in neither.get_json()["error"]["fields"]
    assert count(HelpDesk) == 1

    adviser = make_user()
    accounts.grant_role(adviser.email, "kranj", "adviser", actor=COMMAND_LINE)
    added = api.post(f"/api/v1/helpdesks/{desk['id']}/advisers", {"email": adviser.email, "topics": ["legal"]},
                     token=token)
    assert added.status_code == 201
    rule_body = {"adviser_id": added.get_json()["id"], "weekdays": [1], "start_time": "14:00",
                 "end_time": "17:00", "slot_minutes": 45, "buffer_minutes": 15, "valid_from": "2027-01-01",
                 "mode": "online"}
    rule = api.post(f"/api/v1/helpdesks/{desk['id']}/rules", rule_body, token=token)
    assert rule.status_code == 201 and rule.get_json()["weekdays"] == [1]
    wrong_day = api.post(f"/api/v1/helpdesks/{desk['id']}/rules", dict(rule_body, weekdays=[9]), token=token)
    assert wrong_day.status_code == 422 and "weekdays" in wrong_day.get_json()["error"]["fields"]
    stranger = api.post(f"/api/v1/helpdesks/{desk['id']}/rules", rule_body,
                        token=api.token_for(_other_organiser.email))
    assert stranger.status_code == 403
    assert count(OfficeHourRule) == 1
