"""Every rule that changes listings and bookings: one function, one unit of work.

The invariant: on every day, the units of confirmed bookings of a listing never exceed
``listing.units``. Whatever can add confirmed units (an instant booking, an approval) or
shrink what fits (fewer units, a shorter window, a new blackout) locks the listing row with
:func:`~inducci_events.core.capacity.lock_parent`, re-reads the confirmed bookings under that
lock and only then writes. Requests may overlap each other; they hold no units until an
organiser approves them.

Services take plain values (ids, dates, the acting user) and an optional ``now`` (aware UTC,
for tests); "today" is the venue's local date.
"""
import re
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..core.auth import require_organiser
from ..core.capacity import lock_parent
from ..core.db import unit_of_work, utcnow
from ..core.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from ..core.weekdays import weekday_abbreviation, weekday_from_name
from ..extensions import db
from ..organisations.models import Programme, Venue
from . import queries
from . import notifications as notify
from .models import (
    BOOKING_MODES,
    KINDS,
    LISTING_STATUSES,
    SpaceBlackout,
    SpaceBooking,
    SpaceListing,
    SpaceOpeningHours,
    SpaceTeamMember,
)

MAX_TEAM = 20


class NoCapacity(Conflict):
    code = "no_capacity"
    default_message = _l("Not enough free units on the chosen days.")


class ListingNotBookable(Conflict):
    code = "listing_not_published"
    default_message = _l("This listing is not open for bookings.")


class AlreadyBooked(Conflict):
    code = "already_booked"
    default_message = _l("You already have a booking for this listing starting on that day.")


class NotPending(Conflict):
    code = "not_pending"
    default_message = _l("Only open requests can be approved or declined.")


class RequestExpired(Conflict):
    code = "request_expired"
    default_message = _l("This request has expired: nobody answered it before its start day.")


class NotCancellable(Conflict):
    code = "not_cancellable"
    default_message = _l("This booking can no longer be cancelled.")


class BookingsAffected(Conflict):
    code = "confirmed_bookings_affected"
    default_message = _l("Confirmed bookings would no longer fit. Cancel them first.")


def _invalid(code, field, message):
    return ValidationFailed(code, message, fields={field: [message]})


def _day_list(days_):
    shown = ", ".join(format_date(d, "medium") for d in days_[:5])
    return shown + (" …" if len(days_) > 5 else "")


