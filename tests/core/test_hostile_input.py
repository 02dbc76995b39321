"""Hostile client input never makes the app answer 500 (issues #11 and #14).

A walk over every GET route in the URL map with hostile query values (years 1 and 9999,
huge integers, NUL bytes, lone surrogates, 10,000-character strings), for an organiser and
an anonymous visitor; ids beyond the database's integer range; oversized bodies; 405 with
``Allow``.
"""
import re
from datetime import date, datetime, time, timezone
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from werkzeug.routing import AnyConverter, IntegerConverter

from inducci_events.accounts import services as accounts
from inducci_events.accounts.models import User
from inducci_events.core.auth import COMMAND_LINE
from inducci_events.extensions import db
from inducci_events.feedback import services as feedback
from inducci_events.helpdesk import services as helpdesk
from inducci_events.organisations import services as organisations
from inducci_events.profiles import services as profiles
from inducci_events.spaces import services as spaces
from inducci_events.workshops import services as workshops
from inducci_events.workshops.models import Enrolment
from tests.conftest import PASSWORD, Browser, count, csrf_from
from tests.helpdesk.conftest import make_adviser, make_desk  # noqa: F401
from tests.spaces.conftest import day, make_listing, make_space_org, space_org  # noqa: F401
from tests.workshops.conftest import make_event, organiser  # noqa: F401

#: The lone surrogate U+D800 as (invalid) UTF-8, percent-encoded in a URL.
RAW_SURROGATE = "%ED%A0%80"
LONG = "x" * 10_000
HOSTILE = [
    "0001-01-01", "9999-12-31", "0001-01", "9999-12", "1", "9999", "2026-02-30", "99999999999999999999",
    "-99999999999999999999", "9999-12-31T23:59:59-14:00", LONG, "a\x00b", RAW_SURROGATE,
]
#: The query parameters the views read (request.args and GET forms) ...
VIEW_PARAMS = {
    "spaces.index": ["region", "kind", "start", "end", "units"],
    "spaces.detail": ["month"],
    "spaces.book": ["start"],
    "workshops.index": ["region", "programme", "date_from", "date_to"],
    "helpdesk.index": ["region", "topic", "language"],
    "helpdesk.desk": ["week"],
    "helpdesk.book": ["adviser", "start"],
    "helpdesk.agenda": ["day", "view"],
    "accounts.login": ["next"],
    "api.list_events": ["organisation", "programme", "from", "to", "q"],
    "api.list_spaces": ["organisation", "region", "kind", "from", "to", "units"],
    "api.space_availability": ["from", "to"],
    "api.list_helpdesks": ["organisation", "topic"],
    "api.helpdesk_slots": ["from", "to"],
    "profiles.index": ["q", "skill", "sector", "region", "kind", "page"],
    "api.list_profiles": ["q", "skill", "sector", "region", "kind", "language"],
}
#: ... and a generic set thrown at every route.
GENERIC_PARAMS = ["month", "start", "end", "from", "to", "date", "day", "week", "page", "q", "organisation",
                  "programme", "region", "kind", "units", "topic", "next"]
HUGE_IDS = [2**31, 2**63, 10**30]
OTHER_PATH_VALUES = {"action": "approve", "outcome": "completed", "state": "on", "role": "organiser",
                     "filename": "swagger-ui.css"}


def _query(params):
    """A query string; the raw surrogate goes in as its bytes' escapes, everything else quoted."""
    return "&".join(f"{quote(k)}={value if value == RAW_SURROGATE else quote(value, safe='')}"
                    for k, value in params)


