"""What happened, told by e-mail: one function per kind of change, called by the services.

Every function here runs INSIDE the unit of work of the change it reports (the services
call it right after the change, under the same locks) and only adds a small row to the
outbox (:func:`.services.defer_message`: the kind, the recipient, the ids): a rolled-back
change sends nothing, and the booking does not pay for rendering. The worker composes each
message just before sending it (the ``_compose_*`` functions below), in the recipient's
language from ``templates/mail/notification.*``, with the item's ``.ics`` (built with the
calendar feature's item builders, so UID and SEQUENCE are those of the personal feeds):
``METHOD:REQUEST`` for new and changed items, ``METHOD:CANCEL`` for cancellations.

``NOTIFICATIONS_ENABLED = False`` turns every function into a no-op (benchmarks).
"""
import dataclasses
import functools
from contextlib import nullcontext
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.ical import build_calendar
from ..calendar.items import absolute, appointment_item, booking_item, enrolment_session_item
from ..extensions import db
from .services import COMPOSERS, ItemGone, defer_message, queue_message, render


#: kind -> (subject, first sentence). Lazy: they are translated when the message is
#: rendered, in the recipient's language, then filled with ``words`` (title, person, adviser).
TEXTS = {
    "enrolment_confirmed": (
        _l("Your place is confirmed: %(title)s"),
        _l("your place in %(title)s is confirmed. The calendar invitation is attached.")),
    "enrolment_waitlisted": (
        _l("You are on the waitlist: %(title)s"),
        _l("all seats of %(title)s are taken, so you are on the waitlist. We will write to you as soon as a "
           "seat becomes free for you.")),
    "enrolment_promoted": (
        _l("A seat became free for you: %(title)s"),
        _l("good news: a seat became free and you have moved up from the waitlist. Your place in %(title)s "
           "is confirmed.")),
    "enrolment_declined": (
        _l("Your enrolment was declined: %(title)s"),
        _l("the organiser has declined your enrolment in %(title)s.")),
    "enrolment_cancelled": (
        _l("Your enrolment was cancelled: %(title)s"),
        _l("the organiser has cancelled your enrolment in %(title)s.")),
    "event_cancelled": (
        _l("Cancelled: %(title)s"),
        _l("we are sorry: %(title)s has been cancelled, and with it your enrolment.")),
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
    "appointment_booked": (
        _l("Appointment booked: %(title)s"),
        _l("your appointment with %(adviser)s is booked.")),
    "appointment_cancelled": (
        _l("Appointment cancelled: %(title)s"),
        _l("your appointment with %(adviser)s has been cancelled.")),
    "mentoring_proposed": (
        _l("A time is proposed for your mentoring visit: %(title)s"),
        _l("%(adviser)s proposes a time for the mentoring visit you asked for. Accept it on your help-desk "
           "page.")),
    "reminder_session": (
        _l("Reminder: %(title)s starts within 24 hours"),
        _l("a reminder: %(title)s starts within the next 24 hours.")),
    "reminder_booking": (
        _l("Reminder: your pop-up at %(title)s starts tomorrow"),
        _l("a reminder: your pop-up at %(title)s starts tomorrow.")),
    "reminder_appointment": (
        _l("Reminder: %(title)s starts within 24 hours"),
        _l("a reminder: your appointment with %(adviser)s is within the next 24 hours.")),
    "organiser_space_request": (
        _l("New space request: %(title)s"),
        _l("%(person)s asks to use %(title)s. The request waits for your decision.")),
    "organiser_enrolment_pending": (
        _l("Enrolment waiting for your approval: %(title)s"),
        _l("%(person)s wants to join %(title)s and waits for your approval.")),
}


def enabled():
    return current_app.config.get("NOTIFICATIONS_ENABLED", True)


def _url_context():
    """Links need a request; CLI commands and scripts (demo seed, benchmarks) have none."""
    return nullcontext() if has_request_context() else current_app.test_request_context("/")