def _require_user(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise Unauthorized()


# --- bookings -----------------------------------------------------------------------

def check_booking_range(listing, start_date, end_date, units, today):
    """Refuse a range or unit count the listing does not allow (its state aside).

    :raises ValidationFailed: with code ``invalid_range``, ``too_many_units``,
        ``start_in_past``, ``inside_lead_time``, ``too_short``, ``too_long``,
        ``outside_window`` or ``blackout``, and the field it concerns.
    """
    if end_date <= start_date:
        raise _invalid("invalid_range", "end_date", _("The end date must be after the start date."))
    if units < 1:
        raise _invalid("too_many_units", "units", _("Book at least one unit."))
    if units > listing.units:
        raise _invalid("too_many_units", "units",
                       _("This listing has only %(n)d unit(s).", n=listing.units))
    if start_date < today:
        raise _invalid("start_in_past", "start_date", _("The start date is in the past."))
    earliest = today + timedelta(days=listing.lead_days)
    if start_date < earliest:
        raise _invalid("inside_lead_time", "start_date",
                       _("The earliest possible start is %(day)s.", day=format_date(earliest, "medium")))
    length = (end_date - start_date).days
    if length < listing.min_days:
        raise _invalid("too_short", "end_date", _("Book at least %(n)d day(s).", n=listing.min_days))
    if length > listing.max_days:
        raise _invalid("too_long", "end_date", _("Book at most %(n)d day(s).", n=listing.max_days))
    last_day = end_date - timedelta(days=1)
    if start_date < listing.available_from or last_day > listing.available_until:
        raise _invalid("outside_window", "start_date", _(
            "Bookable days run from %(first)s to %(last)s.",
            first=format_date(listing.available_from, "medium"), last=format_date(listing.available_until, "medium")))
    for blackout in listing.blackouts:
        if blackout.start_date < end_date and blackout.end_date > start_date:
            raise _invalid("blackout", "start_date", _(
                "The space is closed from %(first)s to %(last)s.",
                first=format_date(blackout.start_date, "medium"),
                last=format_date(blackout.end_date - timedelta(days=1), "medium")))


def _no_capacity(full):
    return NoCapacity(message=_("Not enough free units on: %(days)s.", days=_day_list(full)))


def create_booking(actor, listing_id, *, start_date, end_date, units=1, purpose="", team=(), accept_terms=False,
                   now=None):
    """Request (``request`` mode) or book (``instant`` mode) the days ``[start_date, end_date)``.

    An instant booking is confirmed under the listing's lock only if every day still has
    ``units`` free; a request is refused too when the days are already fully confirmed
    (it could never be approved). ``team`` is ``[(name, home_region), ...]``.

    :raises Unauthorized: nobody is logged in.
    :raises NotFound: no such listing.
    :raises ListingNotBookable: the listing is a draft or archived.
    :raises ValidationFailed: no purpose given, terms not accepted, or see :func:`check_booking_range`.
    :raises NoCapacity: some day has fewer than ``units`` free units.
    :raises AlreadyBooked: the actor already has an active booking starting that day here.
    """
    _require_user(actor)
    now = now or utcnow()
    if not (purpose or "").strip():
        raise _invalid("purpose_missing", "purpose", _("Say what you want to try in the space."))
    team = [(n.strip()[:120], (r or "").strip()[:120]) for n, r in team if n and n.strip()]
    if len(team) > MAX_TEAM:
        raise _invalid("team_too_large", "team", _("A team has at most %(n)d members.", n=MAX_TEAM))
    with unit_of_work(expire_on_commit=False) as session:  # the page reports the status
        listing = lock_parent(SpaceListing, listing_id, not_found=NotFound("listing_not_found"))
        if not listing.is_bookable:
            raise ListingNotBookable()
        if not accept_terms:
            raise _invalid("terms_not_accepted", "accept_terms", _("Accept the terms of use to book this space."))
        check_booking_range(listing, start_date, end_date, units, queries.local_today(listing, now))
        full = queries.full_days(listing, start_date, end_date, units)
        if full:
            raise _no_capacity(full)
        booking = SpaceBooking(
            listing_id=listing.id, user_id=actor.id, start_date=start_date, end_date=end_date, units=units,
            purpose=(purpose or "").strip(), terms_accepted_at=now, created_at=now,
            status="confirmed" if listing.booking_mode == "instant" else "requested",
            team=[SpaceTeamMember(position=i, name=n, home_region=r) for i, (n, r) in enumerate(team)],
        )
        if booking.status == "confirmed":
            booking.decided_at = now
        session.add(booking)
        try:
            session.flush()
        except IntegrityError as exc:  # the partial unique index: a double submission
            raise AlreadyBooked() from exc
        if booking.status == "confirmed":
            notify.booking(booking, "space_booking_confirmed")
        else:
            notify.booking(booking, "space_request_received")
            notify.booking_requested(booking)
    return booking


def booking_for_organiser(actor, booking_id, *, organisation_id=None):
    """The booking, for an organiser of its listing's organisation (the access rule of
    approve and decline; the decline page uses it to show the request).

    ``organisation_id`` is the organisation the caller reached the booking through (the
    organiser pages' URL): a booking of another organisation is not found there, even for
    someone who organises both.

    :raises Unauthorized: nobody is logged in.
    :raises NotFound: no such booking, or it is not ``organisation_id``'s.
    :raises Forbidden: the actor does not organise the listing's organisation.
    """
    _require_user(actor)
    booking = db.session.get(SpaceBooking, booking_id)
    if booking is None:
        raise NotFound("booking_not_found")
    require_organiser(actor, booking.listing.organisation_id)
    if organisation_id is not None and booking.listing.organisation_id != organisation_id:
        raise NotFound("booking_not_found")
    return booking


def _audit_booking(session, actor, action, booking, changes):
    """An organiser's decision on someone's booking, in the log of the listing's organisation."""
    listing = booking.listing
    audit.record(session, actor=actor, action=action, subject_type="space_booking", subject_id=booking.id,
                 organisation_id=listing.organisation_id, subject_user_id=booking.user_id,
                 summary=f"{listing.title}: {booking.start_date.isoformat()} – "
                         f"{(booking.end_date - timedelta(days=1)).isoformat()}",
                 changes=changes)


def _relock(booking_id, listing_id):
    """Lock the listing, then re-read the booking as it is now."""
    lock_parent(SpaceListing, listing_id)
    booking = db.session.scalars(sa.select(SpaceBooking).where(SpaceBooking.id == booking_id)
                                 .execution_options(populate_existing=True)).one()
    return booking


def _open_request(booking, now):
    if booking.status != "requested":
        raise NotPending()
    if booking.effective_status(queries.local_today(booking.listing, now)) == "expired":
        raise RequestExpired()


def approve_booking(actor, booking_id, *, organisation_id=None, now=None):
    """Confirm an open request, if it still fits beside the confirmed bookings.

    :raises Forbidden: the actor does not organise the listing's organisation.
    :raises NotFound: no such booking, or not one of ``organisation_id`` (when given), see
        :func:`booking_for_organiser`.
    :raises NotPending: the booking is not an open request (already decided or cancelled).
    :raises RequestExpired: its start day has come.
    :raises NoCapacity: another booking took the units meanwhile (the message names the days).
    """
    now = now or utcnow()
    booking = booking_for_organiser(actor, booking_id, organisation_id=organisation_id)
    with unit_of_work(expire_on_commit=False) as session:  # the page reports what it approved
        booking = _relock(booking.id, booking.listing_id)
        _open_request(booking, now)
        full = queries.full_days(booking.listing, booking.start_date, booking.end_date, booking.units)
        if full:
            raise _no_capacity(full)
        booking.status = "confirmed"
        booking.decided_at, booking.decided_by_id = now, actor.id
        notify.booking(booking, "space_booking_confirmed")
        _audit_booking(session, actor, "space_booking.approve", booking, {"status": ["requested", "confirmed"]})
    return booking


def decline_booking(actor, booking_id, reason, *, organisation_id=None, now=None):
    """Decline an open request with a reason the creative will see.

    :raises ValidationFailed: no reason given.
    :raises Forbidden, NotFound, NotPending, RequestExpired: as for :func:`approve_booking`.
    """
    now = now or utcnow()
    reason = (reason or "").strip()
    booking = booking_for_organiser(actor, booking_id, organisation_id=organisation_id)
    if not reason:
        raise _invalid("reason_missing", "reason", _("Tell the creative why the request is declined."))
    with unit_of_work() as session:
        booking = _relock(booking.id, booking.listing_id)
        _open_request(booking, now)
        booking.status = "declined"
        booking.decline_reason = reason[:1000]
        booking.decided_at, booking.decided_by_id = now, actor.id
        notify.booking(booking, "space_request_declined")
        _audit_booking(session, actor, "space_booking.decline", booking, {
            "status": ["requested", "declined"], "decline_reason": [None, booking.decline_reason]})
    return booking


def cancel_booking(actor, booking_id, *, now=None):
    """Cancel a request or a confirmed booking that has not ended yet.

    The creative may cancel their own booking; the listing's organisers may cancel any.
    The freed units are free for everybody as soon as this commits.

    :raises NotFound: no such booking, or it is neither the actor's nor their organisation's.
    :raises NotCancellable: already declined, cancelled, expired or over.
    """
    _require_user(actor)
    now = now or utcnow()
    booking = db.session.get(SpaceBooking, booking_id)
    if booking is None:
        raise NotFound("booking_not_found")
    is_organiser = actor.is_organiser_of(booking.listing.organisation_id)
    if booking.user_id != actor.id and not is_organiser:
        raise NotFound("booking_not_found")
    with unit_of_work(expire_on_commit=False) as session:  # the page names the listing
        booking = _relock(booking.id, booking.listing_id)
        if not queries.can_cancel(booking, actor, now=now):
            raise NotCancellable()
        previous = booking.status
        booking.status = "cancelled"
        booking.cancelled_by = "creative" if booking.user_id == actor.id else "organiser"
        notify.booking_cancelled(booking, actor.id)
        if booking.cancelled_by == "organiser":
            _audit_booking(session, actor, "space_booking.cancel", booking, {"status": [previous, "cancelled"]})
    return booking


def expire_requests(*, now=None):
    """Mark every request whose start day has come (at its venue) as ``expired``.

    Safe to re-run: only rows still ``requested`` are touched, with a conditional UPDATE,
    so a request approved meanwhile stays confirmed. Returns how many expired.
    """
    now = now or utcnow()
    horizon = now.date() + timedelta(days=1)  # no zone is more than a day ahead of UTC
    with unit_of_work() as session:
        candidates = session.scalars(sa.select(SpaceBooking).where(
            SpaceBooking.status == "requested", SpaceBooking.start_date <= horizon)).all()
        ids = [b.id for b in candidates if b.effective_status(queries.local_today(b.listing, now)) == "expired"]
        if not ids:
            return 0
        result = session.execute(sa.update(SpaceBooking).where(
            SpaceBooking.id.in_(ids), SpaceBooking.status == "requested").values(status="expired"))
        return result.rowcount


# --- listings -----------------------------------------------------------------------

_HOURS_LINE = re.compile(
    r"^\s*([^\W\d_]{2,12}\.?)\s*(?:[-–]\s*([^\W\d_]{2,12}\.?))?\s*:?\s+(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})\s*$")
_BLACKOUT_LINE = re.compile(
    r"^\s*(\d{4}-\d{2}-\d{2})(?:\s*(?:–|-|to|bis)\s*(\d{4}-\d{2}-\d{2}))?\s*(.*?)\s*$")
WEEKDAY_NAMES = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
                 _l("Sunday")]


