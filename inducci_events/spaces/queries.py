"""Read-only look-ups of listings and bookings: availability, calendars, search, inboxes.

Availability is computed from the confirmed bookings that overlap the asked range (one
indexed query) with a running sum per day, so a six-month window over thousands of
bookings stays cheap. Closed days (outside the bookable window or in a blackout) report
no free units.
"""
from calendar import Calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..core.db import utcnow
from ..core.errors import NotFound
from ..core.spreadsheet import csv_text
from ..core.timeutil import utc_to_local
from ..extensions import db
from ..organisations import queries as org_queries
from ..organisations.models import Organisation, Programme, Venue
from .models import SpaceBlackout, SpaceBooking, SpaceListing

#: The longest range the availability look-up answers in one go.
MAX_RANGE_DAYS = 400


def local_today(listing, now=None):
    """Today's date at the listing's venue (bookings are whole local days)."""
    return utc_to_local(now or utcnow(), listing.venue.timezone).date()


def days(start, end):
    """Every day of ``[start, end)``."""
    return [start + timedelta(days=i) for i in range((end - start).days)]


def usage_by_day(listing_id, start, end):
    """Confirmed units per day of ``[start, end)`` for one listing: ``{date: units}``."""
    stmt = sa.select(SpaceBooking.start_date, SpaceBooking.end_date, SpaceBooking.units).where(
        SpaceBooking.listing_id == listing_id, SpaceBooking.status == "confirmed",
        SpaceBooking.end_date > start, SpaceBooking.start_date < end,
    )
    return _sum_per_day(db.session.execute(stmt).all(), start, end)


def full_days(listing, start, end, units):
    """The days of ``[start, end)`` on which ``units`` more units would not fit beside the
    confirmed bookings, sorted (empty when they fit). The services call this under the
    listing's lock before confirming; the inbox calls it to warn early."""
    usage = usage_by_day(listing.id, start, end)
    return sorted(day for day, used in usage.items() if used + units > listing.units)


def _sum_per_day(rows, start, end):
    span = (end - start).days
    if span <= 0:
        return {}
    delta = [0] * (span + 1)
    for b_start, b_end, units in rows:
        first = max((b_start - start).days, 0)
        last = min((b_end - start).days, span)
        if first < last:
            delta[first] += units
            delta[last] -= units
    usage, running = {}, 0
    for i in range(span):
        running += delta[i]
        if running:
            usage[start + timedelta(days=i)] = running
    return usage


def closed_reason(listing, day, blackouts=None):
    """Why ``day`` cannot be booked at all (``None`` when it is open)."""
    if day < listing.available_from or day > listing.available_until:
        return "outside_window"
    for blackout in blackouts if blackouts is not None else listing.blackouts:
        if blackout.start_date <= day < blackout.end_date:
            return "blackout"
    return None


@dataclass
class Day:
    date: date
    free_units: int
    closed: str | None = None
    in_month: bool = True
    is_past: bool = False


def availability(listing, start, end, *, now=None):
    """Free units for each day of ``[start, end)`` (0 on closed days)."""
    usage = usage_by_day(listing.id, start, end)
    today = local_today(listing, now)
    result = []
    for day in days(start, end):
        used = usage.get(day, 0)
        closed = closed_reason(listing, day)
        free = 0 if closed else max(listing.units - used, 0)
        result.append(Day(day, free, closed, is_past=day < today))
    return result


@dataclass
class Month:
    year: int
    month: int
    weeks: list = field(default_factory=list)
    previous: date | None = None
    next: date | None = None


def month_calendar(listing, year, month, *, now=None):
    """A month as weeks (Monday first) of :class:`Day`, padded with neighbouring days."""
    grid = list(Calendar(firstweekday=0).itermonthdates(year, month))
    by_day = {d.date: d for d in availability(listing, grid[0], grid[-1] + timedelta(days=1), now=now)}
    weeks = []
    for i in range(0, len(grid), 7):
        week = []
        for day in grid[i:i + 7]:
            cell = by_day[day]
            cell.in_month = day.month == month
            week.append(cell)
        weeks.append(week)
    first = date(year, month, 1)
    previous = (first - timedelta(days=1)).replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return Month(year, month, weeks, previous, nxt)


def listing_by_id(listing_id):
    listing = db.session.get(SpaceListing, listing_id)
    if listing is None:
        raise NotFound("listing_not_found")
    return listing


def visible_listing(listing_id, viewer=None):
    """A listing the viewer may see: published or archived ones for everybody, drafts only
    for the organisation's organisers (others get 404, as if it did not exist)."""
    listing = listing_by_id(listing_id)
    if listing.status == "draft" and not (
        viewer is not None and viewer.is_authenticated and viewer.is_organiser_of(listing.organisation_id)
    ):
        raise NotFound("listing_not_found")
    return listing


def listing_of(org, listing_id):
    listing = db.session.get(SpaceListing, listing_id)
    if listing is None or listing.organisation_id != org.id:
        raise NotFound("listing_not_found")
    return listing


