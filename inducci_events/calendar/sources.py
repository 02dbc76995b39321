"""What goes into each feed: read-only queries over events, spaces and help desks.

Every feed is a :class:`Feed`: a cheap ``version`` (a few aggregate queries) from which
the ETag is made, and ``items()`` that loads everything with a fixed number of queries,
however many items there are.
"""
from collections import namedtuple
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..core.db import utcnow
from ..core.ical import latest
from ..core.timeutil import local_to_utc, zone
from ..extensions import db
from ..helpdesk.models import Absence, Adviser, Appointment, HelpDesk, OfficeHourRule
from ..organisations.models import Organisation, Venue
from ..spaces.models import SpaceBooking, SpaceListing
from ..helpdesk.ical import appointment_item, office_hours_item, staff_appointment_item
from ..spaces.ical import booking_item, occupancy_item, organiser_booking_item
from ..workshops.ical import enrolment_session_item, organiser_session_item, session_item
from ..workshops.models import Enrolment, Event, Session

#: How far back public and organiser feeds reach (older items drop out of subscriptions).
HISTORY = timedelta(days=90)
#: A cancelled item stays in personal and organiser feeds this long, so clients remove it.
CANCELLED_KEPT = timedelta(days=30)


@dataclass
class Feed:
    name: str
    version: tuple
    last_modified: datetime | None
    items: Callable[[], list]
    alarm: timedelta | None = None  # a reminder alarm before each timed item (personal feeds)


def _versions(*selects):
    """Several one-row aggregates in one round trip (a cross join of one-row subqueries)."""
    subqueries = [select.subquery() for select in selects]
    joined = subqueries[0]
    for sub in subqueries[1:]:
        joined = joined.join(sub, sa.true())
    return tuple(db.session.execute(
        sa.select(*[c for sub in subqueries for c in sub.c]).select_from(joined)).one())


def _window_start(now):
    # Whole days, so the version (and the ETag) does not change every second.
    return datetime.combine((now - HISTORY).date(), datetime.min.time(), tzinfo=now.tzinfo)


def sessions_select(*where):
    """The columns of the sessions (joined to their event) matching ``where``, for :func:`load_sessions`."""
    return sa.select(Session.__table__).join(Event, Session.event_id == Event.id).where(*where)


def load_sessions(stmt):
    """The rows of ``stmt`` (see :func:`sessions_select`; callers may add labelled columns),
    each with ``.event`` (its organisation and programme loaded) and ``.venue``.

    Three queries whatever the number: the sessions as plain rows (building thousands of
    ORM objects costs more than the whole calendar), their events and their venues (by the
    ids the rows name; by the matching subquery if there are very many).
    """
    # Plain rows through the session's connection: the ORM's result machinery is not needed.
    result = db.session.connection().execute(stmt.order_by(Session.starts_at, Session.id))
    names = list(result.keys())
    rows = result.all()
    if not rows:
        return []
    event_ids = {row.event_id for row in rows}
    venue_ids = {row.venue_id for row in rows}
    matching = stmt.subquery()
    events = {e.id: e for e in db.session.scalars(
        sa.select(Event).where(Event.id.in_(event_ids if len(event_ids) <= _ID_LIST
                                            else sa.select(matching.c.event_id)))
        .options(joinedload(Event.organisation), joinedload(Event.programme)))}
    venues = {v.id: v for v in db.session.scalars(
        sa.select(Venue).where(Venue.id.in_(venue_ids if len(venue_ids) <= _ID_LIST
                                            else sa.select(matching.c.venue_id))))}
    # A light read-only record per row (a named tuple: much cheaper than an object per row).
    record = namedtuple("SessionRow", [*names, "event", "venue"])
    return [record(*row, events[row.event_id], venues[row.venue_id]) for row in rows]


#: Up to this many ids are sent as a list; more are matched by a subquery.
_ID_LIST = 1000


# --- public --------------------------------------------------------------------------

def _public_sessions_feed(name, organisation, key, where, now=None):
    """Sessions of published (and cancelled) events. The version is the organisation's
    ``calendar_changed_at``, which every change to what these feeds show moves (see
    :class:`~inducci_events.organisations.models.InPublicCalendars`): an unchanged feed
    costs no query beyond the organisation's row."""
    now = now or utcnow()
    since = _window_start(now)
    conditions = [Event.status != "draft", Session.ends_at >= since, *where]

    def items():
        return [session_item(s) for s in load_sessions(sessions_select(*conditions))]

    changed = organisation.calendar_changed_at
    return Feed(name, ("public", *key, organisation.id, since.date(), changed), changed, items)