def opening_hours_example():
    """"Mon-Fri 10:00-18:00" in the page's language ("Mo-Fr", "po-pá", "lun-ven", ...)."""
    return f"{weekday_abbreviation(0)}-{weekday_abbreviation(4)} 10:00-18:00"


def parse_opening_hours(text):
    """``"Mon-Fri 10:00-18:00\\nSat 10:00-14:00"`` -> ``[(weekday, opens, closes), ...]``.

    :raises ValidationFailed: a line that is not "day[-day] HH:MM-HH:MM".
    """
    hours = []
    message = _("Write one line per day or range of days, e.g. “%(example)s”.", example=opening_hours_example())
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = _HOURS_LINE.match(line)
        if not match:
            raise _invalid("invalid_opening_hours", "opening_hours", message)
        start, end = weekday_from_name(match.group(1)), weekday_from_name(match.group(2) or match.group(1))
        if start is None or end is None:
            raise _invalid("invalid_opening_hours", "opening_hours", message)
        try:
            opens = time(int(match.group(3)), int(match.group(4)))
            closes = time(int(match.group(5)), int(match.group(6)))
        except ValueError:
            raise _invalid("invalid_opening_hours", "opening_hours", message) from None
        if closes <= opens:
            raise _invalid("invalid_opening_hours", "opening_hours", _("Closing time must be after opening time."))
        for weekday in range(start, (end if end >= start else end + 7) + 1):
            hours.append((weekday % 7, opens, closes))
    return sorted(set(hours))


