"""What the pop-up spaces feature tells whom, by e-mail through the outbox (``mail/``).

Queued inside the services' units of work as small deferred rows, composed by the worker
just before sending (see :mod:`inducci_events.mail.messages`), with the booking's ``.ics``
from :mod:`.ical`. :func:`init_app` registers the composers, the venue listener and the
reminders with the app, explicitly.
"""
from collections import defaultdict
from datetime import datetime, time, timedelta, timezone

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload

from ..accounts.models import User
from ..core.db import utcnow
from ..core.ical import absolute, place
from ..core.timeutil import zone
from ..extensions import db
from ..mail import messages
from ..mail.reminders import on_reminders
from ..organisations.services import on_organisation_renamed, on_venue_changed
from .ical import booking_item
from .models import SpaceBooking, SpaceListing

TEXTS = {
    "space_request_received": (
        _l("We have received your request: %(title)s"),
        _l("your request to use %(title)s has reached the organiser. We will write to you as soon as they "
           "decide.")),
    "space_booking_confirmed": (
        _l("Your space booking is confirmed: %(title)s"),
        _l("your booking of %(title)s is confirmed. The calendar entry is attached.")),
    "space_request_declined": (
        _l("Your space request was declined: %(title)s"),
        _l("the organiser has declined your request to use %(title)s.")),
    "space_booking_cancelled": (
        _l("Space booking cancelled: %(title)s"),
        _l("your booking of %(title)s has been cancelled.")),
    "space_venue_changed": (
        _l("New place details: %(title)s"),
        _l("the venue of %(title)s has changed its name or address. The details are below; the attached file "
           "updates your calendar.")),
    "reminder_booking": (
        _l("Reminder: your pop-up at %(title)s starts tomorrow"),
        _l("a reminder: your pop-up at %(title)s starts tomorrow.")),
    "organiser_space_request": (
        _l("New space request: %(title)s"),
        _l("%(person)s asks to use %(title)s. The request waits for your decision.")),
    "organiser_space_booking_cancelled": (
        _l("Booking cancelled by the creative: %(title)s"),
        _l("%(person)s has cancelled their booking of %(title)s; the days are free again.")),
}

_NO_ICS = {"space_request_received", "space_request_declined"}


def booking_context(booking):
    listing = booking.listing
    return dict(title=listing.title, first_day=booking.start_date, last_day=booking.end_date - timedelta(days=1),
                units=booking.units, place=place(listing.venue), reason=booking.decline_reason,
                link=absolute("spaces.my_bookings"))


# --- queued inside the services' units of work --------------------------------------

@messages.notification
def booking(booking, kind):
    """``space_request_received``, ``space_booking_confirmed``, ``space_request_declined`` or
    ``space_booking_cancelled`` for the creative who asked."""
    messages.defer(kind, booking.user_id, messages.snapshot(booking))


@messages.notification
def booking_requested(booking):
    """To the listing's organisers: a new request waits for their decision."""
    messages.tell_organisers("organiser_space_request",
                             db.session.get(SpaceListing, booking.listing_id).organisation_id,
                             messages.snapshot(booking))


@messages.notification
def booking_cancelled(booking, actor_id):
    """Either side cancelled: the creative always gets the cancellation (METHOD:CANCEL); the
    organisers are told when the creative cancelled a confirmed booking themselves."""
    payload = messages.snapshot(booking)
    messages.defer("space_booking_cancelled", booking.user_id, payload)
    if actor_id == booking.user_id:
        messages.tell_organisers("organiser_space_booking_cancelled",
                                 db.session.get(SpaceListing, booking.listing_id).organisation_id, payload,
                                 except_user_id=actor_id)