@pytest.fixture
def world(organiser, make_event, make_listing, space_org, make_desk, make_user):
    """A small dataset with one of everything a page can be about, an organiser of all of it
    (who also advises at the desk) and a participant with bookings."""
    user, org, venue = organiser
    event = make_event(sessions=2, enrolment_mode="session", questions=[
        dict(kind="text", label="What do you make?", required=False)])
    series = make_event(title="Mentorship", sessions=1)
    feedback.save_form(user, event.id, questions=[
        dict(kind="rating", text="How was it?"), dict(kind="choice", text="You are", choices=["a worker", "a manager"]),
        dict(kind="text", text="Anything else?")])
    programme = organisations.save_programme(user, org.id, title="Boot camp", summary="Five modules",
                                             description="", targets="")
    from inducci_events.reach import services as reach

    target = reach.save_target(user, programme.id, label="Participants", value=12, metric="manual")
    listing = make_listing(booking_mode="request")
    desk_made = make_desk()
    for other in (space_org.org, desk_made["org"]):
        accounts.grant_role(user.email, other.slug, "organiser", actor=COMMAND_LINE)
    user = db.session.get(User, user.id)
    desk = desk_made["desk"]
    helpdesk.add_adviser(desk_made["organiser"], desk.id, email=user.email, bio="Organiser", topics=[])
    person = make_user(name="Anna Kovač")
    enrolment = workshops.enrol(person, series.id)
    booking = spaces.create_booking(person, listing.id, start_date=day(10), end_date=day(14), units=1,
                                    purpose="Repair café", accept_terms=True)
    appointment = helpdesk.book(person, desk.id, desk_made["adviser"].id,
                                datetime(2027, 3, 2, 13, tzinfo=timezone.utc), topic="business plan",
                                now=datetime(2027, 3, 1, 8, tzinfo=timezone.utc))
    mentoring = helpdesk.request_mentoring(person, desk.id, address="Via Roma 1, Padova", topic="legal")
    user = db.session.get(User, user.id)
    profile = profiles.save_profile(user, kind="other", headline="Organiser", skills=["matchmaking"], visible=True)
    profiles.save_profile(person, kind="creative", headline="Illustrator", visible=True)
    message = profiles.write_to_profile(person, profile.id, subject="Hello", body="Shall we meet at the lab?")
    user = db.session.get(User, user.id)
    ids = dict(event_id=event.id, session_id=event.sessions[0].id, enrolment_id=enrolment.id,
               question_id=event.questions[0].id, listing_id=listing.id, booking_id=booking.id, desk_id=desk.id,
               appointment_id=appointment.id, request_id=mentoring.id, programme_id=programme.id,
               venue_id=venue.id, user_id=user.id, target_id=target.id, profile_id=profile.id,
               message_id=message.id)
    slugs = {"workshops": org.slug, "organisations": org.slug, "calendar": org.slug, "api": org.slug, "admin": org.slug,
             "feedback": org.slug, "reach": org.slug,
             "spaces": space_org.org.slug, "helpdesk": desk_made["org"].slug}
    return dict(user=user, person=person, ids=ids, slugs=slugs, token=user.calendar_token)


def _get_routes(app):
    return sorted((rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and rule.endpoint != "static"),
                  key=lambda rule: rule.rule)


def _path(rule, world, ints=None):
    """The rule's path with existing ids (or ``ints`` for every integer argument)."""
    values = {}
    for name in rule.arguments:
        if isinstance(rule._converters[name], IntegerConverter):
            values[name] = ints if ints is not None else world["ids"][name]
        elif name == "slug":
            values[name] = world["slugs"][rule.endpoint.split(".")[0]]
        elif name == "token":
            values[name] = world["token"]
        elif isinstance(rule._converters[name], AnyConverter):  # <any(a, b):name>: one it accepts
            items = rule._converters[name].items
            values[name] = OTHER_PATH_VALUES[name] if OTHER_PATH_VALUES.get(name) in items else min(items)
        elif name in OTHER_PATH_VALUES:
            values[name] = OTHER_PATH_VALUES[name]
        else:
            raise AssertionError(f"no value for <{name}> in {rule.rule}")
    return rule.build(values, append_unknown=False)[1]


def _walk(client, app, world, headers=None):
    failures, seen = [], 0
    for rule in _get_routes(app):
        path = _path(rule, world)
        own = VIEW_PARAMS.get(rule.endpoint, [])
        for value in HOSTILE:
            queries = [[(name, value)] for name in own]
            queries.append([(name, value) for name in dict.fromkeys(GENERIC_PARAMS + own)])
            for params in queries:
                url = f"{path}?{_query(params)}"
                response = client.get(url, headers=headers or {})
                response.close()  # a file answer (Swagger UI's assets) holds its file open
                seen += 1
                if response.status_code >= 500:
                    failures.append((response.status_code, url[:160]))
    assert seen > 500
    return failures


