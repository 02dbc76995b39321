"""Reminders 24 hours ahead: sessions of confirmed enrolments, the first day of confirmed
space bookings (midnight in the venue's zone) and confirmed appointments.

:func:`queue_reminders` is one unit of work with a fixed number of queries whatever the
number of reminders: the keys already queued, then one query per kind of item with what
the message and its ``.ics`` need loaded eagerly. Each reminder has a ``dedupe_key``, so a
second run (or a run five minutes later) queues nothing new; the outbox's unique index
backs that up if two runs race. People who opted out (``users.mail_reminders``) are
skipped in SQL.
"""
from datetime import datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from ..accounts.models import User
from ..calendar.items import absolute, appointment_item, booking_item, enrolment_session_item
from ..core.db import unit_of_work, utcnow
from ..core.timeutil import zone
from ..helpdesk.models import Adviser, Appointment
from ..spaces.models import SpaceBooking, SpaceListing
from ..workshops.models import Enrolment, Event, Session
from . import notify
from .models import OutboxMessage

#: How far ahead a reminder is sent.
AHEAD = timedelta(hours=24)
#: Keys older than this cannot belong to an item still ahead of us (24 h plus slack).
_KEY_MEMORY = timedelta(days=3)


def session_key(enrolment_id, session):
    return f"reminder:session:{enrolment_id}:{session.id}:{int(session.starts_at.timestamp())}"


def booking_key(booking):
    return f"reminder:booking:{booking.id}:{booking.start_date.isoformat()}"


def appointment_key(appointment):
    return f"reminder:appointment:{appointment.id}:{int(appointment.starts_at.timestamp())}"


def _opted_in():
    return User.mail_reminders.is_(True)


def _due_sessions(session, now):
    """``(enrolment, session)`` pairs: each session an enrolment covers that starts soon."""
    covers = sa.and_(Session.event_id == Enrolment.event_id,
                     sa.or_(Enrolment.session_id.is_(None), Enrolment.session_id == Session.id))
    return session.execute(
        sa.select(Enrolment, Session)
        .join(Session, covers).join(Event, Event.id == Enrolment.event_id).join(User, User.id == Enrolment.user_id)
        .where(Enrolment.status == "confirmed", Event.status == "published", _opted_in(),
               Session.starts_at > now, Session.starts_at <= now + AHEAD)
        .options(contains_eager(Enrolment.event), contains_eager(Enrolment.user),
                 joinedload(Session.venue))
        .order_by(Session.starts_at, Enrolment.id)
    ).unique().all()


def _first_moment(booking):
    """Midnight of the booking's first day in the venue's zone, as aware UTC."""
    tz = zone(booking.listing.venue.timezone)
    return datetime.combine(booking.start_date, time(0), tzinfo=tz).astimezone(timezone.utc)


def _due_bookings(session, now):
    # No zone is more than a day away from UTC: fetch a few days around, decide per venue.
    low, high = (now - timedelta(days=1)).date(), (now + AHEAD + timedelta(days=1)).date()
    candidates = session.scalars(
        sa.select(SpaceBooking).join(User, User.id == SpaceBooking.user_id)
        .where(SpaceBooking.status == "confirmed", SpaceBooking.start_date >= low,
               SpaceBooking.start_date <= high, _opted_in())
        .options(contains_eager(SpaceBooking.user),
                 joinedload(SpaceBooking.listing).joinedload(SpaceListing.venue))
        .order_by(SpaceBooking.start_date, SpaceBooking.id)
    ).unique().all()
    return [b for b in candidates if now < _first_moment(b) <= now + AHEAD]


def _due_appointments(session, now):
    return session.scalars(
        sa.select(Appointment).join(User, User.id == Appointment.user_id)
        .where(Appointment.status == "confirmed", _opted_in(),
               Appointment.starts_at > now, Appointment.starts_at <= now + AHEAD)
        .options(joinedload(Appointment.adviser).joinedload(Adviser.user))
        .order_by(Appointment.starts_at, Appointment.id)
    ).unique().all()


def queue_reminders(*, now=None):
    """Queue every reminder that is due and not queued yet; returns how many were queued.

    """
    now = now or utcnow()
    if not notify.enabled():
        return 0
    queued = 0
    try:
        with notify._url_context(), unit_of_work() as session:
            known = set(session.scalars(sa.select(OutboxMessage.dedupe_key).where(
                OutboxMessage.dedupe_key.like("reminder:%"), OutboxMessage.created_at >= now - _KEY_MEMORY)))
            for enrolment, item in _due_sessions(session, now):
                key = session_key(enrolment.id, item)
                if key in known:
                    continue
                known.add(key)
                context = dict(title=enrolment.event.title, times=notify._session_times([item]),
                               link=absolute("workshops.mine"))
                notify._queue("reminder_session", enrolment.user, context, dedupe_key=key, check_dedupe=False,
                              items=lambda e=enrolment, s=item: [enrolment_session_item(s, e)])
                queued += 1
            for booking in _due_bookings(session, now):
                key = booking_key(booking)
                if key in known:
                    continue
                known.add(key)
                notify._queue("reminder_booking", booking.user, notify._booking_context(booking), dedupe_key=key,
                              check_dedupe=False, items=lambda b=booking: [booking_item(b)])
                queued += 1
            for appointment in _due_appointments(session, now):
                key = appointment_key(appointment)
                if key in known:
                    continue
                known.add(key)
                notify._queue("reminder_appointment", appointment.user, notify._appointment_context(appointment),
                              dedupe_key=key, check_dedupe=False, items=lambda a=appointment: [appointment_item(a)])
                queued += 1
    except IntegrityError:
        # Another run queued the same reminders a moment earlier; this run's are not needed.
        return 0
    return queued