def organisation_feed(org):
    return _public_sessions_feed(org.name, org, ("organisation",), [Event.organisation_id == org.id])


def programme_feed(programme):
    org = programme.organisation
    return _public_sessions_feed(f"{programme.title} · {org.short_name}", org, ("programme", programme.id),
                                 [Event.programme_id == programme.id])


def event_feed(event):
    return _public_sessions_feed(event.title, event.organisation, ("event", event.id), [Event.id == event.id])


def _recent_or(status_column, active, updated_column, now):
    """Active rows, plus cancelled ones changed in the last 30 days (clients must see the cancellation)."""
    return sa.or_(status_column.in_(active),
                  sa.and_(status_column == "cancelled", updated_column >= now - CANCELLED_KEPT))


def listing_feed(listing, now=None):
    """Occupied periods of a space listing: dates and units, no names."""
    now = now or utcnow()
    since = (now - HISTORY).date()
    conditions = [SpaceBooking.listing_id == listing.id, SpaceBooking.end_date >= since,
                  _recent_or(SpaceBooking.status, ("confirmed",), SpaceBooking.updated_at, now)]
    version = _versions(
        sa.select(sa.func.count(SpaceBooking.id), sa.func.max(SpaceBooking.updated_at)).where(*conditions))

    def items():
        bookings = db.session.scalars(
            sa.select(SpaceBooking).where(*conditions).order_by(SpaceBooking.start_date)).all()
        for booking in bookings:
            booking.listing = listing  # all the same listing: no query per booking
        return [occupancy_item(b) for b in bookings]

    changed = listing.organisation.calendar_changed_at  # the venue's name and address
    return Feed(listing.title, ("listing", listing.id, since, changed, *version), latest(version[1], changed), items)


def office_hour_blocks(desk, rules, absences, first_day, last_day):
    """``(rule, start, end)`` per day that a rule applies and its adviser is not absent."""
    absent = {}
    for absence in absences:
        day = absence.starts_on
        while day <= absence.ends_on:
            absent.setdefault(absence.adviser_id, set()).add(day)
            day += timedelta(days=1)
    blocks = []
    for rule in rules:
        day = max(first_day, rule.valid_from)
        last = last_day if rule.valid_until is None else min(last_day, rule.valid_until)
        while day <= last:
            if rule.weekdays & (1 << day.weekday()) and day not in absent.get(rule.adviser_id, ()):
                blocks.append((rule, local_to_utc(datetime.combine(day, rule.start_time), desk.timezone),
                               local_to_utc(datetime.combine(day, rule.end_time), desk.timezone)))
            day += timedelta(days=1)
    return sorted(blocks, key=lambda block: (block[1], block[0].id))


def desk_feed(desk, now=None):
    """A help desk's office hours for the booking horizon (no appointments, no names of clients)."""
    now = now or utcnow()
    today = now.astimezone(zone(desk.timezone)).date()
    last_day = today + timedelta(days=desk.horizon_days)
    version = _versions(
        sa.select(sa.func.count(OfficeHourRule.id), sa.func.max(OfficeHourRule.created_at))
        .where(OfficeHourRule.desk_id == desk.id),
        sa.select(sa.func.count(Absence.id), sa.func.max(Absence.id))
        .where(Absence.adviser_id.in_(sa.select(OfficeHourRule.adviser_id).where(OfficeHourRule.desk_id == desk.id)),
               Absence.ends_on >= today))

    def items():
        rules = db.session.scalars(
            sa.select(OfficeHourRule).where(OfficeHourRule.desk_id == desk.id)
            .options(joinedload(OfficeHourRule.adviser).joinedload(Adviser.user))).unique().all()
        absences = db.session.scalars(sa.select(Absence).where(
            Absence.adviser_id.in_([r.adviser_id for r in rules]), Absence.ends_on >= today)).all()
        return [office_hours_item(desk, rule, rule.adviser.user.name, start, end)
                for rule, start, end in office_hour_blocks(desk, rules, absences, today, last_day)]

    # The organisation's stamp: a renamed or moved venue changes where the hours are.
    changed = desk.organisation.calendar_changed_at
    return Feed(desk.name, ("desk", desk.id, today, changed, *version), latest(version[1], changed), items)


# --- personal ------------------------------------------------------------------------