def _notification(function):
    """No-op when notifications are off; otherwise run with links available."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if not enabled():
            return None
        with _url_context():
            return function(*args, **kwargs)
    return wrapper


def _ics(user, locale, build_items, method):
    """The attachment, built in the recipient's language (item builders translate labels):
    an invitation from the organisation (ORGANIZER, at the sender address) to the recipient
    (ATTENDEE), as strict clients require of METHOD:REQUEST and CANCEL."""
    with force_locale(locale):
        items = build_items()
        if not items:
            return None
        return build_calendar(_("InduCCI events"), items, method=method,
                              attendee=(user.name, user.email)).decode("utf-8")


def _notification_context(kind, user, context):
    subject, intro = TEXTS[kind]
    words = {key: context.get(key, "") for key in ("title", "person", "adviser")}
    return dict(context, kind=kind, name=user.name, subject=subject, intro=intro, words=words)


def _queue(kind, user, context, *, items=None, method="REQUEST", dedupe_key=None, check_dedupe=True):
    """Render and queue now (reminders: a batch job, not a booking)."""
    locale = user.locale or "en"
    ics = _ics(user, locale, items, method) if items is not None else None
    return queue_message(
        kind=kind, template="notification", recipient_email=user.email, recipient_name=user.name,
        locale=locale, user_id=user.id, ics=ics, context=_notification_context(kind, user, context),
        ics_method=method if ics else None, dedupe_key=dedupe_key, check_dedupe=check_dedupe,
    )


def _fields(kind, user, context, *, items=None, method="REQUEST"):
    """The composed message (for a deferred row): recipient, texts, attachment."""
    locale = user.locale or "en"
    ics = _ics(user, locale, items, method) if items is not None else None
    subject, text, html = render("notification", locale, _notification_context(kind, user, context), user.name)
    return dict(recipient_email=user.email, recipient_name=user.name, locale=locale, subject=subject,
                body_text=text, body_html=html, ics=ics, ics_method=method if ics else None)


def _composer(*kinds):
    """Register ``compose(kind, user, payload)`` for ``kinds`` (run by the worker, with links)."""
    def register(function):
        @functools.wraps(function)
        def wrapper(kind, user, payload):
            with _url_context():
                return function(kind, user, payload)
        for kind in kinds:
            COMPOSERS[kind] = wrapper
        return function
    return register


def _snapshot(row, **extra):
    """What a deferred message needs to know of ``row`` as of now: its id, and its SEQUENCE
    once this change is counted (a flush runs the Versioned bump), so the attachment carries
    the revision the message is about even if the item changes again before it is sent."""
    db.session.flush()
    return dict(extra, id=row.id, sequence=row.sequence)


def _as_sent(item, sequence, method):
    """The feed item as the message announces it: the SEQUENCE of that revision, and the
    status (a REQUEST confirms, a CANCEL cancels), even if the item changed again since."""
    status = "CANCELLED" if method == "CANCEL" else ("TENTATIVE" if item.status == "TENTATIVE" else "CONFIRMED")
    return dataclasses.replace(item, sequence=sequence, status=status)


def _load(model, pk):
    row = db.session.get(model, pk)
    if row is None:
        raise ItemGone(f"{model.__name__} {pk} no longer exists")
    return row


def organisers_of(organisation_id):
    """The organisers of an organisation (one query), each to be written in their language."""
    from ..accounts.models import Membership, User

    return db.session.scalars(
        sa.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, Membership.role == "organiser")
        .order_by(User.id)
    ).unique().all()


# --- events and workshop series ----------------------------------------------------------

#: Kinds that end the person's place: the attachment cancels the calendar items.
_ENROLMENT_CANCELS = {"enrolment_declined", "enrolment_cancelled", "event_cancelled"}
#: Kinds that give no calendar item (nothing to attend yet).
_ENROLMENT_NO_ICS = {"enrolment_waitlisted"}


def _enrolment_sessions(enrolment):
    return [enrolment.session] if enrolment.session_id is not None else list(enrolment.event.sessions)


def _session_times(sessions):
    return [dict(starts_at=s.starts_at, ends_at=s.ends_at, tz=s.venue.timezone,
                 place=f"{s.venue.name}, {s.venue.address}") for s in sessions]


@_notification
def enrolment(enrolment, kind):
    """``enrolment_confirmed``, ``_waitlisted``, ``_promoted``, ``_declined``, ``_cancelled``
    (by the organiser) or ``event_cancelled`` for the participant of ``enrolment``."""
    defer_message(kind=kind, user_id=enrolment.user_id, payload=_snapshot(enrolment))


def enrolments(items, kind):
    for item in items:
        enrolment(item, kind)


@_composer("enrolment_confirmed", "enrolment_waitlisted", "enrolment_promoted", "enrolment_declined",
           "enrolment_cancelled", "event_cancelled")
def _compose_enrolment(kind, user, payload):
    from ..workshops.models import Enrolment

    enrolment = _load(Enrolment, payload["id"])
    sessions = _enrolment_sessions(enrolment)
    context = dict(title=enrolment.event.title, times=_session_times(sessions), link=absolute("workshops.mine"))
    if kind in _ENROLMENT_NO_ICS:
        return _fields(kind, user, context)
    method = "CANCEL" if kind in _ENROLMENT_CANCELS else "REQUEST"
    # A session's item in the personal feed counts the session's, the event's and the
    # enrolment's changes; the enrolment's part is the one this message is about.
    return _fields(kind, user, context, method=method, items=lambda: [
        _as_sent(enrolment_session_item(s, enrolment), payload["sequence"] + s.sequence + enrolment.event.sequence,
                 method) for s in sessions])


@_notification
def enrolment_pending(enrolment):
    """To the event's organisers: a person waits for their approval."""
    from ..workshops.models import Event

    _tell_organisers("organiser_enrolment_pending", db.session.get(Event, enrolment.event_id).organisation_id,
                     _snapshot(enrolment))


