"""``/users``, ``/auth/token``, ``/me``."""
from flask import current_app, jsonify, request
from flask_babel import gettext as _

from ..accounts import services
from ..accounts.forms import ApiRegisterForm
from ..calendar.views import feed_urls
from ..core.auth import api_user, token_required
from ..core.http import json_body, validate_json_form
from ..core.errors import ValidationFailed
from ..extensions import limiter
from . import bp
from .schema import errors, obj, ok, operation, ref
from .serialise import me_json, user_json


@bp.post("/users")
def create_user():
    form = validate_json_form(ApiRegisterForm)
    user = services.register_user(form.email.data, form.password.data, form.name.data,
                                  form.locale.data or "en")
    return jsonify(user_json(user)), 201


@bp.post("/auth/token")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def create_token():
    data = json_body()
    email, password = data.get("email"), data.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        raise ValidationFailed(fields={k: [_("This field is required (as text).")] for k in ("email", "password")
                                       if not isinstance(data.get(k), str)})
    user = services.authenticate(email, password)
    name = data.get("name") if isinstance(data.get("name"), str) else request.user_agent.string or "API"
    token, record = services.issue_token(user, name)
    return jsonify({"token": token, "expires_at": record.expires_at.isoformat()}), 200


@bp.delete("/auth/token")
@token_required
def revoke_token():
    services.revoke_token(request.headers["Authorization"].partition(" ")[2].strip())
    return jsonify({"revoked": True}), 200


@bp.get("/me")
@token_required
def me():
    return jsonify(me_json(api_user()))


@bp.get("/me/calendar")
@token_required
def my_calendar():
    return jsonify(_calendar_json(api_user()))


@bp.post("/me/calendar/regenerate")
@token_required
def regenerate_my_calendar():
    return jsonify(_calendar_json(services.regenerate_calendar_token(api_user())))


def _calendar_json(user):
    urls = feed_urls(user)
    data = {"feed_url": urls["feed_url"], "webcal_url": urls["webcal_url"]}
    if urls["organiser_feeds"]:
        data["organiser_feed_urls"] = urls["organiser_feeds"]
    return data


SCHEMAS = {
    "CalendarUrls": obj({
        "feed_url": {"type": "string", "format": "uri"}, "webcal_url": {"type": "string"},
        "organiser_feed_urls": {"type": "array", "items": obj({
            "organisation": {"type": "string"}, "name": {"type": "string"},
            "feed_url": {"type": "string", "format": "uri"}, "webcal_url": {"type": "string"}})},
    }, required=["feed_url", "webcal_url"]),
    "User": obj({"id": {"type": "integer"}, "email": {"type": "string", "format": "email"},
                 "name": {"type": "string"}}, required=["id", "email", "name"]),
    "Me": obj({
        "id": {"type": "integer"}, "email": {"type": "string"}, "name": {"type": "string"},
        "locale": {"type": "string"},
        "roles": {"type": "array", "items": {"type": "string", "enum": ["user", "admin", "organiser", "adviser"]}},
        "memberships": {"type": "array", "items": obj({
            "organisation": {"type": "string"}, "organisation_name": {"type": "string"},
            "role": {"type": "string", "enum": ["organiser", "adviser"]}})},
    }, required=["id", "email", "name", "roles", "memberships"]),
}

PATHS = {
    "/users": {"post": operation(
        "Create an account",
        {**ok("Created", ref("User"), status="201"), **errors(400, 409, 422)},
        body=obj({"email": {"type": "string", "format": "email"}, "password": {"type": "string", "minLength": 10},
                  "name": {"type": "string"}, "locale": {"type": "string", "enum": ["en", "de"]}},
                 required=["email", "password", "name"]),
        tags=["accounts"])},
    "/auth/token": {
        "post": operation(
            "Exchange e-mail and password for a bearer token",
            {**ok("A new token", obj({"token": {"type": "string"},
                                      "expires_at": {"type": "string", "format": "date-time"}})),
             **errors(400, 401, 422, 429)},
            body=obj({"email": {"type": "string"}, "password": {"type": "string"},
                      "name": {"type": "string", "description": "a label for the token"}},
                     required=["email", "password"]),
            tags=["accounts"]),
        "delete": operation("Revoke the token sent with this request",
                            {**ok("Revoked", obj({"revoked": {"type": "boolean"}})), **errors(401)},
                            auth=True, tags=["accounts"]),
    },
    "/me": {"get": operation("The authenticated user with roles and memberships",
                             {**ok("The user", ref("Me")), **errors(401)}, auth=True, tags=["accounts"])},
    "/me/calendar": {"get": operation(
        "The secret URLs of the user's personal feed (and, for organisers and advisers, one feed per organisation)",
        {**ok("Feed URLs", ref("CalendarUrls")), **errors(401)}, auth=True, tags=["calendars"])},
    "/me/calendar/regenerate": {"post": operation(
        "New secret feed URLs; the old ones answer 404 from now on",
        {**ok("The new feed URLs", ref("CalendarUrls")), **errors(401)}, auth=True, tags=["calendars"])},
}