def personal_feed(user, now=None):
    """A person's confirmed enrolments (each session), space bookings and appointments;
    cancelled ones stay for 30 days as STATUS:CANCELLED."""
    now = now or utcnow()
    since = _window_start(now)
    enrolment_where = [Enrolment.user_id == user.id,
                       sa.or_(Enrolment.status == "confirmed",
                              sa.and_(Enrolment.status.in_(("cancelled", "declined")),
                                      Enrolment.updated_at >= now - CANCELLED_KEPT))]
    booking_where = [SpaceBooking.user_id == user.id, SpaceBooking.end_date >= since.date(),
                     _recent_or(SpaceBooking.status, ("confirmed",), SpaceBooking.updated_at, now)]
    appointment_where = [Appointment.user_id == user.id, Appointment.ends_at >= since,
                         _recent_or(Appointment.status, ("confirmed", "completed", "no_show"),
                                    Appointment.updated_at, now)]
    enrolled_events = sa.select(Enrolment.event_id).where(*enrolment_where)
    version = _versions(
        sa.select(sa.func.count(Enrolment.id), sa.func.max(Enrolment.updated_at)).where(*enrolment_where),
        sa.select(sa.func.count(Session.id), sa.func.max(Session.updated_at), sa.func.max(Event.updated_at))
        .join(Event, Session.event_id == Event.id).where(Event.id.in_(enrolled_events)),
        sa.select(sa.func.count(SpaceBooking.id), sa.func.max(SpaceBooking.updated_at)).where(*booking_where),
        sa.select(sa.func.count(Appointment.id), sa.func.max(Appointment.updated_at)).where(*appointment_where),
        # Venues, names (and whatever else public feeds show) of the organisations of those
        # events, listings and desks.
        sa.select(sa.func.max(Organisation.calendar_changed_at)).where(Organisation.id.in_(sa.union(
            sa.select(Event.organisation_id).where(Event.id.in_(enrolled_events)),
            sa.select(SpaceListing.organisation_id).join(SpaceBooking, SpaceBooking.listing_id == SpaceListing.id)
            .where(*booking_where),
            sa.select(HelpDesk.organisation_id).join(Appointment, Appointment.desk_id == HelpDesk.id)
            .where(*appointment_where)))),
    )

    enrolments, bookings, appointments = version[0], version[5], version[7]

    def items():
        # Kinds the version counted none of are not asked for (the body matches its ETag).
        result = []
        if enrolments:
            # Each enrolled session with its enrolment in one row: a series enrolment covers
            # every session of its event, a session-mode one its own session.
            rows = load_sessions(
                sa.select(Session.__table__, Enrolment.id.label("enrolment_id"),
                          Enrolment.status.label("enrolment_status"), Enrolment.sequence.label("enrolment_sequence"),
                          Enrolment.updated_at.label("enrolment_updated_at"))
                .join(Event, Session.event_id == Event.id)
                .join(Enrolment, sa.and_(Enrolment.event_id == Session.event_id, sa.or_(
                    Enrolment.session_id.is_(None), Enrolment.session_id == Session.id)))
                .where(*enrolment_where, Session.ends_at >= since))
            result.extend(enrolment_session_item(s, SimpleNamespace(
                id=s.enrolment_id, status=s.enrolment_status, sequence=s.enrolment_sequence,
                updated_at=s.enrolment_updated_at)) for s in rows)
        if bookings:
            result.extend(booking_item(b) for b in db.session.scalars(
                sa.select(SpaceBooking).where(*booking_where).options(
                    selectinload(SpaceBooking.listing).options(
                        joinedload(SpaceListing.venue), joinedload(SpaceListing.organisation),
                        joinedload(SpaceListing.programme)))))
        if appointments:
            result.extend(appointment_item(a) for a in db.session.scalars(
                sa.select(Appointment).where(*appointment_where).options(
                    joinedload(Appointment.desk).joinedload(HelpDesk.venue),
                    joinedload(Appointment.adviser).joinedload(Adviser.user))).unique())
        return sorted(result, key=lambda item: (str(item.start), item.uid))

    stamps = version[1], version[3], version[4], version[6], version[8], version[9]
    minutes = user.calendar_alarm_minutes
    return Feed(user.name, ("personal", user.id, since.date(), minutes, *version), latest(*stamps), items,
                alarm=timedelta(minutes=minutes) if minutes else None)


# --- organisers and advisers ---------------------------------------------------------