def test_no_get_route_answers_500_for_hostile_query_values_anonymously(app, client, world):
    assert _walk(client, app, world) == []


def test_no_get_route_answers_500_for_hostile_query_values_to_an_organiser(app, client, world, api):
    Browser(client).login(world["user"].email)
    token = api.token_for(world["user"].email)
    assert _walk(client, app, world, headers={"Authorization": f"Bearer {token}"}) == []


def test_ids_beyond_the_database_integer_range_are_404_everywhere(app, client, world):
    Browser(client).login(world["user"].email)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            continue
        for huge in HUGE_IDS:
            path = _path(rule, world, ints=huge)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(path, method=method, json={} if rule.rule.startswith("/api/") else None)
                assert response.status_code == 404, (method, path, response.status_code)
                checked += 1
    assert checked > 50


# --- bodies too large ----------------------------------------------------------------------

TWO_MB = 2 * 1024 * 1024


def test_a_2_mb_sign_up_is_refused_with_413_before_it_is_read_and_nothing_is_written(client, browser):
    token = csrf_from(browser.get("/register").get_data(as_text=True))
    page = client.post("/register", data={"csrf_token": token, "email": "big@example.org", "password": PASSWORD,
                                          "name": "x" * TWO_MB, "locale": "en"})
    assert page.status_code == 413
    assert "The request is too large: send at most 1 MB." in page.get_data(as_text=True)
    api = client.post("/api/v1/users", json={"email": "big2@example.org", "password": PASSWORD,
                                             "name": "x" * TWO_MB})
    assert api.status_code == 413
    assert api.get_json()["error"]["code"] == "payload_too_large"
    assert count(User) == 0


