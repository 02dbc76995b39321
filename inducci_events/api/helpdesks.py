"""``/helpdesks``: the desk directory, free slots, desks, advisers, rules and appointments."""
import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import fields

from ..core.auth import api_user
from ..core.errors import NotFound, ValidationFailed
from ..helpdesk import queries, services
from ..helpdesk.models import APPOINTMENT_STATUSES, MODES, RULE_MODES
from ..organisations import queries as org_queries
from . import bp
from .schema import (Body, Bool, Bounded, Clock, Day, Email, FeedUrl, History, Id, Instant, Int, LocalTime, OneOf, Out,
                     Query, Text)

MAX_TOPICS = 30

# --- input ---------------------------------------------------------------------------


class DeskFilter(Query):
    organisation = Text(60, metadata={"description": "organisation slug"})
    topic = Text(80)


class SlotRange(Query):
    first = Day(data_key="from", metadata={"description": "first local day (default: the desk's today)"})
    last = Day(data_key="to", metadata={"description": "last local day, included (default: a week on); "
                                                       "at most 62 days"})


class NewDesk(Body):
    """Booking settings left out take the defaults (12 h, 56 days, 24 h, 3)."""

    organisation = Text(60, required=True, metadata={"description": "slug"})
    name = Text(200, required=True)
    venue_id = Id(allow_none=True)
    online = Bool(load_default=False)
    meeting_link = fields.Url(validate=ma.validate.Length(max=500), require_tld=False)
    topics = Bounded(Text(80), MAX_TOPICS, load_default=list)
    languages = Bounded(Text(80), MAX_TOPICS, load_default=list)
    network = Text(120, load_default="")
    description = Text(5000, load_default="")
    lead_time_hours = Int(0, 720)
    horizon_days = Int(1, 365)
    cancel_until_hours = Int(0, 720)
    max_upcoming_per_person = Int(1, 50)


class DeskChanges(Body):
    """``PATCH /helpdesks/<id>``: only the keys sent change. A new ``venue_id`` (``null``: none,
    for an online desk) moves the upcoming on-site appointments and tells each person."""

    name = Text(200, min_length=1)
    venue_id = Id(allow_none=True)
    online = Bool()
    meeting_link = fields.Url(validate=ma.validate.Length(max=500), require_tld=False, allow_none=True)
    topics = Bounded(Text(80), MAX_TOPICS)
    languages = Bounded(Text(80), MAX_TOPICS)
    network = Text(120, allow_none=True)
    description = Text(5000, allow_none=True)
    lead_time_hours = Int(0, 720)
    horizon_days = Int(1, 365)
    cancel_until_hours = Int(0, 720)
    max_upcoming_per_person = Int(1, 50)


class NewAdviser(Body):
    email = Email(required=True)
    bio = Text(2000, load_default="")
    topics = Bounded(Text(80), MAX_TOPICS, load_default=list)