def _enrolment_counts(org_id):
    """``{(event_id, session_id or None): (confirmed, waitlisted, changes)}`` and the latest
    change per event. ``changes`` counts every enrolment and every change of its status (the
    sum of ``1 + sequence``): it never goes down, and every new count raises it, so the
    organiser's items raise their SEQUENCE with the counts they show."""
    rows = db.session.execute(
        sa.select(Enrolment.event_id, Enrolment.session_id, Enrolment.status, sa.func.count(),
                  sa.func.coalesce(sa.func.sum(Enrolment.sequence), 0), sa.func.max(Enrolment.updated_at))
        .join(Event, Enrolment.event_id == Event.id)
        .where(Event.organisation_id == org_id)
        .group_by(Enrolment.event_id, Enrolment.session_id, Enrolment.status)).all()
    counts, changed_at = {}, {}
    for event_id, session_id, status, n, sequences, changed in rows:
        confirmed, waiting, changes = counts.get((event_id, session_id), (0, 0, 0))
        confirmed += n if status == "confirmed" else 0
        waiting += n if status == "waitlisted" else 0
        counts[(event_id, session_id)] = (confirmed, waiting, changes + n + sequences)
        changed_at[event_id] = latest(changed_at.get(event_id), changed)
    return counts, changed_at


def organiser_feed(user, org, now=None):
    """Everything of ``org`` that ``user`` works on: organisers get every session (with
    counts), confirmed space bookings (names, purpose) and every desk appointment; an
    adviser who does not organise gets their own appointments."""
    now = now or utcnow()
    since = _window_start(now)
    organiser = user.is_organiser_of(org.id)
    session_where = [Event.organisation_id == org.id, Session.ends_at >= since]
    booking_where = [SpaceListing.organisation_id == org.id, SpaceBooking.end_date >= since.date(),
                     _recent_or(SpaceBooking.status, ("confirmed",), SpaceBooking.updated_at, now)]
    appointment_where = [HelpDesk.organisation_id == org.id, Appointment.ends_at >= since,
                         _recent_or(Appointment.status, ("confirmed", "completed", "no_show"),
                                    Appointment.updated_at, now)]
    if not organiser:
        appointment_where.append(Appointment.adviser_id.in_(
            sa.select(Adviser.id).where(Adviser.user_id == user.id)))

    selects = [sa.select(sa.func.count(Appointment.id), sa.func.max(Appointment.updated_at))
               .join(HelpDesk, Appointment.desk_id == HelpDesk.id).where(*appointment_where)]
    if organiser:
        selects += [
            sa.select(sa.func.count(Session.id), sa.func.max(Session.updated_at), sa.func.max(Event.updated_at))
            .join(Event, Session.event_id == Event.id).where(*session_where),
            sa.select(sa.func.count(Enrolment.id), sa.func.max(Enrolment.updated_at))
            .join(Event, Enrolment.event_id == Event.id).where(Event.organisation_id == org.id),
            sa.select(sa.func.count(SpaceBooking.id), sa.func.max(SpaceBooking.updated_at))
            .join(SpaceListing, SpaceBooking.listing_id == SpaceListing.id).where(*booking_where),
        ]
    version = _versions(*selects)

    def items():
        result = []
        if organiser:
            counts, enrolments_changed = _enrolment_counts(org.id)
            for s in load_sessions(sessions_select(*session_where)):
                key = (s.event_id, None) if s.event.enrolment_mode == "series" else (s.event_id, s.id)
                confirmed, waiting, changes = counts.get(key, (0, 0, 0))
                result.append(organiser_session_item(s, confirmed, waiting, enrolments_changed.get(s.event_id),
                                                     changes))
            bookings = db.session.scalars(
                sa.select(SpaceBooking).join(SpaceListing, SpaceBooking.listing_id == SpaceListing.id)
                .where(*booking_where).options(
                    selectinload(SpaceBooking.listing).joinedload(SpaceListing.venue),
                    selectinload(SpaceBooking.listing).joinedload(SpaceListing.organisation),
                    selectinload(SpaceBooking.listing).joinedload(SpaceListing.programme),
                    joinedload(SpaceBooking.user), selectinload(SpaceBooking.team))).all()
            result.extend(organiser_booking_item(b) for b in bookings)
        appointments = db.session.scalars(
            sa.select(Appointment).join(HelpDesk, Appointment.desk_id == HelpDesk.id).where(*appointment_where)
            .options(joinedload(Appointment.desk).joinedload(HelpDesk.venue),
                     joinedload(Appointment.adviser).joinedload(Adviser.user),
                     joinedload(Appointment.user))).unique().all()
        result.extend(staff_appointment_item(a) for a in appointments)
        return sorted(result, key=lambda item: (str(item.start), item.uid))

    name = f"{org.short_name} · {user.name}"
    return Feed(name, ("organiser", user.id, org.id, organiser, since.date(), org.calendar_changed_at, *version),
                latest(org.calendar_changed_at, *(v for v in version if isinstance(v, datetime))), items)
