"""The profiles API: /me/profile, the /profiles directory and messages, in the JSON error format."""
import json

from inducci_events.profiles.models import ProfileMessage
from tests.conftest import count

PROFILE = {"kind": "company", "headline": "Steel works in Linz looking for creatives",
           "about": "Family firm since 1921.", "skills": ["Welding", "CNC machining"], "sectors": ["Steel"],
           "region": "Upper Austria", "languages": ["DE", "en"], "offers": "Our halls for a hackathon",
           "needs": "A new way to show our apprenticeships", "visible": True}


def test_put_and_get_my_profile(api, make_user):
    user = make_user(email="steel@example.org")
    token = api.token_for(user.email)
    missing = api.get("/api/v1/me/profile", token=token)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "profile_not_found"
    answer = api.put("/api/v1/me/profile", PROFILE, token=token)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["skills"] == ["welding", "cnc machining"] and body["languages"] == ["de", "en"]
    assert body["name"] == user.name and "email" not in body
    assert api.get("/api/v1/me/profile", token=token).get_json()["headline"] == PROFILE["headline"]
    assert api.put("/api/v1/me/profile", PROFILE).status_code == 401


def test_invalid_profiles_get_422_with_fields(api, make_user):
    token = api.token_for(make_user().email)
    answer = api.put("/api/v1/me/profile", dict(PROFILE, languages=["German"], skills=["x"]), token=token)
    assert answer.status_code == 422
    fields = answer.get_json()["error"]["fields"]
    assert set(fields) == {"languages", "skills"}
    assert api.put("/api/v1/me/profile", dict(PROFILE, kind="robot"), token=token).status_code == 422
    assert api.put("/api/v1/me/profile", dict(PROFILE, visible="yes"), token=token).status_code == 422
    assert api.put("/api/v1/me/profile", dict(PROFILE, skills=["a"] * 21), token=token).status_code == 422
    assert api.put("/api/v1/me/profile", dict(PROFILE, headline="x" * 161), token=token).status_code == 422
    assert api.put("/api/v1/me/profile", dict(PROFILE, extra=1), token=token).status_code == 422


def test_the_directory_filters_and_pages(api, make_profile):
    make_profile(headline="Video studio", skills=["video production"], region="Chemnitz")
    make_profile(kind="company", headline="Steel works", skills=["welding"], sectors=["steel"], region="Upper Austria")
    make_profile(headline="Hidden", skills=["video production"], visible=False)
    everyone = api.get("/api/v1/profiles")
    assert sorted(p["headline"] for p in everyone.get_json()) == ["Steel works", "Video studio"]
    assert json.loads(everyone.headers["X-Pagination"])["total"] == 2
    assert [p["headline"] for p in api.get("/api/v1/profiles?skill=Video%20production").get_json()] == ["Video studio"]
    assert [p["headline"] for p in api.get("/api/v1/profiles?kind=company").get_json()] == ["Steel works"]
    assert [p["headline"] for p in api.get("/api/v1/profiles?region=upper%20austria").get_json()] == ["Steel works"]
    assert [p["headline"] for p in api.get("/api/v1/profiles?q=STEEL").get_json()] == ["Steel works"]
    assert [p["headline"] for p in api.get("/api/v1/profiles?sector=steel").get_json()] == ["Steel works"]
    assert len(api.get("/api/v1/profiles?per_page=1&page=2").get_json()) == 1
    assert api.get("/api/v1/profiles?kind=robot").status_code == 422


def test_messages_through_the_api_and_the_limit(app, api, make_profile, make_user):
    app.config["PROFILE_MESSAGES_PER_HOUR"] = 1
    profile = make_profile()
    hidden = make_profile(visible=False)
    token = api.token_for(make_user().email)
    message = {"subject": "Hello", "body": "Could we meet at the hackathon?"}
    assert api.post(f"/api/v1/profiles/{hidden.id}/messages", message, token=token).status_code == 404
    sent = api.post(f"/api/v1/profiles/{profile.id}/messages", message, token=token)
    assert sent.status_code == 201 and sent.get_json()["status"] == "sent"
    refused = api.post(f"/api/v1/profiles/{profile.id}/messages", message, token=token)
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "too_many_messages"
    assert api.post(f"/api/v1/profiles/{profile.id}/messages", {"subject": "x"}, token=token).status_code == 422
    assert count(ProfileMessage) == 1