def regions():
    """Regions that have at least one published listing (for the search form)."""
    stmt = (sa.select(Organisation.region).join(SpaceListing, SpaceListing.organisation_id == Organisation.id)
            .where(SpaceListing.status == "published").distinct().order_by(Organisation.region))
    return list(db.session.scalars(stmt))


def search(*, region=None, organisation=None, kind=None, start=None, end=None, units=1):
    """Published listings, optionally free for the whole ``[start, end)`` with ``units`` units.

    "Free for the whole range" means: the range lies in the bookable window, touches no
    blackout, and on every day at least ``units`` units are not taken by confirmed bookings.
    """
    units = max(int(units or 1), 1)
    stmt = (sa.select(SpaceListing).join(Organisation, SpaceListing.organisation_id == Organisation.id)
            .where(SpaceListing.status == "published", SpaceListing.units >= units)
            .order_by(SpaceListing.title, SpaceListing.id))
    if region:
        stmt = stmt.where(Organisation.region == region)
    if organisation:
        stmt = stmt.where(Organisation.slug == organisation)
    if kind:
        stmt = stmt.where(SpaceListing.kind == kind)
    ranged = start is not None and end is not None
    if ranged:
        if end <= start:
            return []
        last = end - timedelta(days=1)
        stmt = stmt.where(SpaceListing.available_from <= start, SpaceListing.available_until >= last)
    listings = db.session.scalars(stmt.options(selectinload(SpaceListing.blackouts))).unique().all()
    if not ranged or not listings:
        return list(listings)
    ids = [listing.id for listing in listings]
    blocked = set(db.session.scalars(sa.select(SpaceBlackout.listing_id).where(
        SpaceBlackout.listing_id.in_(ids), SpaceBlackout.start_date < end, SpaceBlackout.end_date > start)))
    rows = db.session.execute(sa.select(
        SpaceBooking.listing_id, SpaceBooking.start_date, SpaceBooking.end_date, SpaceBooking.units,
    ).where(SpaceBooking.listing_id.in_(ids), SpaceBooking.status == "confirmed",
            SpaceBooking.end_date > start, SpaceBooking.start_date < end)).all()
    per_listing = {}
    for listing_id, b_start, b_end, b_units in rows:
        per_listing.setdefault(listing_id, []).append((b_start, b_end, b_units))
    found = []
    for listing in listings:
        if listing.id in blocked:
            continue
        peak = max(_sum_per_day(per_listing.get(listing.id, []), start, end).values(), default=0)
        if listing.units - peak >= units:
            found.append(listing)
    return found


def organiser_listings(org):
    return db.session.scalars(sa.select(SpaceListing).where(SpaceListing.organisation_id == org.id)
                              .order_by(SpaceListing.status.desc(), SpaceListing.title)).all()


@dataclass
class InboxItem:
    booking: SpaceBooking
    conflicts: list
    fits: bool
    full_days: list


def inbox(org, *, now=None):
    """Open requests of the organisation's listings, with the requests each one overlaps
    and whether it still fits beside the confirmed bookings (an approval re-checks)."""
    stmt = (sa.select(SpaceBooking).join(SpaceListing, SpaceBooking.listing_id == SpaceListing.id)
            .where(SpaceListing.organisation_id == org.id, SpaceBooking.status == "requested")
            .options(selectinload(SpaceBooking.user)).order_by(SpaceBooking.start_date, SpaceBooking.id))
    requests = [b for b in db.session.scalars(stmt) if b.effective_status(local_today(b.listing, now)) == "requested"]
    items = []
    for booking in requests:
        conflicts = [other for other in requests if other.id != booking.id and other.listing_id == booking.listing_id
                     and other.start_date < booking.end_date and other.end_date > booking.start_date]
        full = full_days(booking.listing, booking.start_date, booking.end_date, booking.units)
        items.append(InboxItem(booking, conflicts, not full, full))
    return items


def open_request_count(org, *, now=None):
    """How many requests :func:`inbox` lists, counted by the database.

    A request is open until its start day comes at its venue, so the count compares each
    start date with the local today of its venue's zone (one condition per zone in use).
    """
    now = now or utcnow()
    zones = db.session.scalars(sa.select(Venue.timezone).join(SpaceListing, SpaceListing.venue_id == Venue.id)
                               .where(SpaceListing.organisation_id == org.id).distinct()).all()
    if not zones:
        return 0
    open_in_zone = sa.or_(*(sa.and_(Venue.timezone == zone, SpaceBooking.start_date > utc_to_local(now, zone).date())
                            for zone in zones))
    stmt = (sa.select(sa.func.count(SpaceBooking.id))
            .join(SpaceListing, SpaceBooking.listing_id == SpaceListing.id)
            .join(Venue, SpaceListing.venue_id == Venue.id)
            .where(SpaceListing.organisation_id == org.id, SpaceBooking.status == "requested", open_in_zone))
    return db.session.scalar(stmt)


