"""Administration through the API (site admins) and password reset, as in shared/API.md."""
import re

from inducci_events.accounts.models import Membership
from inducci_events.audit.models import AuditEntry
from inducci_events.extensions import db
from inducci_events.mail.models import OutboxMessage
from inducci_events.organisations.models import Organisation
from tests.conftest import count


def test_from_an_empty_database_an_admin_sets_up_a_partner_and_its_organiser_creates_an_event(
        api, make_user):
    admin = api.token_for(make_user(email="admin@example.org", admin=True).email)
    olga = make_user(email="olga@example.org", name="Olga")
    created = api.post("/api/v1/organisations", {
        "slug": "sokolov", "name": "Microregion Sokolov-East", "country": "cz", "timezone": "Europe/Prague",
        "default_locale": "de", "is_partner": True}, token=admin)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["country"] == "CZ" and created.get_json()["is_partner"] is True

    member = api.post("/api/v1/organisations/sokolov/members", {"email": "OLGA@example.org", "role": "organiser"},
                      token=admin)
    assert member.status_code == 201 and member.get_json()["user_id"] == olga.id
    organiser = api.token_for(olga.email)
    venue = api.post("/api/v1/organisations/sokolov/venues", {
        "name": "Castle", "city": "Sokolov", "country": "CZ", "timezone": "Europe/Prague"}, token=organiser)
    assert venue.status_code == 201
    event = api.post("/api/v1/events", {
        "organisation": "sokolov", "title": "Workshop 1", "capacity": 5, "enrolment_mode": "series",
        "waitlist": True, "requires_approval": False, "status": "published",
        "sessions": [{"title": "Workshop 1", "starts_at": "2030-01-07T16:00:00+01:00",
                      "ends_at": "2030-01-07T19:00:00+01:00", "venue_id": venue.get_json()["id"]}]}, token=organiser)
    assert event.status_code == 201
    participant = api.token_for(make_user().email)
    enrolled = api.post(f"/api/v1/events/{event.get_json()['id']}/enrolments", {}, token=participant)
    assert enrolled.status_code == 201 and enrolled.get_json()["status"] == "confirmed"

    renamed = api.patch("/api/v1/organisations/sokolov", {"name": "Mikroregion Sokolov-východ"}, token=admin)
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Mikroregion Sokolov-východ"
    removed = api.delete(f"/api/v1/organisations/sokolov/members/{olga.id}?role=organiser", token=admin)
    assert removed.status_code == 200 and removed.get_json() == {"removed": True}
    assert count(Membership) == 0
    assert [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)] == [
        "organisation.create", "membership.grant", "venue.create", "event.create", "organisation.update",
        "membership.revoke"]


def test_only_admins_administer_and_bad_values_change_nothing(api, make_organiser, make_user):
    user, org = make_organiser(slug="linz")
    organiser = api.token_for(user.email)
    refused = api.post("/api/v1/organisations", {"slug": "x", "name": "X", "country": "AT",
                                                 "timezone": "Europe/Vienna"}, token=organiser)
    assert refused.status_code == 403
    assert api.patch("/api/v1/organisations/linz", {"name": "Mine now"}, token=organiser).status_code == 403
    assert api.post("/api/v1/organisations/linz/members", {"email": user.email, "role": "adviser"},
                    token=organiser).status_code == 403
    admin = api.token_for(make_user(admin=True).email)
    bad = api.post("/api/v1/organisations", {"slug": "Linz!", "name": "X", "country": "A1",
                                             "timezone": "Mars/Olympus"}, token=admin)
    assert bad.status_code == 422 and {"slug", "country", "timezone"} <= set(bad.get_json()["error"]["fields"])
    taken = api.post("/api/v1/organisations", {"slug": "linz", "name": "X", "country": "AT",
                                               "timezone": "Europe/Vienna"}, token=admin)
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "slug_taken"
    unknown = api.post("/api/v1/organisations/linz/members", {"email": "nobody@example.org", "role": "adviser"},
                       token=admin)
    assert unknown.status_code == 404
    assert count(Organisation) == 1 and count(Membership) == 1


def test_password_reset_through_the_api_ends_every_token(api, app, make_user):
    user = make_user(email="petra@example.org")
    old_token = api.token_for(user.email)
    assert api.post("/api/v1/password/forgot", {"email": "nobody@example.org"}).status_code == 202
    answer = api.post("/api/v1/password/forgot", {"email": "Petra@example.org"})
    assert answer.status_code == 202 and answer.get_json() == {"accepted": True}
    [mail] = db.session.query(OutboxMessage).filter_by(kind="password_reset").all()
    link = re.search(r"/password/reset/(\S+)", mail.body_text)[1]
    reset = api.post("/api/v1/password/reset", {"token": link, "password": "a new long password"})
    assert reset.status_code == 200
    assert api.get("/api/v1/me", token=old_token).status_code == 401
    again = api.post("/api/v1/password/reset", {"token": link, "password": "another long password"})
    assert again.status_code == 400 and again.get_json()["error"]["code"] == "token_invalid"
    assert api.post("/api/v1/auth/token", {"email": user.email, "password": "a new long password"}).status_code == 200
