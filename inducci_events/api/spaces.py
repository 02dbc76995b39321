"""``/spaces`` (pop-up space listings, availability, bookings) and ``/space-bookings``.

Ranges are whole days at the listing's venue: ``from``/``start_date`` is the first day,
``to``/``end_date`` the first day *after* the range (end exclusive).
"""
from marshmallow import fields

from ..core.auth import api_user
from ..organisations import queries as org_queries
from ..spaces import queries, services
from ..spaces.models import BOOKING_MODES, BOOKING_STATUSES, KINDS, LISTING_STATUSES
from . import bp
from .schema import Body, Bool, Bounded, Day, FeedUrl, History, Id, Int, LocalTime, OneOf, Out, Query, QueryInt, Text

# --- input ---------------------------------------------------------------------------


class Range(Query):
    start = Day(data_key="from", metadata={"description": "first day of the range"})
    end = Day(data_key="to", metadata={"description": "day after the range (exclusive)"})


class SpaceFilter(Range):
    organisation = Text(60, metadata={"description": "organisation slug"})
    region = Text(120)
    kind = OneOf(KINDS)
    units = QueryInt(1, 1000, load_default=1, metadata={"description": "units needed"})


class NewListing(Body):
    organisation = Text(60, required=True, metadata={"description": "slug"})
    venue_id = Id(required=True)
    programme_id = Id(allow_none=True, load_default=None)
    title = Text(200, required=True)
    description = Text(20000, load_default="")
    kind = OneOf(KINDS, required=True)
    units = Int(1, 1000, required=True)
    min_days = Int(1, 3660, required=True)
    max_days = Int(1, 3660, required=True)
    available_from = Day(required=True)
    available_until = Day(required=True, metadata={"description": "last bookable day (included)"})
    lead_days = Int(0, 365, load_default=0)
    booking_mode = OneOf(BOOKING_MODES, required=True)
    terms = Text(20000, load_default="")
    status = OneOf(LISTING_STATUSES, load_default="published")


class TeamMember(Body):
    name = Text(120, required=True)
    home_region = Text(120, load_default="")


class NewBooking(Body):
    start_date = Day(required=True)
    end_date = Day(required=True, metadata={"description": "exclusive"})
    units = Int(1, 1000, load_default=1)
    purpose = Text(5000, required=True)
    team = Bounded(fields.Nested(TeamMember), services.MAX_TEAM, load_default=list)
    accept_terms = Bool(required=True, metadata={"description": "must be true"})


class Decline(Body):
    reason = Text(1000, load_default="", metadata={"description": "required: the creative sees it"})


class InboxFilter(Query):
    status = OneOf(BOOKING_STATUSES, metadata={"description": "e.g. requested: the open requests"})


# --- output --------------------------------------------------------------------------


class HourMinute(fields.String):
    def _serialize(self, value, attr, obj, **kwargs):
        return value.strftime("%H:%M") if value is not None else None


class OpeningHours(Out):
    weekday = fields.Integer(required=True, metadata={"minimum": 0, "maximum": 6, "description": "0 = Monday"})
    opens = HourMinute(required=True)
    closes = HourMinute(required=True)


class Blackout(Out):
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True, metadata={"description": "exclusive"})
    reason = fields.String(required=True)


class SpaceListing(Out):
    id = Id(required=True)
    title = fields.String(required=True)
    organisation = fields.String(required=True, attribute="organisation.slug")
    programme = fields.String(required=True, allow_none=True, attribute="programme.title", dump_default=None)
    venue = fields.String(required=True, attribute="venue.name", metadata={"description": "the venue's name"})
    venue_id = Id(required=True)
    city = fields.String(required=True, attribute="venue.city")
    timezone = fields.String(required=True, attribute="venue.timezone",
                             metadata={"description": "IANA zone of the venue; dates are its local days"})
    kind = OneOf(KINDS, required=True)
    units = fields.Integer(required=True)
    min_days = fields.Integer(required=True)
    max_days = fields.Integer(required=True)
    booking_mode = OneOf(BOOKING_MODES, required=True)
    available_from = fields.Date(required=True)
    available_until = fields.Date(required=True, metadata={"description": "last bookable day (included)"})
    lead_days = fields.Integer(required=True)
    status = OneOf(LISTING_STATUSES, required=True)
    description = fields.String(required=True)
    terms = fields.String(required=True)
    opening_hours = fields.List(fields.Nested(OpeningHours), required=True)
    blackouts = fields.List(fields.Nested(Blackout), required=True)
    ical_url = FeedUrl("calendar.listing_feed", "listing_id", "id")


class IsSet(fields.Boolean):
    def _serialize(self, value, attr, obj, **kwargs):
        return value is not None


class SpaceDay(Out):
    date = fields.Date(required=True)
    free_units = fields.Integer(required=True)
    closed = IsSet(required=True, metadata={"description": "outside the window or in a blackout"})