def _venue_changed(session, venue):
    """A venue's name or address changed: bookings there that are not over raise their
    SEQUENCE, and each creative with a confirmed one is told once."""
    today = utcnow().date()
    rows = session.execute(sa.select(SpaceBooking.id, SpaceBooking.user_id, SpaceBooking.status)
                           .join(SpaceListing, SpaceBooking.listing_id == SpaceListing.id)
                           .where(SpaceListing.venue_id == venue.id, SpaceBooking.end_date >= today,
                                  SpaceBooking.status.in_(("requested", "confirmed")))).all()
    if not rows:
        return
    session.execute(sa.update(SpaceBooking).where(SpaceBooking.id.in_([r.id for r in rows]))
                    .values(sequence=SpaceBooking.sequence + 1, updated_at=utcnow())
                    .execution_options(synchronize_session="fetch"))
    if not messages.enabled():
        return
    people = defaultdict(list)
    for row in rows:
        if row.status == "confirmed":
            people[row.user_id].append(row.id)
    for user_id, ids in people.items():
        messages.defer("space_venue_changed", user_id,
                       {"items": [[pk, session.get(SpaceBooking, pk).sequence] for pk in ids]})


def _organisation_renamed(session, organisation):
    """The organisation's name is the ORGANIZER and in the DESCRIPTION of its bookings' items:
    each booking of its listings raises its SEQUENCE. Nobody is mailed (no day or place changed)."""
    session.execute(sa.update(SpaceBooking)
                    .where(SpaceBooking.listing_id.in_(sa.select(SpaceListing.id)
                                                       .where(SpaceListing.organisation_id == organisation.id)))
                    .values(sequence=SpaceBooking.sequence + 1, updated_at=utcnow())
                    .execution_options(synchronize_session="fetch"))


# --- composed by the worker ---------------------------------------------------------------

def _compose(kind, user, payload):
    if kind == "space_venue_changed":
        rows = [(messages.load(SpaceBooking, pk), sequence) for pk, sequence in payload["items"]]
        context = dict(booking_context(rows[0][0]), title=", ".join(dict.fromkeys(b.listing.title for b, _ in rows)))
        return messages.fields(TEXTS, kind, user, context, items=lambda: [
            messages.as_sent(booking_item(b), sequence, "REQUEST") for b, sequence in rows])
    row = messages.load(SpaceBooking, payload["id"])
    context = booking_context(row)
    if kind.startswith("organiser_"):
        context.update(person=row.user.name, link=absolute("spaces.bookings", slug=row.listing.organisation.slug))
        return messages.fields(TEXTS, kind, user, context)
    if kind in _NO_ICS:
        return messages.fields(TEXTS, kind, user, context)  # nothing in the calendar (yet, or any more)
    method = "CANCEL" if kind == "space_booking_cancelled" else "REQUEST"
    return messages.fields(TEXTS, kind, user, context, method=method,
                           items=lambda: [messages.as_sent(booking_item(row), payload["sequence"], method)])


# --- reminders ----------------------------------------------------------------------------

def reminder_key(booking):
    return f"reminder:booking:{booking.id}:{booking.start_date.isoformat()}"


def _first_moment(booking):
    """Midnight of the booking's first day in the venue's zone, as aware UTC."""
    tz = zone(booking.listing.venue.timezone)
    return datetime.combine(booking.start_date, time(0), tzinfo=tz).astimezone(timezone.utc)


def _due_reminders(session, now, ahead):
    # No zone is more than a day away from UTC: fetch a few days around, decide per venue.
    low, high = (now - timedelta(days=1)).date(), (now + ahead + timedelta(days=1)).date()
    candidates = session.scalars(
        sa.select(SpaceBooking).join(User, User.id == SpaceBooking.user_id)
        .where(SpaceBooking.status == "confirmed", SpaceBooking.start_date >= low,
               SpaceBooking.start_date <= high, User.mail_reminders.is_(True))
        .options(contains_eager(SpaceBooking.user),
                 joinedload(SpaceBooking.listing).joinedload(SpaceListing.venue))
        .order_by(SpaceBooking.start_date, SpaceBooking.id)
    ).unique().all()
    for row in candidates:
        if not now < _first_moment(row) <= now + ahead:
            continue

        def queue(row=row):
            messages.queue_now(TEXTS, "reminder_booking", row.user, booking_context(row),
                               dedupe_key=reminder_key(row), check_dedupe=False, items=lambda: [booking_item(row)])
        yield reminder_key(row), queue


def init_app(app):
    """Register what this feature tells, with the outbox, the venues and the reminders."""
    messages.register(app, TEXTS, _compose)
    on_venue_changed(app, _venue_changed)
    on_organisation_renamed(app, _organisation_renamed)
    on_reminders(app, _due_reminders)
