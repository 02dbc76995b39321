"""``/spaces`` (pop-up space listings, availability, bookings) and ``/space-bookings``.

Ranges are whole days at the listing's venue: ``from``/``start_date`` is the first day,
``to``/``end_date`` the first day *after* the range (end exclusive).
"""
from datetime import date, timedelta

from flask import jsonify, request
from flask_babel import gettext as _

from ..core.auth import api_user, require_organiser, token_required
from ..core.errors import ValidationFailed
from ..core.http import json_body, validate_json_form
from ..core.timeutil import isoformat_local
from ..organisations import queries as org_queries
from ..spaces import queries, services
from ..spaces.forms import BookingJSONForm, ListingJSONForm
from ..spaces.models import BOOKING_MODES, BOOKING_STATUSES, KINDS, LISTING_STATUSES
from . import bp
from .serialise import ical_url
from .schema import errors, obj, ok, operation, path_param, query_param, ref

DEFAULT_AVAILABILITY_DAYS = 31


def listing_json(listing):
    return {
        "id": listing.id, "title": listing.title, "organisation": listing.organisation.slug,
        "programme": listing.programme.title if listing.programme else None,
        "venue": listing.venue.name, "venue_id": listing.venue_id, "city": listing.venue.city,
        "timezone": listing.venue.timezone, "kind": listing.kind, "units": listing.units,
        "min_days": listing.min_days, "max_days": listing.max_days, "booking_mode": listing.booking_mode,
        "available_from": listing.available_from.isoformat(), "available_until": listing.available_until.isoformat(),
        "lead_days": listing.lead_days, "status": listing.status, "description": listing.description,
        "terms": listing.terms,
        "opening_hours": [{"weekday": h.weekday, "opens": h.opens.strftime("%H:%M"), "closes": h.closes.strftime("%H:%M")}
                          for h in listing.opening_hours],
        "blackouts": [{"start_date": b.start_date.isoformat(), "end_date": b.end_date.isoformat(), "reason": b.reason}
                      for b in listing.blackouts],
        "ical_url": ical_url("calendar.listing_feed", listing_id=listing.id),
    }


def booking_json(booking):
    listing = booking.listing
    return {
        "id": booking.id, "listing_id": listing.id,
        "status": booking.effective_status(queries.local_today(listing)),
        "start_date": booking.start_date.isoformat(), "end_date": booking.end_date.isoformat(),
        "units": booking.units, "purpose": booking.purpose,
        "team": [{"name": m.name, "home_region": m.home_region} for m in booking.team],
        "decline_reason": booking.decline_reason or None,
        "created_at": isoformat_local(booking.created_at, listing.venue.timezone),
    }


def _date_arg(name):
    text = request.args.get(name)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(fields={name: [_("Not a date (YYYY-MM-DD).")]}) from None


def _range_args(required=False):
    start, end = _date_arg("from"), _date_arg("to")
    if (start is None) != (end is None):
        raise ValidationFailed(fields={"to" if end is None else "from": [_("Give both from and to.")]})
    if start is not None and end <= start:
        raise ValidationFailed(fields={"to": [_("“to” must be after “from” (it is not included).")]})
    if start is not None and (end - start).days > queries.MAX_RANGE_DAYS:
        raise ValidationFailed(fields={"to": [_("Ask for at most %(n)d days at once.", n=queries.MAX_RANGE_DAYS)]})
    return start, end


@bp.get("/spaces")
def list_spaces():
    start, end = _range_args()
    units = request.args.get("units", "1")
    if not units.isdigit() or int(units) < 1:
        raise ValidationFailed(fields={"units": [_("A whole number of at least 1.")]})
    listings = queries.search(organisation=request.args.get("organisation") or None,
                              region=request.args.get("region") or None, kind=request.args.get("kind") or None,
                              start=start, end=end, units=int(units))
    return jsonify([listing_json(x) for x in listings])


@bp.get("/spaces/<int:listing_id>")
def get_space(listing_id):
    return jsonify(listing_json(queries.visible_listing(listing_id)))


@bp.get("/spaces/<int:listing_id>/availability")
def space_availability(listing_id):
    listing = queries.visible_listing(listing_id)
    start, end = _range_args()
    if start is None:
        start = queries.local_today(listing)
        end = start + timedelta(days=DEFAULT_AVAILABILITY_DAYS)
    return jsonify([{"date": d.date.isoformat(), "free_units": d.free_units, "closed": d.closed is not None}
                    for d in queries.availability(listing, start, end)])