class Weekdays(fields.List):
    """Weekdays 0 (Monday) to 6; an error is reported on the list, not on an item."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ma.ValidationError:
            raise ma.ValidationError(_("Weekdays are 0 (Monday) to 6 (Sunday).")) from None


class NewRule(Body):
    adviser_id = Id(required=True)
    weekdays = Weekdays(Int(0, 6), required=True, validate=ma.validate.Length(min=1, max=7),
                        metadata={"description": "0 = Monday"})
    start_time = Clock(required=True, metadata={"description": "wall-clock time in the desk's zone"})
    end_time = Clock(required=True)
    slot_minutes = Int(5, 480, required=True)
    valid_from = Day(required=True)
    valid_until = Day(allow_none=True, load_default=None)
    seats = Int(1, 100, load_default=1)
    buffer_minutes = Int(0, 240, load_default=0)
    mode = OneOf(RULE_MODES, load_default="onsite")


class NewAppointment(Body):
    adviser_id = Id(required=True)
    starts_at = Instant(required=True)
    topic = Text(120, required=True)
    message = Text(5000, load_default="")


# --- output --------------------------------------------------------------------------


class DeskVenue(Out):
    id = Id(required=True)
    name = fields.String(required=True)
    address = fields.String(required=True)


class AdviserRef(Out):
    id = Id(required=True)
    name = fields.String(required=True)


class HelpDesk(Out):
    id = Id(required=True)
    name = fields.String(required=True)
    organisation = fields.String(required=True, attribute="organisation.slug")
    venue = fields.Nested(DeskVenue, required=True, allow_none=True)
    online = fields.Boolean(required=True)
    topics = fields.List(fields.String(), required=True)
    languages = fields.List(fields.String(), required=True)
    network = fields.String(required=True)
    timezone = fields.String(required=True)
    description = fields.String(required=True)
    lead_time_hours = fields.Integer(required=True)
    horizon_days = fields.Integer(required=True)
    cancel_until_hours = fields.Integer(required=True)
    max_upcoming_per_person = fields.Integer(required=True)
    advisers = fields.List(fields.Nested(AdviserRef), required=True)
    ical_url = FeedUrl("calendar.desk_feed", "desk_id", "id")


class Slot(Out):
    adviser_id = Id(required=True)
    starts_at = LocalTime("timezone", required=True)
    ends_at = LocalTime("timezone", required=True)
    seats_left = fields.Integer(required=True)
    mode = OneOf(RULE_MODES, required=True)


class Adviser(Out):
    id = Id(required=True)
    name = fields.String(required=True)
    bio = fields.String(required=True)
    topics = fields.List(fields.String(), required=True)


class HourMinute(fields.String):
    def _serialize(self, value, attr, obj, **kwargs):
        return value.strftime("%H:%M") if value is not None else None


class Rule(Out):
    id = Id(required=True)
    helpdesk_id = Id(required=True, attribute="desk_id")
    adviser_id = Id(required=True)
    weekdays = fields.List(fields.Integer(), required=True, attribute="weekday_list")
    start_time = HourMinute(required=True)
    end_time = HourMinute(required=True)
    slot_minutes = fields.Integer(required=True)
    buffer_minutes = fields.Integer(required=True)
    seats = fields.Integer(required=True)
    mode = OneOf(RULE_MODES, required=True)
    valid_from = fields.Date(required=True)
    valid_until = fields.Date(required=True, allow_none=True)


class Appointment(Out):
    id = Id(required=True)
    helpdesk_id = Id(required=True, attribute="desk_id")
    adviser_id = Id(required=True)
    adviser = fields.String(required=True, attribute="adviser.name")
    starts_at = LocalTime("desk.timezone", required=True)
    ends_at = LocalTime("desk.timezone", required=True)
    topic = fields.String(required=True)
    message = fields.String(required=True)
    mode = OneOf(MODES, required=True)
    address = fields.String(metadata={"description": "mentoring visits: the person's premises"})
    status = OneOf(APPOINTMENT_STATUSES, required=True)
    meeting_link = fields.Method("_meeting_link", required=True, metadata={
        "type": ["string", "null"], "description": "only for the booked person, online, until it starts"})

    def _meeting_link(self, appointment):
        return queries.meeting_link_for(appointment, api_user())

    @ma.post_dump
    def _address_if_any(self, data, **kwargs):
        if not data.get("address"):
            data.pop("address", None)
        return data


# --- routes --------------------------------------------------------------------------


@bp.operation("/helpdesks", "GET", tag="helpdesks")
@bp.arguments(DeskFilter, location="query")
@bp.response(200, HelpDesk(many=True))
def list_helpdesks(args):
    """Help desks, filterable by organisation and topic."""
    return queries.desks(organisation=args.get("organisation"), topic=args.get("topic"))


@bp.operation("/helpdesks/<int:desk_id>/slots", "GET", tag="helpdesks", errors=(404,))
@bp.arguments(SlotRange, location="query")
@bp.response(200, Slot(many=True))
def helpdesk_slots(args, desk_id):
    """Free slots of a desk (local dates in the desk's zone, ``to`` included, at most 62 days)."""
    return queries.slots_between(queries.desk_or_404(desk_id), args.get("first"), args.get("last"))


@bp.operation("/helpdesks", "POST", tag="helpdesks", auth=True, errors=(403,))
@bp.arguments(NewDesk)
@bp.response(201, HelpDesk)
def create_helpdesk(data):
    """Create a help desk (organisers of the organisation); its time zone is its venue's, else the organisation's."""
    try:
        org = org_queries.organisation_by_slug(data.pop("organisation"))
    except NotFound:
        raise ValidationFailed(fields={"organisation": [_("The slug of your organisation.")]}) from None
    return services.create_desk(api_user(), org.id, **data)


@bp.operation("/helpdesks/<int:desk_id>", "PATCH", tag="helpdesks", auth=True, errors=(403, 404))
@bp.arguments(DeskChanges)
@bp.response(200, HelpDesk)
def update_helpdesk(data, desk_id):
    """Change a help desk (organisers of its organisation); a new venue tells the people with upcoming
    on-site appointments there (422 ``venue_needed`` while on-site hours or appointments need one)."""
    return services.update_desk(api_user(), desk_id, **data)


@bp.operation("/helpdesks/<int:desk_id>/advisers", "POST", tag="helpdesks", auth=True, errors=(403, 404))
@bp.arguments(NewAdviser)
@bp.response(201, Adviser)
def add_helpdesk_adviser(data, desk_id):
    """Add an adviser (a user with the adviser role of the desk's organisation)."""
    return services.add_adviser(api_user(), desk_id, **data)


@bp.operation("/helpdesks/<int:desk_id>/rules", "POST", tag="helpdesks", auth=True, errors=(403, 404))
@bp.arguments(NewRule)
@bp.response(201, Rule)
def add_helpdesk_rule(data, desk_id):
    """Add weekly office hours (wall-clock times in the desk's zone; weekdays 0 = Monday)."""
    return services.add_rule(api_user(), desk_id, **data)


@bp.operation("/helpdesks/<int:desk_id>/appointments", "POST", tag="helpdesks", auth=True, errors=(404, 409))
@bp.arguments(NewAppointment)
@bp.response(201, Appointment)
def book_appointment(data, desk_id):
    """Book a slot (409 slot_taken, adviser_busy, adviser_absent, already_booked, too_many_appointments;
    422 not_a_slot, in_the_past, inside_lead_time, beyond_horizon)."""
    return services.book(api_user(), desk_id, data["adviser_id"], data["starts_at"], topic=data["topic"],
                         message=data["message"])


@bp.operation("/appointments/<int:appointment_id>", "DELETE", tag="helpdesks", auth=True, errors=(404, 409))
@bp.response(200, Appointment)
def cancel_appointment(appointment_id):
    """Cancel an appointment (the person until the desk's deadline; its adviser and organisers any time)."""
    return services.cancel(api_user(), appointment_id)


@bp.operation("/me/appointments", "GET", tag="accounts", auth=True)
@bp.arguments(History, location="query")
@bp.response(200, Appointment(many=True))
@bp.paginate()
def my_appointments(args):
    """The caller's appointments: not over yet, soonest first (``past=true``: the history)."""
    return queries.appointments_of(api_user(), past=args["past"])
