"""``/events``, their enrolments, and ``/enrolments/<id>`` (the events part of shared/API.md)."""
from datetime import datetime, time, timezone

from flask import jsonify, request
from flask_babel import gettext as _

from ..core.auth import api_user, require_organiser, token_required
from ..core.errors import ValidationFailed
from ..core.http import form_errors, json_body, json_to_formdata, validate_json_form
from ..core.timeutil import isoformat_local
from ..extensions import db
from ..organisations import queries as org_queries
from ..workshops import queries, services
from ..workshops.forms import ApiEventForm, ApiQuestionForm, ApiSessionForm
from ..workshops.models import Event
from . import bp
from .serialise import ical_url, user_json
from .schema import errors, obj, ok, operation, path_param, query_param, ref


def _iso(value, tz):
    return isoformat_local(value, tz) if value is not None else None


def session_json(view):
    s = view.session
    data = {"id": s.id, "title": s.title, "module_label": s.module_label, "notes": s.notes,
            "starts_at": _iso(s.starts_at, s.venue.timezone), "ends_at": _iso(s.ends_at, s.venue.timezone),
            "venue": {"id": s.venue.id, "name": s.venue.name, "city": s.venue.city, "timezone": s.venue.timezone}}
    if view.seats is not None:
        data.update(confirmed_count=view.seats.confirmed, waitlist_count=view.seats.waitlisted,
                    seats_left=view.seats.seats_left)
    return data


def event_json(view):
    e = view.event
    tz = e.timezone
    return {
        "id": e.id, "title": e.title, "description": e.description, "organisation": e.organisation.slug,
        "programme": ({"id": e.programme.id, "title": e.programme.title} if e.programme else None),
        "enrolment_mode": e.enrolment_mode, "capacity": e.capacity, "min_participants": e.min_participants,
        "confirmed_count": view.confirmed_count, "waitlist_count": view.waitlist_count,
        "seats_left": view.seats_left, "will_take_place": view.will_take_place, "status": e.status,
        "waitlist": e.waitlist, "requires_approval": e.requires_approval,
        "registration_opens_at": _iso(e.registration_opens_at, tz),
        "registration_closes_at": _iso(e.registration_closes_at, tz), "cancel_until": _iso(e.cancel_until, tz),
        "facilitators": e.facilitator_names,
        "questions": [{"id": q.id, "kind": q.kind, "label": q.label, "required": q.required,
                       "choices": q.choice_list} for q in e.questions],
        "sessions": [session_json(v) for v in view.sessions],
        "ical_url": ical_url("calendar.event_feed", event_id=e.id),
    }


def _date_param(name, end=False):
    text = request.args.get(name)
    if not text:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationFailed(fields={name: [_("A date as YYYY-MM-DD.")]}) from None
    return datetime.combine(day, time(23, 59, 59) if end else time(0), tzinfo=timezone.utc)


@bp.get("/events")
def list_events():
    org_slug = request.args.get("organisation")
    organisation = org_queries.organisation_by_slug(org_slug) if org_slug else None
    programme = request.args.get("programme")
    if programme and not programme.isdigit():
        raise ValidationFailed(fields={"programme": [_("A programme id (a number).")]})
    views = queries.upcoming_events(organisation=organisation, programme_id=int(programme) if programme else None,
                                    date_from=_date_param("from"), date_to=_date_param("to", end=True),
                                    q=(request.args.get("q") or "").strip() or None)
    return jsonify([event_json(v) for v in views])


@bp.get("/events/<int:event_id>")
def get_event(event_id):
    return jsonify(event_json(queries.event_view(event_id)))


def _event_values(form, data):
    """The fields present in the JSON body, as service keyword arguments."""
    values = {}
    for name in services.EVENT_FIELDS:
        if name in data:
            values[name] = getattr(form, name).data
    if "min_participants" in values and values["min_participants"] is None:
        values["min_participants"] = 0
    return values


def _nested(data, key, form_class):
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValidationFailed(fields={key: [_("A list of objects.")]})
    parsed, wrong = [], {}
    for i, item in enumerate(items):
        item = dict(item)
        if isinstance(item.get("choices"), list):
            item["choices"] = "\n".join(str(c) for c in item["choices"])
        form = form_class(formdata=json_to_formdata(item), meta={"csrf": False})
        if not form.validate():
            wrong.update({f"{key}.{i}.{name}": messages for name, messages in form_errors(form).items()})
            continue
        parsed.append({name: field.data for name, field in form._fields.items()})
    if wrong:
        raise ValidationFailed(fields=wrong)
    return parsed