@bp.post("/spaces")
@token_required
def create_space():
    data = json_body()
    slug = data.get("organisation")
    if not isinstance(slug, str) or not slug:
        raise ValidationFailed(fields={"organisation": [_("The organisation's slug is required.")]})
    org = org_queries.organisation_by_slug(slug)
    # Check the role before the input, so outsiders learn nothing from validation.
    require_organiser(api_user(), org.id)
    form = validate_json_form(ListingJSONForm, data)
    listing = services.save_listing(api_user(), org.id, **{
        name: getattr(form, name).data for name in (
            "venue_id", "programme_id", "title", "description", "kind", "units", "min_days", "max_days",
            "available_from", "available_until", "booking_mode", "terms")},
        lead_days=form.lead_days.data or 0, status=form.status.data or "published")
    return jsonify(listing_json(listing)), 201


def _team(data):
    team = data.pop("team", None) or []
    message = _("A list of people: [{\"name\": …, \"home_region\": …}].")
    if not isinstance(team, list):
        raise ValidationFailed(fields={"team": [message]})
    members = []
    for item in team:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) \
                or not isinstance(item.get("home_region", ""), str):
            raise ValidationFailed(fields={"team": [message]})
        members.append((item["name"], item.get("home_region", "")))
    return members


@bp.post("/spaces/<int:listing_id>/bookings")
@token_required
def create_space_booking(listing_id):
    data = dict(json_body())
    team = _team(data)
    form = validate_json_form(BookingJSONForm, data)
    booking = services.create_booking(
        api_user(), listing_id, start_date=form.start_date.data, end_date=form.end_date.data,
        units=form.units.data or 1, purpose=form.purpose.data or "", team=team,
        accept_terms=data.get("accept_terms") is True)
    return jsonify(booking_json(booking)), 201


@bp.post("/space-bookings/<int:booking_id>/approve")
@token_required
def approve_space_booking(booking_id):
    return jsonify(booking_json(services.approve_booking(api_user(), booking_id)))


@bp.post("/space-bookings/<int:booking_id>/decline")
@token_required
def decline_space_booking(booking_id):
    data = json_body()
    reason = data.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise ValidationFailed(fields={"reason": [_("Expected text here.")]})
    return jsonify(booking_json(services.decline_booking(api_user(), booking_id, reason or "")))


@bp.delete("/space-bookings/<int:booking_id>")
@token_required
def cancel_space_booking(booking_id):
    return jsonify(booking_json(services.cancel_booking(api_user(), booking_id)))


_DATE = {"type": "string", "format": "date"}

SCHEMAS = {
    "SpaceListing": obj({
        "id": {"type": "integer"}, "title": {"type": "string"}, "organisation": {"type": "string"},
        "programme": {"type": ["string", "null"]}, "venue": {"type": "string", "description": "the venue's name"},
        "venue_id": {"type": "integer"}, "city": {"type": "string"},
        "timezone": {"type": "string", "description": "IANA zone of the venue; dates are its local days"},
        "kind": {"type": "string", "enum": list(KINDS)}, "units": {"type": "integer", "minimum": 1},
        "min_days": {"type": "integer"}, "max_days": {"type": "integer"},
        "booking_mode": {"type": "string", "enum": list(BOOKING_MODES)},
        "available_from": _DATE, "available_until": {**_DATE, "description": "last bookable day (included)"},
        "lead_days": {"type": "integer"}, "status": {"type": "string", "enum": list(LISTING_STATUSES)},
        "description": {"type": "string"}, "terms": {"type": "string"},
        "opening_hours": {"type": "array", "items": obj({
            "weekday": {"type": "integer", "minimum": 0, "maximum": 6, "description": "0 = Monday"},
            "opens": {"type": "string"}, "closes": {"type": "string"}})},
        "blackouts": {"type": "array", "items": obj({
            "start_date": _DATE, "end_date": {**_DATE, "description": "exclusive"}, "reason": {"type": "string"}})},
        "ical_url": {"type": "string", "format": "uri", "description": "public iCalendar feed (no personal data)"},
    }, required=["id", "title", "venue", "kind", "units", "min_days", "max_days", "booking_mode", "ical_url"]),
    "SpaceDay": obj({"date": _DATE, "free_units": {"type": "integer", "minimum": 0},
                     "closed": {"type": "boolean", "description": "outside the window or in a blackout"}},
                    required=["date", "free_units"]),
    "SpaceBooking": obj({
        "id": {"type": "integer"}, "listing_id": {"type": "integer"},
        "status": {"type": "string", "enum": list(BOOKING_STATUSES)},
        "start_date": _DATE, "end_date": {**_DATE, "description": "exclusive"}, "units": {"type": "integer"},
        "purpose": {"type": "string"},
        "team": {"type": "array", "items": obj({"name": {"type": "string"}, "home_region": {"type": "string"}})},
        "decline_reason": {"type": ["string", "null"]}, "created_at": {"type": "string", "format": "date-time"},
    }, required=["id", "status"]),
}

