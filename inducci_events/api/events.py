"""``/events``, their enrolments, ``/enrolments/<id>``, check-in and ``/me/enrolments``."""
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from ..core.auth import api_user
from ..organisations import queries as org_queries
from ..workshops import queries, services
from ..workshops.models import ENROLMENT_MODES, ENROLMENT_STATUSES, EVENT_STATUSES, QUESTION_KINDS
from . import bp
from .accounts import User
from .schema import (Body, Bool, Bounded, Day, FeedUrl, Id, Instant, Int, LocalTime, History, OneOf, Out, Query,
                     QueryInt, Text, check_text)

#: Bounds of one event's payload.
MAX_SESSIONS, MAX_QUESTIONS, MAX_CHOICES = 200, 50, 50
MAX_SEATS = 100_000

# --- input ---------------------------------------------------------------------------


class EventFilter(Query):
    organisation = Text(60, metadata={"description": "organisation slug"})
    programme = QueryInt(1, metadata={"description": "programme id"})
    date_from = Day(data_key="from", metadata={"description": "first day (UTC)"})
    date_to = Day(data_key="to", metadata={"description": "last day (UTC, included)"})
    q = Text(200, metadata={"description": "words in the title"})


class NewSession(Body):
    title = Text(200, required=True)
    starts_at = Instant(required=True)
    ends_at = Instant(required=True)
    venue_id = Id(required=True)
    module_label = Text(120, load_default="")
    notes = Text(5000, load_default="")


class NewQuestion(Body):
    label = Text(300, required=True)
    kind = OneOf(QUESTION_KINDS, load_default="text")
    required = Bool(load_default=False)
    choices = Bounded(Text(200), MAX_CHOICES, load_default=list, metadata={"description": "single choice only"})


class EventChanges(Body):
    """``PATCH /events/<id>``: only the keys sent change (``null`` clears the optional ones)."""

    title = Text(200, min_length=1)
    description = Text(20000)
    programme_id = Id(allow_none=True)
    status = OneOf(EVENT_STATUSES)
    enrolment_mode = OneOf(ENROLMENT_MODES)
    capacity = Int(1, MAX_SEATS, metadata={"description": "per event (series) or per session"})
    min_participants = Int(0, MAX_SEATS, allow_none=True)
    waitlist = Bool()
    requires_approval = Bool()
    registration_opens_at = Instant(allow_none=True)
    registration_closes_at = Instant(allow_none=True)
    cancel_until = Instant(allow_none=True)
    facilitators = Text(2000, metadata={"description": "one per line; they take no seat"})


class NewEvent(EventChanges):
    organisation = Text(60, required=True, metadata={"description": "slug"})
    title = Text(200, required=True)
    capacity = Int(1, MAX_SEATS, required=True, metadata={"description": "per event (series) or per session"})
    sessions = Bounded(fields.Nested(NewSession), MAX_SESSIONS, load_default=list)
    questions = Bounded(fields.Nested(NewQuestion), MAX_QUESTIONS, load_default=list)