def organisation_bookings(org, *, listing_id=None):
    stmt = (sa.select(SpaceBooking).join(SpaceListing, SpaceBooking.listing_id == SpaceListing.id)
            .where(SpaceListing.organisation_id == org.id)
            .options(selectinload(SpaceBooking.user)).order_by(SpaceBooking.start_date.desc(), SpaceBooking.id))
    if listing_id is not None:
        stmt = stmt.where(SpaceBooking.listing_id == listing_id)
    return db.session.scalars(stmt).all()


def user_bookings(user):
    stmt = (sa.select(SpaceBooking).where(SpaceBooking.user_id == user.id)
            .order_by(SpaceBooking.start_date.desc(), SpaceBooking.id.desc()))
    return db.session.scalars(stmt).all()


def can_cancel(booking, actor, *, now=None):
    """Whether ``actor`` may cancel ``booking`` now (the service enforces the same rule)."""
    if actor is None or not actor.is_authenticated:
        return False
    today = local_today(booking.listing, now)
    if booking.effective_status(today) not in ("requested", "confirmed") or booking.end_date <= today:
        return False
    return booking.user_id == actor.id or actor.is_organiser_of(booking.listing.organisation_id)


def bookings_csv(org, *, now=None):
    """The organisation's bookings as CSV (:mod:`core.spreadsheet`), one row per booking.

    The e-mail address only of confirmed bookings that have not ended: the organiser has to
    reach the creative outside the app (keys, the shop's handover); requests, declined,
    cancelled and past bookings need no contact, so their addresses stay in the app."""
    header = [_("No."), _("Listing"), _("Venue"), _("First day"), _("Last day"), _("Days"), _("Units"), _("Status"),
              _("Creative"), _("E-mail"), _("Purpose"), _("Team"), _("Reason for declining"), _("Requested at")]
    rows = []
    for b in organisation_bookings(org):
        listing = b.listing
        today = local_today(listing, now)
        status = b.effective_status(today)
        email = b.user.email if status == "confirmed" and b.end_date > today else ""
        rows.append([
            b.id, listing.title, listing.venue.name, b.start_date.isoformat(), b.last_day.isoformat(), b.days,
            b.units, status, b.user.name, email, b.purpose,
            "; ".join(f"{m.name} ({m.home_region})" if m.home_region else m.name for m in b.team),
            b.decline_reason, utc_to_local(b.created_at, listing.venue.timezone).strftime("%Y-%m-%d %H:%M")])
    return csv_text(header, rows)


def venues_and_programmes(org):
    venues = org_queries.venues_of(org)
    programmes = db.session.scalars(
        sa.select(Programme).where(Programme.organisation_id == org.id).order_by(Programme.title)).all()
    return venues, programmes


# --- API look-ups -------------------------------------------------------------------------

#: Without a range, availability covers this many days from today.
DEFAULT_AVAILABILITY_DAYS = 31


def checked_range(start, end):
    """A ``[start, end)`` asked for by a client: both or neither, ``end`` after ``start``, at
    most :data:`MAX_RANGE_DAYS` days. Returns ``(start, end)``.

    :raises ValidationFailed: naming the argument (``from``/``to``) that is wrong.
    """
    from ..core.errors import ValidationFailed

    if (start is None) != (end is None):
        raise ValidationFailed(fields={"to" if end is None else "from": [_("Give both from and to.")]})
    if start is not None and end <= start:
        raise ValidationFailed(fields={"to": [_("“to” must be after “from” (it is not included).")]})
    if start is not None and (end - start).days > MAX_RANGE_DAYS:
        raise ValidationFailed(fields={"to": [_("Ask for at most %(n)d days at once.", n=MAX_RANGE_DAYS)]})
    return start, end


def availability_for(listing, start=None, end=None, *, now=None):
    """Free units per day of ``[start, end)`` (checked), by default the next 31 days at the venue."""
    start, end = checked_range(start, end)
    if start is None:
        start = local_today(listing, now)
        end = start + timedelta(days=DEFAULT_AVAILABILITY_DAYS)
    return availability(listing, start, end, now=now)


def bookings_of(user, *, past=False, now=None):
    """The user's bookings: those not over yet (end after the venue's today), soonest first;
    with ``past``, the others, latest first."""
    rows = db.session.scalars(sa.select(SpaceBooking).where(SpaceBooking.user_id == user.id)
                              .order_by(SpaceBooking.start_date, SpaceBooking.id)).all()
    found = [b for b in rows if (b.end_date <= local_today(b.listing, now)) == past]
    return list(reversed(found)) if past else found


def bookings_with_status(org, status=None, *, now=None):
    """The organisation's bookings, soonest first; ``status`` filters by the status people
    see (a request whose start day has come counts as expired)."""
    rows = db.session.scalars(
        sa.select(SpaceBooking).join(SpaceListing, SpaceBooking.listing_id == SpaceListing.id)
        .where(SpaceListing.organisation_id == org.id).options(selectinload(SpaceBooking.user))
        .order_by(SpaceBooking.start_date, SpaceBooking.id)).all()
    if status is None:
        return rows
    return [b for b in rows if b.effective_status(local_today(b.listing, now)) == status]
