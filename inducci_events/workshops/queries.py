"""Read-only look-ups for pages, API and (later) feeds: seat counts, waitlists, participants.

Everything a template shows as a decision (``seats_left``, ``can_enrol``, ``can_cancel``,
``will_take_place``) is computed here, never in a template.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..core.db import utcnow
from ..core.spreadsheet import csv_text
from ..core.timeutil import utc_to_local
from ..extensions import db
from ..organisations.models import Organisation
from .models import ACTIVE_STATUSES, Attendance, Enrolment, Event, Session
from .services import EventNotFound, _scope, cancellation_open, registration_state  # noqa: F401 (pages)


@dataclass
class Seats:
    """Seat counts of one set of seats: the event (series) or one session (session mode)."""

    capacity: int
    min_participants: int
    confirmed: int = 0
    waitlisted: int = 0
    pending: int = 0

    @property
    def seats_left(self):
        return max(self.capacity - self.confirmed, 0)

    @property
    def will_take_place(self):
        return self.confirmed >= self.min_participants

    @property
    def needed(self):
        return max(self.min_participants - self.confirmed, 0)


@dataclass
class SessionView:
    session: Session
    seats: Seats | None  # only in session mode


@dataclass
class EventView:
    event: Event
    seats: Seats  # series: the event's; session mode: the sums, minimum over the sessions
    sessions: list[SessionView] = field(default_factory=list)

    @property
    def confirmed_count(self):
        return self.seats.confirmed

    @property
    def waitlist_count(self):
        return self.seats.waitlisted

    @property
    def seats_left(self):
        return self.seats.seats_left

    @property
    def will_take_place(self):
        """Series: the event has its minimum; session mode: every session has it."""
        if self.event.is_series or not self.sessions:
            return self.seats.will_take_place
        return all(v.seats.will_take_place for v in self.sessions)

    @property
    def needed(self):
        if self.event.is_series or not self.sessions:
            return self.seats.needed
        return max(v.seats.needed for v in self.sessions)


def _counts(event_ids):
    counts = defaultdict(Counter)
    if not event_ids:
        return counts
    rows = db.session.execute(
        sa.select(Enrolment.event_id, Enrolment.session_id, Enrolment.status, sa.func.count(Enrolment.id))
        .where(Enrolment.event_id.in_(event_ids), Enrolment.status.in_(ACTIVE_STATUSES))
        .group_by(Enrolment.event_id, Enrolment.session_id, Enrolment.status)
    )
    for event_id, session_id, status, n in rows:
        counts[(event_id, session_id)][status] = n
    return counts


def _seats(event, counter):
    return Seats(event.capacity, event.min_participants, counter.get("confirmed", 0),
                 counter.get("waitlisted", 0), counter.get("pending", 0))


def _view(event, counts):
    if event.is_series:
        return EventView(event, _seats(event, counts[(event.id, None)]),
                         [SessionView(s, None) for s in event.sessions])
    sessions = [SessionView(s, _seats(event, counts[(event.id, s.id)])) for s in event.sessions]
    total = Seats(event.capacity * max(len(sessions), 1), event.min_participants,
                  sum(v.seats.confirmed for v in sessions), sum(v.seats.waitlisted for v in sessions),
                  sum(v.seats.pending for v in sessions))
    return EventView(event, total, sessions)


def views_of(events):
    counts = _counts([e.id for e in events])
    return [_view(e, counts) for e in events]


def _event_query():
    return sa.select(Event).options(selectinload(Event.sessions), selectinload(Event.questions),
                                    selectinload(Event.programme))


def upcoming_events(*, region=None, organisation=None, programme_id=None, date_from=None, date_to=None, q=None,
                    now=None):
    """Published events with a session that has not ended (or is within ``date_from``..``date_to``)."""
    now = now or utcnow()
    session_filter = [Session.event_id == Event.id, Session.ends_at >= (date_from or now)]
    if date_to is not None:
        session_filter.append(Session.starts_at < date_to)
    stmt = _event_query().where(Event.status == "published", sa.exists().where(*session_filter))
    if region:
        stmt = stmt.join(Organisation, Organisation.id == Event.organisation_id).where(Organisation.slug == region)
    if organisation:
        stmt = stmt.where(Event.organisation_id == organisation.id)
    if programme_id:
        stmt = stmt.where(Event.programme_id == programme_id)
    if q:
        stmt = stmt.where(Event.title.ilike(f"%{q}%"))
    events = db.session.scalars(stmt).unique().all()
    events.sort(key=lambda e: (e.starts_at or datetime.max.replace(tzinfo=now.tzinfo), e.id))
    return views_of(events)


def check_visible(event, viewer=None):
    """Drafts only for their organisers; anybody else is told there is no such event."""
    if event.status == "draft" and not (viewer is not None and getattr(viewer, "is_authenticated", False)
                                        and viewer.is_organiser_of(event.organisation_id)):
        raise EventNotFound()
    return event


def event_view(event_id, viewer=None):
    """One event as its page shows it; drafts only for their organisers (else not found)."""
    event = db.session.scalar(_event_query().where(Event.id == event_id))
    if event is None:
        raise EventNotFound()
    return views_of([check_visible(event, viewer)])[0]


def event_of_org(org, event_id):
    event = db.session.scalar(_event_query().where(Event.id == event_id))
    if event is None or event.organisation_id != org.id:
        raise EventNotFound()
    return event


def organiser_events(org):
    """Every event of an organisation (drafts too), newest first, with minimum-number status."""
    events = db.session.scalars(
        _event_query().where(Event.organisation_id == org.id).order_by(Event.created_at.desc(), Event.id.desc())
    ).all()
    return views_of(events)


def waitlist_positions(enrolments):
    """``{enrolment id: 1-based position}`` for the waitlisted ones among ``enrolments``."""
    positions = {}
    for e in enrolments:
        if e.status != "waitlisted":
            continue
        ahead = db.session.scalar(sa.select(sa.func.count(Enrolment.id)).where(
            *_scope(e.event_id, e.session_id), Enrolment.status == "waitlisted",
            sa.or_(Enrolment.queue_seq < e.queue_seq, sa.and_(Enrolment.queue_seq == e.queue_seq,
                                                              Enrolment.id < e.id))))
        positions[e.id] = ahead + 1
    return positions


@dataclass
class MyEnrolment:
    enrolment: Enrolment
    waitlist_position: int | None
    can_cancel: bool


def can_cancel(enrolment, event, now=None):
    return enrolment.is_active and event.status != "cancelled" and cancellation_open(event, now)


def my_enrolments(user, now=None):
    """The user's enrolments, upcoming and active first, with waitlist positions."""
    enrolments = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.user_id == user.id)
        .options(selectinload(Enrolment.event).selectinload(Event.sessions), selectinload(Enrolment.session))
        .order_by(Enrolment.created_at.desc(), Enrolment.id.desc())
    ).all()
    positions = waitlist_positions(enrolments)
    rows = [MyEnrolment(e, positions.get(e.id), can_cancel(e, e.event, now)) for e in enrolments]
    rows.sort(key=lambda r: (not r.enrolment.is_active,))
    return rows