def test_a_body_without_content_length_is_cut_off_at_the_limit(client):
    """A chunked upload has no Content-Length: the stream itself stops at the limit."""
    import io

    response = client.post("/login", input_stream=io.BytesIO(b"email=" + b"x" * TWO_MB),
                           content_type="application/x-www-form-urlencoded",
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413


def test_the_limit_comes_from_the_configuration(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    response = client.post("/api/v1/users", json={"email": "a@example.org", "password": PASSWORD, "name": "y" * 5000})
    assert response.status_code == 413
    assert "4 kB" in response.get_json()["error"]["message"]
    assert client.post("/api/v1/users", json={"email": "a@example.org", "password": PASSWORD,
                                              "name": "Anna"}).status_code == 201


# --- 405 ---------------------------------------------------------------------------------


def test_405_says_which_methods_are_allowed(client):
    page = client.get("/logout")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]
    assert "This method is not allowed here." in page.get_data(as_text=True)
    api = client.delete("/api/v1/events")
    assert api.status_code == 405
    assert {"GET", "POST"} <= {m.strip() for m in api.headers["Allow"].split(",")}
    assert api.get_json()["error"]["code"] == "method_not_allowed"


# --- ids beyond the integer range -----------------------------------------------------------


def test_the_largest_id_is_looked_up_and_the_next_one_is_not_a_route(client, api):
    assert client.get("/events/2147483647").status_code == 404
    assert client.get("/api/v1/events/2147483647").status_code == 404  # looked up, not found
    response = client.get("/api/v1/events/2147483648")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert client.get("/spaces/99999999999999999999").status_code == 404


# --- NUL bytes and broken UTF-8 -------------------------------------------------------------


@pytest.mark.parametrize("value", ["a%00b", RAW_SURROGATE, "%FF"])
def test_nul_and_broken_utf8_in_a_query_string_are_refused_clearly(client, value):
    page = client.get(f"/events?region={value}")
    assert page.status_code == 400
    assert "“region” contains a character that is not allowed" in page.get_data(as_text=True)
    api = client.get(f"/api/v1/events?organisation={value}")
    assert api.status_code == 422
    error = api.get_json()["error"]
    assert error["code"] == "validation_failed" and list(error["fields"]) == ["organisation"]


def test_nul_and_broken_utf8_in_a_form_are_refused_and_nothing_is_written(client, browser):
    token = csrf_from(browser.get("/register").get_data(as_text=True))
    form = {"csrf_token": token, "email": "nul@example.org", "password": PASSWORD, "locale": "en"}
    nul = client.post("/register", data=dict(form, name="Anna\x00Kovač"))
    assert nul.status_code == 400 and "“name” contains a character" in nul.get_data(as_text=True)
    body = "&".join(f"{k}={quote(v)}" for k, v in form.items()) + "&name=" + RAW_SURROGATE
    broken = client.post("/register", data=body, content_type="application/x-www-form-urlencoded")
    assert broken.status_code == 400 and "“name” contains a character" in broken.get_data(as_text=True)
    multipart = client.post("/register", data=dict(form, name="Anna\x00"), content_type="multipart/form-data")
    assert multipart.status_code == 400
    assert count(User) == 0


def test_nul_and_lone_surrogates_in_json_are_refused_with_the_field(client):
    for name in ("Anna\x00", "Anna\ud800"):
        body = '{"email": "j@example.org", "password": "%s", "name": %s}' % (PASSWORD, _json_string(name))
        response = client.post("/api/v1/users", data=body, content_type="application/json")
        assert response.status_code == 422
        assert response.get_json()["error"]["fields"] == {"name": [
            "“name” contains a character that is not allowed (a NUL byte or invalid UTF-8)."]}
    assert count(User) == 0


def _json_string(text):
    return '"' + "".join(c if 32 <= ord(c) < 127 else f"\\u{ord(c):04x}" for c in text) + '"'


def test_a_nul_in_a_path_is_not_found(client):
    assert client.get("/organisations/a%00b").status_code == 404
    assert client.get("/calendar/feed/a%00b.ics").status_code == 404


# --- dates outside the years 1900-2200 ------------------------------------------------------


def test_months_and_days_outside_the_years_are_refused_with_a_clear_message(client, make_listing):
    listing = make_listing()
    for month in ("9999-12", "0001-01", "1899-12", "0000-01"):
        page = client.get(f"/spaces/{listing.id}?month={month}")
        assert page.status_code == 422, month
        assert "“month” must be in the years 1900 to 2200." in page.get_data(as_text=True)
    assert "“month” must be a month as YYYY-MM." in client.get(f"/spaces/{listing.id}?month=2026-13").get_data(
        as_text=True)
    assert client.get(f"/spaces/{listing.id}?month=2200-12").status_code == 200
    search = client.get("/spaces/?start=0001-01-01&end=9999-12-31")
    assert search.status_code == 422
    assert "Choose a date in the years 1900 to 2200." in search.get_data(as_text=True)
    events = client.get("/events?date_to=9999-12-31")
    assert "Choose a date in the years 1900 to 2200." in events.get_data(as_text=True)


def test_a_booking_for_the_year_9999_is_refused_on_the_form(browser, make_listing, make_user):
    from inducci_events.spaces.models import SpaceBooking

    listing = make_listing()
    browser.login(make_user().email)
    response = browser.submit(f"/spaces/{listing.id}/book", {
        "start_date": "9999-12-30", "last_day": "9999-12-31", "units": "1", "purpose": "Forever",
        "accept_terms": "y"})
    assert response.status_code == 422
    assert "Choose a date in the years 1900 to 2200." in response.get_data(as_text=True)
    assert count(SpaceBooking) == 0


# --- forms -------------------------------------------------------------------------------

_FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"')
FORM_VALUES = [v for v in HOSTILE if v != RAW_SURROGATE] + ["2026-01-01T10:00", "9999-12-31T23:59", "0001-01-01T00:00"]


def test_no_form_answers_500_for_hostile_field_values(app, client, world):
    """Every page form, posted by its organiser with each hostile value in all its fields."""
    browser = Browser(client)
    browser.login(world["user"].email)
    failures, posted = [], 0
    for rule in _get_routes(app):
        if "POST" not in rule.methods or rule.rule.startswith("/api/") or rule.endpoint == "accounts.login":
            continue
        path = _path(rule, world)
        page = client.get(path)
        if page.status_code != 200:
            continue
        html = page.get_data(as_text=True)
        names = sorted(set(_FIELD.findall(html)) - {"csrf_token"})
        for value in FORM_VALUES:
            data = {name: value for name in names}
            data["csrf_token"] = csrf_from(html)
            response = client.post(path, data=data)
            posted += 1
            if response.status_code >= 500:
                failures.append((response.status_code, path, value[:40]))
    assert posted > 200
    assert failures == []