class SpaceTeamMember(Out):
    name = fields.String(required=True)
    home_region = fields.String(required=True)


class SpaceBooking(Out):
    id = Id(required=True)
    listing_id = Id(required=True)
    status = fields.Method("_status", required=True, metadata={"type": "string", "enum": list(BOOKING_STATUSES)})
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True, metadata={"description": "exclusive"})
    units = fields.Integer(required=True)
    purpose = fields.String(required=True)
    team = fields.List(fields.Nested(SpaceTeamMember), required=True)
    decline_reason = fields.Method("_decline_reason", required=True, metadata={"type": ["string", "null"]})
    created_at = LocalTime("listing.venue.timezone", required=True)

    def _status(self, booking):
        return booking.effective_status(queries.local_today(booking.listing))

    def _decline_reason(self, booking):
        return booking.decline_reason or None


class OrganisationBooking(SpaceBooking):
    listing_title = fields.String(required=True, attribute="listing.title")
    creative = fields.String(required=True, attribute="user.name")


# --- routes --------------------------------------------------------------------------


@bp.operation("/spaces", "GET", tag="spaces")
@bp.arguments(SpaceFilter, location="query")
@bp.response(200, SpaceListing(many=True))
@bp.paginate()
def list_spaces(args):
    """Published listings; with from/to only those free for the whole range."""
    start, end = queries.checked_range(args.get("start"), args.get("end"))
    return queries.search(organisation=args.get("organisation"), region=args.get("region"),
                          kind=args.get("kind"), start=start, end=end, units=args["units"])


@bp.operation("/spaces/<int:listing_id>", "GET", tag="spaces", errors=(404,))
@bp.response(200, SpaceListing)
def get_space(listing_id):
    """One listing."""
    return queries.visible_listing(listing_id)


@bp.operation("/spaces/<int:listing_id>/availability", "GET", tag="spaces", errors=(404,))
@bp.arguments(Range, location="query")
@bp.response(200, SpaceDay(many=True))
def space_availability(args, listing_id):
    """Free units per day (default: the next 31 days)."""
    return queries.availability_for(queries.visible_listing(listing_id), args.get("start"), args.get("end"))


@bp.operation("/spaces", "POST", tag="spaces", auth=True, errors=(403, 404))
@bp.arguments(NewListing)
@bp.response(201, SpaceListing)
def create_space(data):
    """Create a listing (organisers of the organisation); status defaults to published."""
    org = org_queries.organisation_by_slug(data.pop("organisation"))
    return services.save_listing(api_user(), org.id, **data)


@bp.operation("/spaces/<int:listing_id>/bookings", "POST", tag="spaces", auth=True, errors=(404, 409))
@bp.arguments(NewBooking)
@bp.response(201, SpaceBooking)
def create_space_booking(data, listing_id):
    """Request (request mode) or book (instant mode) whole days [start_date, end_date)."""
    data["team"] = [(m["name"], m["home_region"]) for m in data["team"]]
    return services.create_booking(api_user(), listing_id, **data)


@bp.operation("/space-bookings/<int:booking_id>/approve", "POST", tag="spaces", auth=True, errors=(403, 404, 409))
@bp.response(200, SpaceBooking)
def approve_space_booking(booking_id):
    """Approve a request (organisers); 409 no_capacity when it no longer fits."""
    return services.approve_booking(api_user(), booking_id)


@bp.operation("/space-bookings/<int:booking_id>/decline", "POST", tag="spaces", auth=True, errors=(403, 404, 409))
@bp.arguments(Decline, required=False)
@bp.response(200, SpaceBooking)
def decline_space_booking(data, booking_id):
    """Decline a request with a reason the creative sees (organisers)."""
    return services.decline_booking(api_user(), booking_id, data["reason"])


@bp.operation("/space-bookings/<int:booking_id>", "DELETE", tag="spaces", auth=True, errors=(404, 409))
@bp.response(200, SpaceBooking)
def cancel_space_booking(booking_id):
    """Cancel a booking (its creative or the listing's organisers)."""
    return services.cancel_booking(api_user(), booking_id)


@bp.operation("/me/space-bookings", "GET", tag="accounts", auth=True)
@bp.arguments(History, location="query")
@bp.response(200, SpaceBooking(many=True))
@bp.paginate()
def my_space_bookings(args):
    """The caller's space bookings: not over yet, soonest first (``past=true``: the history)."""
    return queries.bookings_of(api_user(), past=args["past"])


@bp.operation("/organisations/<slug>/space-bookings", "GET", tag="spaces", auth=True, errors=(403, 404))
@bp.arguments(InboxFilter, location="query")
@bp.response(200, OrganisationBooking(many=True))
@bp.paginate()
def organisation_space_bookings(args, slug):
    """The organisation's bookings (organisers); ``status=requested`` is the inbox of open requests."""
    return queries.bookings_with_status(org_queries.managed_by(slug, api_user()), args.get("status"))