@_composer("organiser_enrolment_pending")
def _compose_enrolment_pending(kind, organiser, payload):
    from ..workshops.models import Enrolment

    enrolment = _load(Enrolment, payload["id"])
    event = enrolment.event
    context = dict(title=event.title, person=enrolment.user.name, times=_session_times(_enrolment_sessions(enrolment)),
                   link=absolute("workshops.manage_event", slug=event.organisation.slug, event_id=event.id))
    return _fields(kind, organiser, context)


# --- pop-up spaces --------------------------------------------------------------------------

def _booking_context(booking):
    listing = booking.listing
    return dict(title=listing.title, first_day=booking.start_date, last_day=booking.end_date - timedelta(days=1),
                units=booking.units, place=f"{listing.venue.name}, {listing.venue.address}",
                reason=booking.decline_reason, link=absolute("spaces.my_bookings"))


@_notification
def booking(booking, kind):
    """``space_request_received``, ``space_booking_confirmed``, ``space_request_declined`` or
    ``space_booking_cancelled`` for the creative who asked."""
    defer_message(kind=kind, user_id=booking.user_id, payload=_snapshot(booking))


@_composer("space_request_received", "space_booking_confirmed", "space_request_declined", "space_booking_cancelled")
def _compose_booking(kind, user, payload):
    from ..spaces.models import SpaceBooking

    booking = _load(SpaceBooking, payload["id"])
    context = _booking_context(booking)
    if kind in ("space_request_received", "space_request_declined"):
        return _fields(kind, user, context)  # nothing in the calendar (yet, or any more)
    method = "CANCEL" if kind == "space_booking_cancelled" else "REQUEST"
    return _fields(kind, user, context, method=method, items=lambda: [_as_sent(booking_item(booking), payload["sequence"], method)])


@_notification
def booking_requested(booking):
    """To the listing's organisers: a new request waits for their decision."""
    from ..spaces.models import SpaceListing

    _tell_organisers("organiser_space_request", db.session.get(SpaceListing, booking.listing_id).organisation_id,
                     _snapshot(booking))


def _tell_organisers(kind, organisation_id, payload):
    """One deferred message per organiser of the organisation, each composed in their language."""
    for organiser in organisers_of(organisation_id):
        defer_message(kind=kind, user_id=organiser.id, payload=payload)


@_composer("organiser_space_request")
def _compose_booking_requested(kind, organiser, payload):
    from ..spaces.models import SpaceBooking

    booking = _load(SpaceBooking, payload["id"])
    listing = booking.listing
    context = dict(_booking_context(booking), person=booking.user.name,
                   link=absolute("spaces.bookings", slug=listing.organisation.slug))
    return _fields(kind, organiser, context)


# --- help desks -----------------------------------------------------------------------------

def _appointment_context(appointment):
    desk = appointment.desk
    if appointment.mode == "visit":
        place = appointment.address
    elif appointment.mode == "online":
        place = _("Online")
    else:
        place = f"{desk.venue.name}, {desk.venue.address}" if desk.venue is not None else desk.name
    return dict(title=f"{desk.name}: {appointment.topic}", adviser=appointment.adviser.user.name,
                times=[dict(starts_at=appointment.starts_at, ends_at=appointment.ends_at, tz=desk.timezone,
                            place=place)], link=absolute("helpdesk.mine"))


@_notification
def appointment(appointment, kind):
    """``appointment_booked`` or ``appointment_cancelled`` for the person who booked."""
    defer_message(kind=kind, user_id=appointment.user_id, payload=_snapshot(appointment))


@_composer("appointment_booked", "appointment_cancelled")
def _compose_appointment(kind, user, payload):
    from ..helpdesk.models import Appointment

    appointment = _load(Appointment, payload["id"])
    method = "CANCEL" if kind == "appointment_cancelled" else "REQUEST"
    return _fields(kind, user, _appointment_context(appointment), method=method,
                   items=lambda: [_as_sent(appointment_item(appointment), payload["sequence"], method)])


@_notification
def mentoring_proposed(request):
    """The adviser proposed a time for a mentoring visit: the person can accept it."""
    db.session.flush()
    defer_message(kind="mentoring_proposed", user_id=request.user_id, payload={"id": request.id})


@_composer("mentoring_proposed")
def _compose_mentoring_proposed(kind, user, payload):
    from ..helpdesk.models import MentoringRequest

    request = _load(MentoringRequest, payload["id"])
    desk = request.desk
    context = dict(title=f"{desk.name}: {request.topic}", adviser=request.proposed_adviser.user.name,
                   times=[dict(starts_at=request.proposed_starts_at, ends_at=request.proposed_ends_at,
                               tz=desk.timezone, place=request.address)], link=absolute("helpdesk.mine"))
    return _fields(kind, user, context)