class Answer(fields.Field):
    """An answer: text (at most 2000 characters) or, for yes/no questions, a boolean."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"type": ["string", "boolean"], "maxLength": 2000}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            return value
        if not isinstance(value, str) or len(value) > 2000:
            raise ValidationError(str(_l("Text of at most 2000 characters, or true/false.")))
        return check_text(value).strip()


class Answers(Body):
    session_id = Id(allow_none=True, metadata={"description": "session mode: the session to enrol in"})
    answers = fields.Dict(keys=Text(20), values=Answer(), load_default=dict,
                          validate=validate.Length(max=MAX_QUESTIONS),
                          metadata={"description": "question id -> answer"})


class Decision(Body):
    reason = Text(1000, load_default="", metadata={"description": "shown to the participant"})


class Presence(Body):
    present = Bool(required=True)


# --- output --------------------------------------------------------------------------


class SessionVenue(Out):
    id = Id(required=True)
    name = fields.String(required=True)
    city = fields.String(required=True)
    timezone = fields.String(required=True)


class EventSession(Out):
    id = Id(required=True, attribute="session.id")
    title = fields.String(required=True, attribute="session.title")
    module_label = fields.String(required=True, attribute="session.module_label")
    notes = fields.String(required=True, attribute="session.notes")
    starts_at = LocalTime("session.venue.timezone", required=True, attribute="session.starts_at")
    ends_at = LocalTime("session.venue.timezone", required=True, attribute="session.ends_at")
    venue = fields.Nested(SessionVenue, required=True, attribute="session.venue")
    confirmed_count = fields.Integer(attribute="seats.confirmed", metadata={"description": "session mode only"})
    waitlist_count = fields.Integer(attribute="seats.waitlisted", metadata={"description": "session mode only"})
    seats_left = fields.Integer(attribute="seats.seats_left", metadata={"description": "session mode only"})


class ProgrammeRef(Out):
    id = Id(required=True)
    title = fields.String(required=True)


class EventQuestion(Out):
    id = Id(required=True)
    kind = OneOf(QUESTION_KINDS, required=True)
    label = fields.String(required=True)
    required = fields.Boolean(required=True)
    choices = fields.List(fields.String(), required=True, attribute="choice_list")


class Event(Out):
    id = Id(required=True, attribute="event.id")
    title = fields.String(required=True, attribute="event.title")
    description = fields.String(required=True, attribute="event.description")
    organisation = fields.String(required=True, attribute="event.organisation.slug")
    programme = fields.Nested(ProgrammeRef, required=True, allow_none=True, attribute="event.programme")
    enrolment_mode = OneOf(ENROLMENT_MODES, required=True, attribute="event.enrolment_mode")
    capacity = fields.Integer(required=True, attribute="event.capacity",
                              metadata={"description": "per event (series) or per session"})
    min_participants = fields.Integer(required=True, attribute="event.min_participants")
    confirmed_count = fields.Integer(required=True)
    waitlist_count = fields.Integer(required=True)
    seats_left = fields.Integer(required=True)
    will_take_place = fields.Boolean(required=True)
    status = OneOf(EVENT_STATUSES, required=True, attribute="event.status")
    waitlist = fields.Boolean(required=True, attribute="event.waitlist")
    requires_approval = fields.Boolean(required=True, attribute="event.requires_approval")
    registration_opens_at = LocalTime("event.timezone", required=True, allow_none=True,
                                      attribute="event.registration_opens_at")
    registration_closes_at = LocalTime("event.timezone", required=True, allow_none=True,
                                       attribute="event.registration_closes_at")
    cancel_until = LocalTime("event.timezone", required=True, allow_none=True, attribute="event.cancel_until")
    facilitators = fields.List(fields.String(), required=True, attribute="event.facilitator_names")
    questions = fields.List(fields.Nested(EventQuestion), required=True, attribute="event.questions")
    sessions = fields.List(fields.Nested(EventSession), required=True)
    ical_url = FeedUrl("calendar.event_feed", "event_id", "event.id")


class Enrolment(Out):
    id = Id(required=True)
    event_id = Id(required=True)
    session_id = Id(required=True, allow_none=True)
    status = OneOf(ENROLMENT_STATUSES, required=True)


class Participant(Out):
    id = Id(required=True, attribute="enrolment.id")
    event_id = Id(required=True, attribute="enrolment.event_id")
    session_id = Id(required=True, allow_none=True, attribute="enrolment.session_id")
    status = OneOf(ENROLMENT_STATUSES, required=True, attribute="enrolment.status")
    decline_reason = fields.String(required=True, attribute="enrolment.decline_reason")
    user = fields.Nested(User, required=True, attribute="enrolment.user")
    answers = fields.Method("_answers", required=True, metadata={
        "type": "object", "additionalProperties": {"type": "string"}, "description": "question id -> answer"})
    waitlist_position = fields.Integer(required=True, allow_none=True)
    attendance_count = fields.Integer(required=True)
    attended_session_ids = fields.List(fields.Integer(), required=True)
    enrolled_at = fields.DateTime(required=True, attribute="enrolment.created_at")

    def _answers(self, row):
        return {str(question.id): answer for question, answer in row.answers}


class MyEnrolment(Out):
    id = Id(required=True, attribute="enrolment.id")
    event_id = Id(required=True, attribute="enrolment.event_id")
    event_title = fields.String(required=True, attribute="enrolment.event.title")
    session_id = Id(required=True, allow_none=True, attribute="enrolment.session_id")
    status = OneOf(ENROLMENT_STATUSES, required=True, attribute="enrolment.status")
    decline_reason = fields.String(required=True, attribute="enrolment.decline_reason")
    waitlist_position = fields.Integer(required=True, allow_none=True)
    can_cancel = fields.Boolean(required=True)
    starts_at = LocalTime("timezone", required=True, allow_none=True)
    ends_at = LocalTime("timezone", required=True, allow_none=True)
    ical_url = FeedUrl("calendar.event_feed", "event_id", "enrolment.event_id")


class Attendance(Out):
    session_id = Id(required=True)
    enrolment_id = Id(required=True)
    present = fields.Boolean(required=True)


# --- routes --------------------------------------------------------------------------


@bp.operation("/events", "GET", tag="events", errors=(404,))
@bp.arguments(EventFilter, location="query")
@bp.response(200, Event(many=True))
@bp.paginate()
def list_events(args):
    """Upcoming published events (404 for an unknown organisation)."""
    slug = args.get("organisation")
    return queries.upcoming_events(
        organisation=org_queries.organisation_by_slug(slug) if slug else None, programme_id=args.get("programme"),
        **queries.utc_day_range(args.get("date_from"), args.get("date_to")), q=args.get("q") or None)


@bp.operation("/events/<int:event_id>", "GET", tag="events", errors=(404,))
@bp.response(200, Event)
def get_event(event_id):
    """One event."""
    return queries.event_view(event_id)


@bp.operation("/events", "POST", tag="events", auth=True, errors=(403, 404))
@bp.arguments(NewEvent)
@bp.response(201, Event)
def create_event(data):
    """Create an event with its sessions and questions (organisers of the organisation)."""
    org = org_queries.organisation_by_slug(data.pop("organisation"))
    event = services.create_event(api_user(), org.id, **data)
    return queries.event_view(event.id, api_user())


@bp.operation("/events/<int:event_id>", "PATCH", tag="events", auth=True, errors=(403, 404, 409))
@bp.arguments(EventChanges)
@bp.response(200, Event)
def update_event(data, event_id):
    """Change an event, e.g. capacity (promotes from the waitlist) or status (cancelled cancels every enrolment)."""
    services.update_event(api_user(), event_id, **data)
    return queries.event_view(event_id, api_user())


@bp.operation("/events/<int:event_id>/enrolments", "POST", tag="events", auth=True, errors=(404, 409))
@bp.arguments(Answers, required=False)
@bp.response(201, Enrolment)
def enrol(data, event_id):
    """Enrol (the whole series, or one session in session mode): confirmed, waitlisted or pending."""
    return services.enrol(api_user(), event_id, session_id=data.get("session_id"), answers=data["answers"])


@bp.operation("/events/<int:event_id>/enrolments", "GET", tag="events", auth=True, errors=(403, 404))
@bp.response(200, Participant(many=True))
@bp.paginate()
def list_enrolments(event_id):
    """Participants with status, answers and attendance (organisers)."""
    return queries.participants(queries.organised_event(event_id, api_user()))


@bp.operation("/enrolments/<int:enrolment_id>", "DELETE", tag="events", auth=True, errors=(404, 409))
@bp.response(200, Enrolment)
def cancel_enrolment(enrolment_id):
    """Cancel an enrolment (its participant until the deadline, or an organiser)."""
    return services.cancel_enrolment(api_user(), enrolment_id)


@bp.operation("/enrolments/<int:enrolment_id>/approve", "POST", tag="events", auth=True, errors=(403, 404, 409))
@bp.response(200, Enrolment)
def approve_enrolment(enrolment_id):
    """Approve a pending enrolment (organisers): confirmed if a seat is free, else waitlisted."""
    return services.approve_enrolment(api_user(), enrolment_id)


@bp.operation("/enrolments/<int:enrolment_id>/decline", "POST", tag="events", auth=True, errors=(403, 404, 409))
@bp.arguments(Decision, required=False)
@bp.response(200, Enrolment)
def decline_enrolment(data, enrolment_id):
    """Decline a pending or waitlisted enrolment (organisers), with an optional reason."""
    return services.decline_enrolment(api_user(), enrolment_id, reason=data["reason"])


@bp.operation("/sessions/<int:session_id>/attendance/<int:enrolment_id>", "PUT", tag="events", auth=True,
              errors=(403, 404, 409))
@bp.arguments(Presence)
@bp.response(200, Attendance)
def set_attendance(data, session_id, enrolment_id):
    """Check a confirmed participant in at a session, or undo it (organisers; idempotent)."""
    present = services.set_attendance(api_user(), session_id, enrolment_id, data["present"])
    return {"session_id": session_id, "enrolment_id": enrolment_id, "present": present}


@bp.operation("/me/enrolments", "GET", tag="accounts", auth=True)
@bp.arguments(History, location="query")
@bp.response(200, MyEnrolment(many=True))
@bp.paginate()
def my_enrolments(args):
    """The caller's enrolments: upcoming first (``past=true``: the history, latest first)."""
    return queries.enrolments_of(api_user(), past=args["past"])
