from inducci_events.accounts.models import ApiToken, User
from inducci_events.core.auth import COMMAND_LINE
from tests.conftest import PASSWORD, count


def test_create_user_then_token_then_me(api, make_org):
    org = make_org(slug="kranj")
    created = api.post("/api/v1/users", {"email": "Mia@Example.org", "password": PASSWORD, "name": "Mia"})
    assert created.status_code == 201
    assert created.get_json() == {"id": created.get_json()["id"], "email": "mia@example.org", "name": "Mia"}

    from inducci_events.accounts import services

    services.grant_role("mia@example.org", org.slug, "adviser", actor=COMMAND_LINE)
    token = api.token_for("MIA@example.org")
    me = api.get("/api/v1/me", token=token)
    assert me.status_code == 200
    body = me.get_json()
    assert body["roles"] == ["user", "adviser"]
    assert body["memberships"] == [{"organisation": "kranj", "organisation_name": org.name, "role": "adviser"}]
    assert me.headers["Cache-Control"] == "no-store"


def test_tokens_are_stored_hashed_and_can_be_revoked(api, make_user):
    user = make_user()
    token = api.token_for(user.email)
    stored = ApiToken.query.one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert api.delete("/api/v1/auth/token", token=token).status_code == 200
    response = api.get("/api/v1/me", token=token)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


def test_errors_follow_the_contract(api, make_user):
    make_user(email="taken@example.org")
    taken = api.post("/api/v1/users", {"email": "TAKEN@example.org", "password": PASSWORD, "name": "T"})
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "email_taken"

    invalid = api.post("/api/v1/users", {"email": "nope", "password": "short", "name": ""})
    assert invalid.status_code == 422
    error = invalid.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == {"email", "password", "name"}

    malformed = api.post("/api/v1/users", data="{not json", headers={"Content-Type": "application/json"})
    assert malformed.status_code == 400 and malformed.get_json()["error"]["code"] == "malformed_json"

    wrong_shape = api.post("/api/v1/users", ["a", "list"])
    assert wrong_shape.status_code == 400

    nested = api.post("/api/v1/users", {"email": {"x": 1}, "password": PASSWORD, "name": "N"})
    assert nested.status_code == 422

    assert count(User) == 1


def test_missing_or_bad_credentials_are_401(api, make_user):
    user = make_user()
    assert api.get("/api/v1/me").get_json()["error"]["code"] == "missing_token"
    assert api.get("/api/v1/me", token="made-up").status_code == 401
    bad = api.post("/api/v1/auth/token", {"email": user.email, "password": "wrong-password"})
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "invalid_credentials"
    missing = api.post("/api/v1/auth/token", {"email": user.email})
    assert missing.status_code == 422 and "password" in missing.get_json()["error"]["fields"]


def test_the_session_cookie_does_not_authenticate_the_api(browser, api, make_user):
    user = make_user()
    browser.login(user.email)
    assert api.get("/api/v1/me").status_code == 401


def test_unknown_paths_and_methods_answer_json(api):
    missing = api.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    wrong = api.put("/api/v1/users", {})
    assert wrong.status_code == 405 and wrong.get_json()["error"]["code"] == "method_not_allowed"


def test_token_requests_are_rate_limited(api, make_user):
    user = make_user()
    codes = [api.post("/api/v1/auth/token", {"email": user.email, "password": "wrong-password"}).status_code
             for _ in range(11)]
    assert codes[-1] == 429
    assert api.post("/api/v1/auth/token", {"email": user.email, "password": PASSWORD}).get_json()["error"][
        "code"] == "rate_limited"


def test_health(api):
    response = api.get("/api/v1/health")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "ok"}
