"""``/helpdesks``: the desk directory, free slots, desks, advisers, rules and appointments."""
from datetime import date, timedelta

from flask import jsonify, request
from flask_babel import gettext as _

from ..core.auth import api_user, require_organiser, token_required
from ..core.db import utcnow
from ..core.errors import ValidationFailed
from ..core.http import json_body, validate_json_form
from ..core.timeutil import isoformat_local
from ..helpdesk import queries, services
from ..helpdesk.forms import AdviserForm, ApiDeskForm, ApiRuleForm, BookingForm
from ..organisations import queries as org_queries
from . import bp
from .serialise import ical_url
from .schema import errors, obj, ok, operation, path_param, query_param, ref

MAX_SLOT_RANGE_DAYS = 62


def helpdesk_json(desk):
    return {"id": desk.id, "name": desk.name, "organisation": desk.organisation.slug,
            "venue": ({"id": desk.venue.id, "name": desk.venue.name, "address": desk.venue.address}
                      if desk.venue else None),
            "online": desk.online, "topics": list(desk.topics), "languages": list(desk.languages),
            "network": desk.network, "timezone": desk.timezone, "description": desk.description,
            "lead_time_hours": desk.lead_time_hours, "horizon_days": desk.horizon_days,
            "cancel_until_hours": desk.cancel_until_hours, "max_upcoming_per_person": desk.max_upcoming_per_person,
            "advisers": [{"id": a.id, "name": a.name} for a in desk.advisers],
            "ical_url": ical_url("calendar.desk_feed", desk_id=desk.id)}


def appointment_json(appointment, viewer):
    data = {"id": appointment.id, "helpdesk_id": appointment.desk_id, "adviser_id": appointment.adviser_id,
            "adviser": appointment.adviser.name,
            "starts_at": isoformat_local(appointment.starts_at, appointment.desk.timezone),
            "ends_at": isoformat_local(appointment.ends_at, appointment.desk.timezone),
            "topic": appointment.topic, "message": appointment.message, "mode": appointment.mode,
            "status": appointment.status}
    if appointment.address:
        data["address"] = appointment.address
    # The meeting link is for the booked person only.
    if viewer is not None and viewer.id == appointment.user_id and appointment.mode == "online":
        data["meeting_link"] = appointment.desk.meeting_link or None
    return data


def _date_arg(name, default):
    text = request.args.get(name)
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(fields={name: [_("A date as YYYY-MM-DD.")]}) from None


@bp.get("/helpdesks")
def list_helpdesks():
    found = queries.desks(organisation=request.args.get("organisation") or None,
                          topic=request.args.get("topic") or None)
    return jsonify([helpdesk_json(d) for d in found])


@bp.get("/helpdesks/<int:desk_id>/slots")
def helpdesk_slots(desk_id):
    desk = queries.desk_or_404(desk_id)
    today = utcnow().date()
    first = _date_arg("from", today)
    last = _date_arg("to", first + timedelta(days=7))
    if last < first:
        raise ValidationFailed(fields={"to": [_("“to” must not be before “from”.")]})
    if (last - first).days > MAX_SLOT_RANGE_DAYS:
        raise ValidationFailed(fields={"to": [_("At most %(n)d days at once.", n=MAX_SLOT_RANGE_DAYS)]})
    # ``to`` is inclusive: the whole last local day.
    start, end = queries.local_day_bounds(first, desk.timezone, days=(last - first).days + 1)
    slots = queries.free_slots([desk.id], start, end)
    return jsonify([{"adviser_id": s.adviser_id, "starts_at": isoformat_local(s.starts_at, desk.timezone),
                     "ends_at": isoformat_local(s.ends_at, desk.timezone), "seats_left": s.seats_left,
                     "mode": s.mode} for s in slots])


@bp.post("/helpdesks")
@token_required
def create_helpdesk():
    data = json_body()
    slug = data.get("organisation")
    org = org_queries.organisation_by_slug(slug) if isinstance(slug, str) else None
    if org is None:
        raise ValidationFailed(fields={"organisation": [_("The slug of your organisation.")]})
    require_organiser(api_user(), org.id)
    form = validate_json_form(ApiDeskForm, data)
    values = {name: getattr(form, name).data for name in (
        "name", "online", "meeting_link", "topics", "languages", "network", "description")}
    # Booking settings left out of the body take the service's defaults.
    for name in ("lead_time_hours", "horizon_days", "cancel_until_hours", "max_upcoming_per_person"):
        if getattr(form, name).data is not None:
            values[name] = getattr(form, name).data
    desk = services.create_desk(api_user(), org.id, venue_id=form.venue_id.data, **values)
    return jsonify(helpdesk_json(desk)), 201