@bp.post("/events")
@token_required
def create_event():
    data = json_body()
    org = org_queries.organisation_by_slug(str(data.get("organisation") or ""))
    require_organiser(api_user(), org.id)
    form = validate_json_form(ApiEventForm, {k: v for k, v in data.items() if k not in ("sessions", "questions")})
    missing = {k: [_("Required.")] for k in ("title", "capacity") if getattr(form, k).data in (None, "")}
    if missing:
        raise ValidationFailed(fields=missing)
    sessions = _nested(data, "sessions", ApiSessionForm)
    questions = [{k: q[k] for k in ("kind", "label", "required", "choices")} | {"kind": q["kind"] or "text"}
                 for q in _nested(data, "questions", ApiQuestionForm)]
    values = _event_values(form, data)
    values.pop("title"), values.pop("capacity")
    event = services.create_event(api_user(), org.id, title=form.title.data, capacity=form.capacity.data,
                                  sessions=sessions, questions=questions, **values)
    return jsonify(event_json(queries.event_view(event.id, api_user()))), 201


@bp.patch("/events/<int:event_id>")
@token_required
def update_event(event_id):
    data = json_body()
    _organised_event(event_id)
    form = validate_json_form(ApiEventForm, data)
    values = _event_values(form, data)
    for name in ("title", "capacity", "status", "enrolment_mode"):
        if name in values and values[name] in (None, ""):
            raise ValidationFailed(fields={name: [_("Required.")]})
    services.update_event(api_user(), event_id, **values)
    return jsonify(event_json(queries.event_view(event_id, api_user())))


@bp.post("/events/<int:event_id>/enrolments")
@token_required
def enrol(event_id):
    data = json_body()
    session_id, answers = data.get("session_id"), data.get("answers") or {}
    if session_id is not None and (isinstance(session_id, bool) or not isinstance(session_id, int)):
        raise ValidationFailed(fields={"session_id": [_("A session id (a number).")]})
    if not isinstance(answers, dict):
        raise ValidationFailed(fields={"answers": [_("An object of question id to answer.")]})
    enrolment = services.enrol(api_user(), event_id, session_id=session_id, answers=answers)
    return jsonify(enrolment_json(enrolment)), 201


@bp.delete("/enrolments/<int:enrolment_id>")
@token_required
def cancel_enrolment(enrolment_id):
    enrolment = services.cancel_enrolment(api_user(), enrolment_id)
    return jsonify({"id": enrolment.id, "status": enrolment.status})


@bp.get("/events/<int:event_id>/enrolments")
@token_required
def list_enrolments(event_id):
    return jsonify([enrolment_json(r.enrolment, r) for r in queries.participants(_organised_event(event_id))])