_listing_id = path_param("listing_id")
_booking_id = path_param("booking_id")
_from = query_param("from", fmt="date", description="first day of the range")
_to = query_param("to", fmt="date", description="day after the range (exclusive)")
_booking_ok = ok("The booking", ref("SpaceBooking"))

PATHS = {
    "/spaces": {
        "get": operation(
            "Published listings; with from/to only those free for the whole range",
            {**ok("Listings", {"type": "array", "items": ref("SpaceListing")}), **errors(422)},
            params=[query_param("organisation", description="organisation slug"), query_param("region"),
                    query_param("kind"), _from, _to, query_param("units", "integer", description="units needed")],
            tags=["spaces"]),
        "post": operation(
            "Create a listing (organisers of the organisation); status defaults to published",
            {**ok("Created", ref("SpaceListing"), status="201"), **errors(400, 401, 403, 404, 422)},
            auth=True, tags=["spaces"],
            body=obj({"organisation": {"type": "string"}, "venue_id": {"type": "integer"},
                      "programme_id": {"type": "integer"}, "title": {"type": "string"},
                      "description": {"type": "string"}, "kind": {"type": "string", "enum": list(KINDS)},
                      "units": {"type": "integer", "minimum": 1}, "min_days": {"type": "integer", "minimum": 1},
                      "max_days": {"type": "integer", "minimum": 1}, "available_from": _DATE,
                      "available_until": _DATE, "lead_days": {"type": "integer", "minimum": 0},
                      "booking_mode": {"type": "string", "enum": list(BOOKING_MODES)},
                      "terms": {"type": "string"}, "status": {"type": "string", "enum": list(LISTING_STATUSES)}},
                     required=["organisation", "venue_id", "title", "kind", "units", "min_days", "max_days",
                               "available_from", "available_until", "booking_mode"])),
    },
    "/spaces/{listing_id}": {"get": operation(
        "One listing", {**ok("The listing", ref("SpaceListing")), **errors(404)}, params=[_listing_id],
        tags=["spaces"])},
    "/spaces/{listing_id}/availability": {"get": operation(
        "Free units per day (default: the next 31 days)",
        {**ok("One entry per day", {"type": "array", "items": ref("SpaceDay")}), **errors(404, 422)},
        params=[_listing_id, _from, _to], tags=["spaces"])},
    "/spaces/{listing_id}/bookings": {"post": operation(
        "Request (request mode) or book (instant mode) whole days [start_date, end_date)",
        {**ok("Created: requested or confirmed", ref("SpaceBooking"), status="201"),
         **errors(400, 401, 404, 409, 422)},
        params=[_listing_id], auth=True, tags=["spaces"],
        body=obj({"start_date": _DATE, "end_date": {**_DATE, "description": "exclusive"},
                  "units": {"type": "integer", "minimum": 1, "default": 1}, "purpose": {"type": "string"},
                  "team": {"type": "array", "items": obj({"name": {"type": "string"},
                                                          "home_region": {"type": "string"}}, required=["name"])},
                  "accept_terms": {"type": "boolean", "const": True}},
                 required=["start_date", "end_date", "purpose", "accept_terms"]))},
    "/space-bookings/{booking_id}/approve": {"post": operation(
        "Approve a request (organisers); 409 no_capacity when it no longer fits",
        {**_booking_ok, **errors(401, 403, 404, 409)}, params=[_booking_id], auth=True, tags=["spaces"])},
    "/space-bookings/{booking_id}/decline": {"post": operation(
        "Decline a request with a reason the creative sees (organisers)",
        {**_booking_ok, **errors(400, 401, 403, 404, 409, 422)}, params=[_booking_id], auth=True, tags=["spaces"],
        body=obj({"reason": {"type": "string"}}, required=["reason"]))},
    "/space-bookings/{booking_id}": {"delete": operation(
        "Cancel a booking (its creative or the listing's organisers)",
        {**_booking_ok, **errors(401, 404, 409)}, params=[_booking_id], auth=True, tags=["spaces"])},
}