def viewer_enrolments(event, user):
    """The viewer's active enrolments in an event: ``{session id or None: MyEnrolment}``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    enrolments = db.session.scalars(sa.select(Enrolment).where(
        Enrolment.event_id == event.id, Enrolment.user_id == user.id, Enrolment.status.in_(ACTIVE_STATUSES))).all()
    positions = waitlist_positions(enrolments)
    return {e.session_id: MyEnrolment(e, positions.get(e.id), can_cancel(e, event)) for e in enrolments}


_STATUS_ORDER = {"confirmed": 0, "pending": 1, "waitlisted": 2, "cancelled": 3, "declined": 4}


@dataclass
class ParticipantRow:
    enrolment: Enrolment
    answers: list  # [(question, answer)]
    attended_session_ids: set
    waitlist_position: int | None

    @property
    def attendance_count(self):
        return len(self.attended_session_ids)


def participants(event):
    """Every enrolment of an event: confirmed, pending, the waitlist in order, then the rest."""
    enrolments = db.session.scalars(sa.select(Enrolment).where(Enrolment.event_id == event.id)).all()
    attended = defaultdict(set)
    for enrolment_id, session_id in db.session.execute(
            sa.select(Attendance.enrolment_id, Attendance.session_id)
            .join(Enrolment, Enrolment.id == Attendance.enrolment_id).where(Enrolment.event_id == event.id)):
        attended[enrolment_id].add(session_id)
    # Each waitlist (the event's, or each session's) numbered in its own order.
    position, waiting = {}, Counter()
    for e in sorted((e for e in enrolments if e.status == "waitlisted"), key=lambda e: (e.queue_seq, e.id)):
        waiting[e.session_id] += 1
        position[e.id] = waiting[e.session_id]
    rows = [ParticipantRow(e, [(q, (e.answers or {}).get(str(q.id), "")) for q in event.questions],
                           attended[e.id], position.get(e.id)) for e in enrolments]
    rows.sort(key=lambda r: (_STATUS_ORDER[r.enrolment.status], r.enrolment.session_id or 0,
                             r.waitlist_position or 0, r.enrolment.created_at, r.enrolment.id))
    return rows


def participants_csv(event, labels):
    """The participant list as CSV for Excel (:mod:`core.spreadsheet`).

    Only what running the event needs: names for the sign-in sheet, status, session,
    waitlist place, attendance and the answers to the organiser's own questions. No e-mail
    addresses: every change reaches participants through the app's messages, and a copy of
    addresses in a spreadsheet would outlive the account's deletion and the retention purge.

    ``labels`` translates the column headings (the view passes them translated).
    """
    header = [labels["name"], labels["status"], labels["session"], labels["waitlist_position"],
              labels["enrolled_at"], labels["attendance"]] + [q.label for q in event.questions]
    sessions = {s.id: s for s in event.sessions}
    tz = event.timezone
    rows = []
    for row in participants(event):
        e = row.enrolment
        session = sessions.get(e.session_id)
        rows.append([e.user.name, labels.get(e.status, e.status), session.title if session else "",
                     row.waitlist_position or "", utc_to_local(e.created_at, tz).strftime("%Y-%m-%d %H:%M"),
                     row.attendance_count] + [answer for _q, answer in row.answers])
    return csv_text(header, rows)


# --- API look-ups -------------------------------------------------------------------------


def utc_day_range(first_day=None, last_day=None):
    """``upcoming_events`` bounds for whole days ``first_day``..``last_day`` (both included, UTC)."""
    from datetime import time, timedelta, timezone

    return {
        "date_from": datetime.combine(first_day, time(0), tzinfo=timezone.utc) if first_day else None,
        "date_to": (datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=timezone.utc)
                    if last_day else None),
    }


def organised_event(event_id, user):
    """The event, for an organiser of its organisation (404 first, then 403)."""
    from ..core.auth import require_organiser

    event = db.session.scalar(_event_query().where(Event.id == event_id))
    if event is None:
        raise EventNotFound()
    require_organiser(user, event.organisation_id)
    return event


@dataclass
class EnrolmentItem:
    """One of a person's enrolments with the times it covers (its session's, or the series')."""

    enrolment: Enrolment
    waitlist_position: int | None
    can_cancel: bool
    starts_at: datetime | None
    ends_at: datetime | None
    timezone: str


def enrolments_of(user, *, past=False, now=None):
    """The user's enrolments: those not over yet, soonest first; with ``past``, those whose
    last session has ended, latest first."""
    now = now or utcnow()
    enrolments = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.user_id == user.id)
        .options(selectinload(Enrolment.event).selectinload(Event.sessions), selectinload(Enrolment.session))
    ).all()
    positions = waitlist_positions(enrolments)
    items = []
    for e in enrolments:
        covered = [e.session] if e.session is not None else list(e.event.sessions)
        starts = min((s.starts_at for s in covered), default=None)
        ends = max((s.ends_at for s in covered), default=None)
        if (ends is not None and ends < now) != past:
            continue
        tz = covered[0].venue.timezone if covered else e.event.timezone
        items.append(EnrolmentItem(e, positions.get(e.id), can_cancel(e, e.event, now), starts, ends, tz))
    never = datetime.max.replace(tzinfo=now.tzinfo)
    items.sort(key=lambda i: (i.starts_at or never, i.enrolment.id), reverse=past)
    return items