@bp.post("/helpdesks/<int:desk_id>/advisers")
@token_required
def add_helpdesk_adviser(desk_id):
    desk = queries.desk_or_404(desk_id)
    require_organiser(api_user(), desk.organisation_id)
    form = validate_json_form(AdviserForm)
    adviser = services.add_adviser(api_user(), desk.id, email=form.email.data, bio=form.bio.data,
                                   topics=form.topics.data)
    return jsonify({"id": adviser.id, "name": adviser.name, "bio": adviser.bio, "topics": adviser.topics}), 201


@bp.post("/helpdesks/<int:desk_id>/rules")
@token_required
def add_helpdesk_rule(desk_id):
    desk = queries.desk_or_404(desk_id)
    require_organiser(api_user(), desk.organisation_id)
    form = validate_json_form(ApiRuleForm)
    rule = services.add_rule(
        api_user(), desk.id, adviser_id=form.adviser_id.data, weekdays=form.weekdays.data,
        start_time=form.start_time.data, end_time=form.end_time.data, slot_minutes=form.slot_minutes.data,
        valid_from=form.valid_from.data, valid_until=form.valid_until.data, seats=form.seats.data or 1,
        buffer_minutes=form.buffer_minutes.data or 0, mode=form.mode.data or "onsite")
    return jsonify({"id": rule.id, "helpdesk_id": desk.id, "adviser_id": rule.adviser_id,
                    "weekdays": rule.weekday_list, "start_time": rule.start_time.strftime("%H:%M"),
                    "end_time": rule.end_time.strftime("%H:%M"), "slot_minutes": rule.slot_minutes,
                    "buffer_minutes": rule.buffer_minutes, "seats": rule.seats, "mode": rule.mode,
                    "valid_from": rule.valid_from.isoformat(),
                    "valid_until": rule.valid_until.isoformat() if rule.valid_until else None}), 201


@bp.post("/helpdesks/<int:desk_id>/appointments")
@token_required
def book_appointment(desk_id):
    desk = queries.desk_or_404(desk_id)
    form = validate_json_form(BookingForm)
    appointment = services.book(api_user(), desk.id, form.adviser_id.data, form.starts_at.data_utc,
                                topic=form.topic.data, message=form.message.data)
    return jsonify(appointment_json(appointment, api_user())), 201


@bp.delete("/appointments/<int:appointment_id>")
@token_required
def cancel_appointment(appointment_id):
    appointment = services.cancel(api_user(), appointment_id)
    return jsonify(appointment_json(appointment, api_user())), 200


_desk_id = path_param("desk_id")
_time = {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}

SCHEMAS = {
    "HelpDesk": obj({
        "id": {"type": "integer"}, "name": {"type": "string"}, "organisation": {"type": "string"},
        "venue": {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                                             "address": {"type": "string"}}},
        "online": {"type": "boolean"}, "topics": {"type": "array", "items": {"type": "string"}},
        "languages": {"type": "array", "items": {"type": "string"}}, "network": {"type": "string"},
        "timezone": {"type": "string"}, "description": {"type": "string"},
        "lead_time_hours": {"type": "integer"}, "horizon_days": {"type": "integer"},
        "cancel_until_hours": {"type": "integer"}, "max_upcoming_per_person": {"type": "integer"},
        "advisers": {"type": "array", "items": obj({"id": {"type": "integer"}, "name": {"type": "string"}})},
        "ical_url": {"type": "string", "format": "uri", "description": "public iCalendar feed (no personal data)"},
    }, required=["id", "name", "organisation", "venue", "topics", "advisers", "ical_url"]),
    "Slot": obj({
        "adviser_id": {"type": "integer"}, "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"}, "seats_left": {"type": "integer"},
        "mode": {"type": "string", "enum": ["onsite", "online"]},
    }, required=["adviser_id", "starts_at", "ends_at", "seats_left"]),
    "Appointment": obj({
        "id": {"type": "integer"}, "helpdesk_id": {"type": "integer"}, "adviser_id": {"type": "integer"},
        "adviser": {"type": "string"}, "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"}, "topic": {"type": "string"},
        "message": {"type": "string"}, "mode": {"type": "string", "enum": ["onsite", "online", "visit"]},
        "address": {"type": "string"},
        "status": {"type": "string", "enum": ["confirmed", "cancelled", "completed", "no_show"]},
        "meeting_link": {"type": ["string", "null"], "description": "only for the booked person, online slots"},
    }, required=["id", "helpdesk_id", "adviser_id", "starts_at", "ends_at", "topic", "status"]),
}