def format_opening_hours(listing):
    return "\n".join(f"{weekday_abbreviation(h.weekday)} {h.opens:%H:%M}-{h.closes:%H:%M}" for h in listing.opening_hours)


def parse_blackouts(text):
    """``"2026-05-01 – 2026-05-03 Festival"`` -> ``[(start, end_exclusive, reason)]`` (last day inclusive
    in the text, as people write it).

    :raises ValidationFailed: a line without a valid date, or ending before it starts.
    """
    blackouts = []
    message = _("Write one period per line: first day, last day and a reason, e.g. “2026-05-01 – 2026-05-03 Festival”.")
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = _BLACKOUT_LINE.match(line)
        if not match:
            raise _invalid("invalid_blackouts", "blackouts", message)
        try:
            first = date.fromisoformat(match.group(1))
            last = date.fromisoformat(match.group(2)) if match.group(2) else first
        except ValueError:
            raise _invalid("invalid_blackouts", "blackouts", message) from None
        if last < first:
            raise _invalid("invalid_blackouts", "blackouts", _("A blackout period ends before it starts."))
        blackouts.append((first, last + timedelta(days=1), match.group(3)[:200]))
    return blackouts


def format_blackouts(listing):
    lines = []
    for b in listing.blackouts:
        last = b.end_date - timedelta(days=1)
        span = b.start_date.isoformat() if last == b.start_date else f"{b.start_date.isoformat()} – {last.isoformat()}"
        lines.append(f"{span} {b.reason}".strip())
    return "\n".join(lines)


