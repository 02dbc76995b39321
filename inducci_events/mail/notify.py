"""What happened, told by e-mail: one function per kind of change, called by the services.

Every function here runs INSIDE the unit of work of the change it reports (the services
call it right after the change, under the same locks), and only queues rows in the outbox
(:func:`.services.queue_message`): a rolled-back change sends nothing. Each message is
rendered in the recipient's language from ``templates/mail/notification.*`` and carries the
item's ``.ics`` (built with the calendar feature's item builders, so UID and SEQUENCE are
those of the personal feeds): ``METHOD:REQUEST`` for new and changed items,
``METHOD:CANCEL`` for cancellations.

``NOTIFICATIONS_ENABLED = False`` turns every function into a no-op (benchmarks).
"""
import functools
from contextlib import nullcontext
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..calendar.ics import build_calendar
from ..calendar.items import absolute, appointment_item, booking_item, enrolment_session_item
from ..extensions import db
from .services import queue_message


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


def _ics(locale, build_items, method):
    """The attachment, built in the recipient's language (item builders translate labels)."""
    with force_locale(locale):
        items = build_items()
        if not items:
            return None
        return build_calendar(_("InduCCI events"), items, method=method).decode("utf-8")


def _queue(kind, user, context, *, items=None, method="REQUEST", dedupe_key=None, check_dedupe=True):
    locale = user.locale or "en"
    ics = _ics(locale, items, method) if items is not None else None
    subject, intro = TEXTS[kind]
    words = {key: context.get(key, "") for key in ("title", "person", "adviser")}
    return queue_message(
        kind=kind, template="notification", recipient_email=user.email, recipient_name=user.name,
        locale=locale, user_id=user.id, ics=ics,
        context=dict(context, kind=kind, name=user.name, subject=subject, intro=intro, words=words),
        ics_method=method if ics else None, dedupe_key=dedupe_key, check_dedupe=check_dedupe,
    )


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
    db.session.flush()  # the new SEQUENCE goes into the attachment
    sessions = _enrolment_sessions(enrolment)
    context = dict(title=enrolment.event.title, times=_session_times(sessions), link=absolute("workshops.mine"))
    if kind in _ENROLMENT_NO_ICS:
        return _queue(kind, enrolment.user, context)
    method = "CANCEL" if kind in _ENROLMENT_CANCELS else "REQUEST"
    return _queue(kind, enrolment.user, context, method=method,
                  items=lambda: [enrolment_session_item(s, enrolment) for s in sessions])


def enrolments(items, kind):
    for item in items:
        enrolment(item, kind)


@_notification
def enrolment_pending(enrolment):
    """To the event's organisers: a person waits for their approval."""
    db.session.flush()
    event = enrolment.event
    context = dict(title=event.title, person=enrolment.user.name, times=_session_times(_enrolment_sessions(enrolment)),
                   link=absolute("workshops.manage_event", slug=event.organisation.slug, event_id=event.id))
    for organiser in organisers_of(event.organisation_id):
        _queue("organiser_enrolment_pending", organiser, context)


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
    db.session.flush()
    context = _booking_context(booking)
    if kind in ("space_request_received", "space_request_declined"):
        return _queue(kind, booking.user, context)  # nothing in the calendar (yet, or any more)
    method = "CANCEL" if kind == "space_booking_cancelled" else "REQUEST"
    return _queue(kind, booking.user, context, method=method, items=lambda: [booking_item(booking)])


@_notification
def booking_requested(booking):
    """To the listing's organisers: a new request waits for their decision."""
    db.session.flush()
    listing = booking.listing
    context = dict(_booking_context(booking), person=booking.user.name,
                   link=absolute("spaces.bookings", slug=listing.organisation.slug))
    for organiser in organisers_of(listing.organisation_id):
        _queue("organiser_space_request", organiser, context)


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
    db.session.flush()
    method = "CANCEL" if kind == "appointment_cancelled" else "REQUEST"
    return _queue(kind, appointment.user, _appointment_context(appointment), method=method,
                  items=lambda: [appointment_item(appointment)])


@_notification
def mentoring_proposed(request):
    """The adviser proposed a time for a mentoring visit: the person can accept it."""
    db.session.flush()
    db.session.expire(request, ["proposed_adviser"])  # set by id just now
    desk = request.desk
    context = dict(title=f"{desk.name}: {request.topic}", adviser=request.proposed_adviser.user.name,
                   times=[dict(starts_at=request.proposed_starts_at, ends_at=request.proposed_ends_at,
                               tz=desk.timezone, place=request.address)], link=absolute("helpdesk.mine"))
    return _queue("mentoring_proposed", request.user, context)