PATHS = {
    "/helpdesks": {
        "get": operation("Help desks, filterable by organisation and topic",
                         ok("Desks", {"type": "array", "items": ref("HelpDesk")}),
                         params=[query_param("organisation", description="organisation slug"),
                                 query_param("topic")], tags=["helpdesks"]),
        "post": operation(
            "Create a help desk (organisers of the organisation)",
            {**ok("Created", ref("HelpDesk"), status="201"), **errors(400, 401, 403, 404, 422)},
            auth=True, tags=["helpdesks"],
            body=obj({"organisation": {"type": "string"}, "name": {"type": "string"},
                      "venue_id": {"type": "integer"}, "online": {"type": "boolean"},
                      "topics": {"type": "array", "items": {"type": "string"}},
                      "languages": {"type": "array", "items": {"type": "string"}},
                      "network": {"type": "string"}, "description": {"type": "string"},
                      "meeting_link": {"type": "string", "format": "uri"},
                      "lead_time_hours": {"type": "integer", "default": 12},
                      "horizon_days": {"type": "integer", "default": 56},
                      "cancel_until_hours": {"type": "integer", "default": 24},
                      "max_upcoming_per_person": {"type": "integer", "default": 3}},
                     required=["organisation", "name"])),
    },
    "/helpdesks/{desk_id}/slots": {"get": operation(
        "Free slots of a desk (local dates in the desk's zone, `to` inclusive, at most 62 days)",
        {**ok("Free slots only", {"type": "array", "items": ref("Slot")}), **errors(404, 422)},
        params=[_desk_id, query_param("from", fmt="date"), query_param("to", fmt="date")], tags=["helpdesks"])},
    "/helpdesks/{desk_id}/advisers": {"post": operation(
        "Add an adviser (a user with the adviser role of the desk's organisation)",
        {**ok("The adviser profile", obj({"id": {"type": "integer"}, "name": {"type": "string"},
                                          "bio": {"type": "string"},
                                          "topics": {"type": "array", "items": {"type": "string"}}}),
              status="201"), **errors(400, 401, 403, 404, 422)},
        params=[_desk_id], auth=True, tags=["helpdesks"],
        body=obj({"email": {"type": "string", "format": "email"}, "bio": {"type": "string"},
                  "topics": {"type": "array", "items": {"type": "string"}}}, required=["email"]))},
    "/helpdesks/{desk_id}/rules": {"post": operation(
        "Add weekly office hours (wall-clock times in the desk's zone; weekdays 0 = Monday)",
        {**ok("The rule", {"type": "object"}, status="201"), **errors(400, 401, 403, 404, 422)},
        params=[_desk_id], auth=True, tags=["helpdesks"],
        body=obj({"adviser_id": {"type": "integer"},
                  "weekdays": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 6}},
                  "start_time": _time, "end_time": _time, "slot_minutes": {"type": "integer"},
                  "valid_from": {"type": "string", "format": "date"},
                  "valid_until": {"type": "string", "format": "date"},
                  "seats": {"type": "integer", "default": 1}, "buffer_minutes": {"type": "integer", "default": 0},
                  "mode": {"type": "string", "enum": ["onsite", "online"]}},
                 required=["adviser_id", "weekdays", "start_time", "end_time", "slot_minutes", "valid_from"]))},
    "/helpdesks/{desk_id}/appointments": {"post": operation(
        "Book a slot (409 slot_taken, adviser_busy, adviser_absent, already_booked, too_many_appointments; "
        "422 not_a_slot, in_the_past, inside_lead_time, beyond_horizon)",
        {**ok("Booked", ref("Appointment"), status="201"), **errors(400, 401, 404, 409, 422)},
        params=[_desk_id], auth=True, tags=["helpdesks"],
        body=obj({"adviser_id": {"type": "integer"}, "starts_at": {"type": "string", "format": "date-time"},
                  "topic": {"type": "string"}, "message": {"type": "string"}},
                 required=["adviser_id", "starts_at", "topic"]))},
    "/appointments/{appointment_id}": {"delete": operation(
        "Cancel an appointment (the person until the desk's deadline; its adviser and organisers any time)",
        {**ok("Cancelled", ref("Appointment")), **errors(401, 404, 409)},
        params=[path_param("appointment_id")], auth=True, tags=["helpdesks"])},
}