def _check_listing_values(*, kind, units, min_days, max_days, available_from, available_until, lead_days,
                          booking_mode, status):
    if kind not in KINDS:
        raise _invalid("invalid_kind", "kind", _("Choose one of the kinds offered."))
    if booking_mode not in BOOKING_MODES:
        raise _invalid("invalid_booking_mode", "booking_mode", _("Choose “request” or “instant”."))
    if status not in LISTING_STATUSES:
        raise _invalid("invalid_status", "status", _("Choose draft, published or archived."))
    if units is None or units < 1:
        raise _invalid("invalid_units", "units", _("A listing has at least one unit."))
    if min_days is None or min_days < 1:
        raise _invalid("invalid_min_days", "min_days", _("The minimum is at least one day."))
    if max_days is None or max_days < min_days:
        raise _invalid("invalid_max_days", "max_days", _("The maximum cannot be below the minimum."))
    if available_until < available_from:
        raise _invalid("invalid_window", "available_until", _("The last bookable day cannot be before the first."))
    if lead_days is None or lead_days < 0:
        raise _invalid("invalid_lead_days", "lead_days", _("The lead time cannot be negative."))


def _check_confirmed_still_fit(listing):
    """After a change: every confirmed booking must lie in the window, outside blackouts,
    and the per-day total must stay within ``units``."""
    confirmed = db.session.scalars(sa.select(SpaceBooking).where(
        SpaceBooking.listing_id == listing.id, SpaceBooking.status == "confirmed")).all()
    if not confirmed:
        return
    start = min(b.start_date for b in confirmed)
    end = max(b.end_date for b in confirmed)
    usage = queries.usage_by_day(listing.id, start, end)
    over = sorted(day for day, used in usage.items() if used > listing.units)
    closed = sorted({day for b in confirmed for day in queries.days(b.start_date, b.end_date)
                     if queries.closed_reason(listing, day) is not None})
    affected = sorted(set(over) | set(closed))
    if affected:
        raise BookingsAffected(message=_(
            "Confirmed bookings would no longer fit on: %(days)s. Cancel them first.", days=_day_list(affected)))


#: What the audit log keeps of a listing's change (long texts are logged as changed, not copied).
_LISTING_LOGGED = ("title", "kind", "units", "min_days", "max_days", "available_from",
                   "available_until", "lead_days", "booking_mode", "status", "description", "terms",
                   "opening_hours", "blackouts")
_LONG_TEXTS = ("description", "terms")


def _listing_logged(listing):
    values = {name: getattr(listing, name) for name in _LISTING_LOGGED[:-2]}
    venue = db.session.get(Venue, listing.venue_id) if listing.venue_id is not None else None
    programme = db.session.get(Programme, listing.programme_id) if listing.programme_id else None
    values["venue"] = venue.name if venue is not None else None
    values["programme"] = programme.title if programme is not None else None
    # The log keeps one language-neutral form (the pages show weekdays in the reader's language).
    values["opening_hours"] = "\n".join(f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[h.weekday]} "
                                        f"{h.opens:%H:%M}-{h.closes:%H:%M}" for h in listing.opening_hours)
    values["blackouts"] = format_blackouts(listing)
    return values