def _organised_event(event_id):
    """The event, when the token's user organises its organisation (404, then 403)."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise services.EventNotFound()
    require_organiser(api_user(), event.organisation_id)
    return event


def enrolment_json(enrolment, row=None):
    """An enrolment; with its participant row (organisers) the person, answers and attendance too."""
    data = {"id": enrolment.id, "event_id": enrolment.event_id, "session_id": enrolment.session_id,
            "status": enrolment.status}
    if row is not None:
        data.update(user=user_json(enrolment.user), answers={str(q.id): a for q, a in row.answers},
                    waitlist_position=row.waitlist_position, attendance_count=row.attendance_count,
                    enrolled_at=enrolment.created_at.isoformat())
    return data


_dt = {"type": ["string", "null"], "format": "date-time"}

SCHEMAS = {
    "EventSession": obj({
        "id": {"type": "integer"}, "title": {"type": "string"}, "module_label": {"type": "string"},
        "notes": {"type": "string"}, "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "venue": obj({"id": {"type": "integer"}, "name": {"type": "string"}, "city": {"type": "string"},
                      "timezone": {"type": "string"}}),
        "confirmed_count": {"type": "integer", "description": "session mode only"},
        "waitlist_count": {"type": "integer"}, "seats_left": {"type": "integer"},
    }, required=["id", "title", "starts_at", "ends_at", "venue"]),
    "Event": obj({
        "id": {"type": "integer"}, "title": {"type": "string"}, "description": {"type": "string"},
        "organisation": {"type": "string"},
        "programme": {"oneOf": [obj({"id": {"type": "integer"}, "title": {"type": "string"}}), {"type": "null"}]},
        "enrolment_mode": {"type": "string", "enum": ["series", "session"]},
        "capacity": {"type": "integer", "description": "per event (series) or per session"},
        "min_participants": {"type": "integer"}, "confirmed_count": {"type": "integer"},
        "waitlist_count": {"type": "integer"}, "seats_left": {"type": "integer"},
        "will_take_place": {"type": "boolean"},
        "status": {"type": "string", "enum": ["draft", "published", "cancelled"]},
        "waitlist": {"type": "boolean"}, "requires_approval": {"type": "boolean"},
        "registration_opens_at": _dt, "registration_closes_at": _dt, "cancel_until": _dt,
        "facilitators": {"type": "array", "items": {"type": "string"}},
        "questions": {"type": "array", "items": obj({
            "id": {"type": "integer"}, "kind": {"type": "string", "enum": ["text", "choice", "yesno"]},
            "label": {"type": "string"}, "required": {"type": "boolean"},
            "choices": {"type": "array", "items": {"type": "string"}}})},
        "sessions": {"type": "array", "items": ref("EventSession")},
        "ical_url": {"type": "string", "format": "uri", "description": "public iCalendar feed (no personal data)"},
    }, required=["id", "title", "organisation", "programme", "enrolment_mode", "capacity", "min_participants",
                 "confirmed_count", "waitlist_count", "seats_left", "status", "registration_closes_at",
                 "sessions", "ical_url"]),
    "Enrolment": obj({
        "id": {"type": "integer"}, "event_id": {"type": "integer"}, "session_id": {"type": ["integer", "null"]},
        "status": {"type": "string", "enum": ["pending", "confirmed", "waitlisted", "cancelled", "declined"]},
        "user": obj({"id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"}}),
        "answers": {"type": "object", "additionalProperties": {"type": "string"},
                    "description": "question id -> answer"},
        "waitlist_position": {"type": ["integer", "null"]}, "attendance_count": {"type": "integer"},
        "enrolled_at": {"type": "string", "format": "date-time"},
    }, required=["id", "status"]),
}

_event_id = path_param("event_id")
_event_fields = {
    "organisation": {"type": "string", "description": "slug"}, "title": {"type": "string"},
    "description": {"type": "string"}, "programme_id": {"type": "integer"},
    "status": {"type": "string", "enum": ["draft", "published", "cancelled"]},
    "enrolment_mode": {"type": "string", "enum": ["series", "session"]},
    "capacity": {"type": "integer", "minimum": 1}, "min_participants": {"type": "integer", "minimum": 0},
    "waitlist": {"type": "boolean"}, "requires_approval": {"type": "boolean"},
    "registration_opens_at": {"type": "string", "format": "date-time"},
    "registration_closes_at": {"type": "string", "format": "date-time"},
    "cancel_until": {"type": "string", "format": "date-time"},
    "facilitators": {"type": "string", "description": "one per line; they take no seat"},
}

PATHS = {
    "/events": {
        "get": operation(
            "Upcoming published events", {**ok("Events", {"type": "array", "items": ref("Event")}),
                                          **errors(404, 422)},
            params=[query_param("organisation", description="organisation slug"),
                    query_param("programme", "integer"), query_param("from", fmt="date"),
                    query_param("to", fmt="date"), query_param("q", description="words in the title")],
            tags=["events"]),
        "post": operation(
            "Create an event with its sessions (organisers of the organisation)",
            {**ok("Created", ref("Event"), status="201"), **errors(400, 401, 403, 404, 422)},
            auth=True, tags=["events"],
            body=obj({**_event_fields,
                      "sessions": {"type": "array", "items": obj({
                          "title": {"type": "string"}, "starts_at": {"type": "string", "format": "date-time"},
                          "ends_at": {"type": "string", "format": "date-time"}, "venue_id": {"type": "integer"},
                          "module_label": {"type": "string"}, "notes": {"type": "string"}},
                          required=["title", "starts_at", "ends_at", "venue_id"])},
                      "questions": {"type": "array", "items": obj({
                          "label": {"type": "string"}, "kind": {"type": "string", "enum": ["text", "choice", "yesno"]},
                          "required": {"type": "boolean"},
                          "choices": {"type": "array", "items": {"type": "string"}}}, required=["label"])}},
                     required=["organisation", "title", "capacity"])),
    },
    "/events/{event_id}": {
        "get": operation("One event", {**ok("The event", ref("Event")), **errors(404)}, params=[_event_id],
                         tags=["events"]),
        "patch": operation(
            "Change an event, e.g. capacity (promotes from the waitlist) or status (cancelled cancels every "
            "enrolment)", {**ok("The event", ref("Event")), **errors(400, 401, 403, 404, 409, 422)},
            params=[_event_id], auth=True, tags=["events"], body=obj(_event_fields)),
    },
    "/events/{event_id}/enrolments": {
        "post": operation(
            "Enrol (the whole series, or one session in session mode)",
            {**ok("Enrolled", obj({"id": {"type": "integer"}, "status": {
                "type": "string", "enum": ["confirmed", "waitlisted", "pending"]}}), status="201"),
             **errors(400, 401, 404, 409, 422)},
            params=[_event_id], auth=True, tags=["events"],
            body=obj({"session_id": {"type": "integer"},
                      "answers": {"type": "object", "description": "question id -> answer"}})),
        "get": operation(
            "Participants with status and answers (organisers)",
            {**ok("Enrolments", {"type": "array", "items": ref("Enrolment")}), **errors(401, 403, 404)},
            params=[_event_id], auth=True, tags=["events"]),
    },
    "/enrolments/{enrolment_id}": {"delete": operation(
        "Cancel an enrolment (its participant until the deadline, or an organiser)",
        {**ok("Cancelled", obj({"id": {"type": "integer"}, "status": {"type": "string", "enum": ["cancelled"]}})),
         **errors(401, 404, 409)},
        params=[path_param("enrolment_id")], auth=True, tags=["events"])},
}