def _audit_listing(session, actor, listing, before, *, created):
    changes = audit.changes_of(before, _listing_logged(listing))
    if not changes:
        return
    for name in _LONG_TEXTS:
        if name in changes:
            changes[name] = ["…", "…"]
    if created:
        action = "listing.create"
    elif before.get("status") != "archived" and listing.status == "archived":
        action = "listing.withdraw"
    else:
        action = "listing.update"
    audit.record(session, actor=actor, action=action, subject_type="listing", subject_id=listing.id,
                 organisation_id=listing.organisation_id, summary=listing.title, changes=changes)


def save_listing(actor, organisation_id, *, venue_id, title, kind, units, min_days, max_days, available_from,
                 available_until, booking_mode, description="", programme_id=None, lead_days=0, terms="",
                 status="draft", opening_hours="", blackouts="", listing_id=None):
    """Create or edit a listing of the actor's own organisation.

    ``opening_hours`` and ``blackouts`` are the text forms parsed by :func:`parse_opening_hours`
    and :func:`parse_blackouts`. An edit that would leave a confirmed booking without room
    (fewer units, a narrower window, a new blackout) is refused under the listing's lock.

    :raises Forbidden: the actor does not organise this organisation.
    :raises NotFound: the listing belongs to another organisation.
    :raises ValidationFailed: a value out of range, or a venue/programme of another organisation.
    :raises BookingsAffected: confirmed bookings would no longer fit.
    """
    require_organiser(actor, organisation_id)
    _check_listing_values(kind=kind, units=units, min_days=min_days, max_days=max_days,
                          available_from=available_from, available_until=available_until, lead_days=lead_days,
                          booking_mode=booking_mode, status=status)
    hours = parse_opening_hours(opening_hours)
    periods = parse_blackouts(blackouts)
    with unit_of_work() as session:
        venue = session.get(Venue, venue_id) if venue_id is not None else None
        if venue is None or venue.organisation_id != organisation_id:
            raise _invalid("invalid_venue", "venue_id", _("Choose one of your organisation's venues."))
        if programme_id:
            programme = session.get(Programme, programme_id)
            if programme is None or programme.organisation_id != organisation_id:
                raise _invalid("invalid_programme", "programme_id", _("Choose one of your organisation's programmes."))
        if listing_id is None:
            listing = SpaceListing(organisation_id=organisation_id)
            session.add(listing)
        else:
            listing = lock_parent(SpaceListing, listing_id, not_found=NotFound("listing_not_found"))
            if listing.organisation_id != organisation_id:
                raise NotFound("listing_not_found")
        shown = (listing.title, listing.venue_id, listing.programme_id, listing.units)  # what calendars show
        before = _listing_logged(listing) if listing_id is not None else {}
        listing.venue_id, listing.programme_id = venue.id, programme_id or None
        listing.title, listing.description = title.strip(), (description or "").strip()
        listing.kind, listing.units, listing.min_days, listing.max_days = kind, units, min_days, max_days
        listing.available_from, listing.available_until = available_from, available_until
        listing.lead_days, listing.booking_mode, listing.status = lead_days, booking_mode, status
        listing.terms = (terms or "").strip()
        listing.opening_hours = [SpaceOpeningHours(weekday=w, opens=o, closes=c) for w, o, c in hours]
        listing.blackouts = [SpaceBlackout(start_date=s, end_date=e, reason=r) for s, e, r in periods]
        session.flush()
        _audit_listing(session, actor, listing, before, created=listing_id is None)
        if listing_id is not None:
            _check_confirmed_still_fit(listing)
            if shown != (listing.title, listing.venue_id, listing.programme_id, listing.units):
                # The bookings' items show these: their SEQUENCE (and the feeds' ETags) move.
                session.execute(sa.update(SpaceBooking).where(
                    SpaceBooking.listing_id == listing.id, SpaceBooking.end_date >= utcnow().date())
                    .values(sequence=SpaceBooking.sequence + 1, updated_at=utcnow())
                    .execution_options(synchronize_session="fetch"))
    return listing

