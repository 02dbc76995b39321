"""What the events feature tells whom, by e-mail through the outbox (``mail/``).

Queueing functions run inside the service's unit of work and add one small deferred row
per person (see :mod:`inducci_events.mail.messages`); the composers below fill it in just
before it is sent, with the sessions' ``.ics`` from :mod:`.ical` (the personal feed's UIDs,
and the SEQUENCE of the revision the message is about). :func:`init_app` registers the
composers, the venue listener and the reminders with the app, explicitly.

One change, one message per person: a change that moves or renames several sessions
tells each participant once, with every session concerned in the message and its file.
"""
from collections import defaultdict
from datetime import datetime
from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload

from ..accounts.models import User
from ..core.db import utcnow
from ..core.ical import absolute, place
from ..extensions import db
from ..mail import messages
from ..mail.reminders import on_reminders
from ..organisations.services import on_organisation_renamed, on_venue_changed
from .ical import enrolment_session_item
from .models import Enrolment, Event, Session

#: kind -> (subject, first sentence). Lazy: translated when the message is rendered, in the
#: recipient's language, then filled with ``words`` (title, person).
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
    "enrolment_withdrawn": (
        _l("You have cancelled your enrolment: %(title)s"),
        _l("you have cancelled your enrolment in %(title)s. The attached file removes it from your calendar.")),
    "event_cancelled": (
        _l("Cancelled: %(title)s"),
        _l("we are sorry: %(title)s has been cancelled, and with it your enrolment.")),
    "sessions_changed": (
        _l("Changed: %(title)s"),
        _l("the organiser has changed %(title)s. The new times and places are below; the attached file "
           "updates your calendar.")),
    "venue_changed": (
        _l("New place details: %(title)s"),
        _l("the venue of %(title)s has changed its name or address. The details are below; the attached file "
           "updates your calendar.")),
    "session_deleted": (
        _l("Session cancelled: %(title)s"),
        _l("the organiser has removed a session of %(title)s. Your place in the other sessions stays; the "
           "attached file removes this one from your calendar.")),
    "reminder_session": (
        _l("Reminder: %(title)s starts within 24 hours"),
        _l("a reminder: %(title)s starts within the next 24 hours.")),
    "organiser_enrolment_pending": (
        _l("Enrolment waiting for your approval: %(title)s"),
        _l("%(person)s wants to join %(title)s and waits for your approval.")),
    "organiser_enrolment_withdrawn": (
        _l("A participant cancelled: %(title)s"),
        _l("%(person)s has cancelled their enrolment in %(title)s.")),
}

#: Kinds that end the person's place: the attachment cancels the calendar items.
_CANCELS = {"enrolment_declined", "enrolment_cancelled", "enrolment_withdrawn", "event_cancelled"}
#: Kinds that give no calendar item (nothing to attend yet).
_NO_ICS = {"enrolment_waitlisted"}


def _sessions_of(enrolment):
    return [enrolment.session] if enrolment.session_id is not None else list(enrolment.event.sessions)


def session_times(sessions):
    return [dict(starts_at=s.starts_at, ends_at=s.ends_at, tz=s.venue.timezone, place=place(s.venue))
            for s in sessions]


# --- queued inside the services' units of work --------------------------------------

@messages.notification
def enrolment(enrolment, kind):
    """``enrolment_confirmed``, ``_waitlisted``, ``_promoted``, ``_declined``, ``_cancelled``
    (by the organiser) or ``event_cancelled`` for the participant of ``enrolment``."""
    messages.defer(kind, enrolment.user_id, messages.snapshot(enrolment))


def enrolments(items, kind):
    for item in items:
        enrolment(item, kind)


@messages.notification
def enrolment_pending(enrolment):
    """To the event's organisers: a person waits for their approval."""
    messages.tell_organisers("organiser_enrolment_pending",
                             db.session.get(Event, enrolment.event_id).organisation_id, messages.snapshot(enrolment))


@messages.notification
def enrolment_withdrawn(enrolment, event):
    """The participant cancelled their own enrolment: a confirmation with METHOD:CANCEL for
    them and, if the event asks for it, a note to its organisers."""
    payload = messages.snapshot(enrolment)
    messages.defer("enrolment_withdrawn", enrolment.user_id, payload)
    if event.notify_organisers_of_cancellations:
        messages.tell_organisers("organiser_enrolment_withdrawn", event.organisation_id, payload,
                                 except_user_id=enrolment.user_id)


def _affected(session_ids):
    """``{user_id: [(enrolment, session), ...]}``: confirmed participants of the given sessions."""
    if not session_ids:
        return {}
    covers = sa.and_(Session.event_id == Enrolment.event_id,
                     sa.or_(Enrolment.session_id.is_(None), Enrolment.session_id == Session.id))
    rows = db.session.execute(
        sa.select(Enrolment, Session).join(Session, covers)
        .where(Session.id.in_(session_ids), Enrolment.status == "confirmed")
        .order_by(Enrolment.user_id, Session.starts_at, Session.id)).all()
    people = defaultdict(list)
    for enrolment_row, session in rows:
        people[enrolment_row.user_id].append((enrolment_row, session))
    return people


@messages.notification
def sessions_changed(session_ids, kind="sessions_changed"):
    """Sessions were moved, renamed or (``venue_changed``) their venue changed: one message per
    confirmed participant, covering every one of these sessions they attend."""
    db.session.flush()  # the Versioned hooks count this change in every SEQUENCE
    for user_id, pairs in _affected(sorted(set(session_ids))).items():
        items = [[e.id, s.id, s.sequence + e.sequence + db.session.get(Event, s.event_id).sequence]
                 for e, s in pairs]
        messages.defer(kind, user_id, {"items": items})


@messages.notification
def session_deleted(item):
    """A session that is not over is about to be removed (a series event's: their enrolment
    covers it): each confirmed participant is told once, with METHOD:CANCEL for their item
    of it (same UID, a SEQUENCE above the one their feed showed). Call it before deleting:
    the message keeps what it needs of the session, which will be gone when it is composed."""
    if item.ends_at < utcnow():
        return  # over: nothing to keep anybody from
    db.session.flush()
    event = db.session.get(Event, item.event_id)
    venue = item.venue
    session_values = dict(id=item.id, event_id=item.event_id, title=item.title, module_label=item.module_label,
                          notes=item.notes, starts_at=item.starts_at.isoformat(), ends_at=item.ends_at.isoformat(),
                          updated_at=item.updated_at.isoformat(), sequence=item.sequence,
                          venue=dict(id=venue.id, name=venue.name, address=venue.address, timezone=venue.timezone))
    for user_id, pairs in _affected([item.id]).items():
        for enrolment_row, session in pairs:
            # One more than the personal feed's SEQUENCE of this item (session + event + enrolment).
            sequence = session.sequence + event.sequence + enrolment_row.sequence + 1
            messages.defer("session_deleted", user_id,
                           {"enrolment": enrolment_row.id, "sequence": sequence, "session": session_values})


def _venue_changed(session, venue):
    """A venue's name, address or zone changed: every session held there that is not over
    raises its SEQUENCE (its LOCATION changed), and its participants are told once each."""
    now = utcnow()
    ids = session.scalars(sa.select(Session.id).where(Session.venue_id == venue.id, Session.ends_at >= now)).all()
    if not ids:
        return
    session.execute(sa.update(Session).where(Session.id.in_(ids))
                    .values(sequence=Session.sequence + 1, updated_at=now)
                    .execution_options(synchronize_session="fetch"))
    sessions_changed(ids, "venue_changed")


def _organisation_renamed(session, organisation):
    """The organisation's name is the ORGANIZER and in the DESCRIPTION of every session item
    of its events: each session raises its SEQUENCE (and LAST-MODIFIED). Nobody is mailed:
    no time or place changed."""
    session.execute(sa.update(Session)
                    .where(Session.event_id.in_(sa.select(Event.id).where(Event.organisation_id == organisation.id)))
                    .values(sequence=Session.sequence + 1, updated_at=utcnow())
                    .execution_options(synchronize_session="fetch"))


# --- composed by the worker, just before sending ------------------------------------

def _compose_enrolment(kind, user, payload):
    row = messages.load(Enrolment, payload["id"])
    sessions = _sessions_of(row)
    context = dict(title=row.event.title, times=session_times(sessions), link=absolute("workshops.mine"))
    if kind.startswith("organiser_"):
        event = row.event
        context.update(person=row.user.name,
                       link=absolute("workshops.manage_event", slug=event.organisation.slug, event_id=event.id))
        return messages.fields(TEXTS, kind, user, context)
    if kind in _NO_ICS:
        return messages.fields(TEXTS, kind, user, context)
    method = "CANCEL" if kind in _CANCELS else "REQUEST"
    # A session's item in the personal feed counts the session's, the event's and the
    # enrolment's changes; the enrolment's part is the one this message is about.
    return messages.fields(TEXTS, kind, user, context, method=method, items=lambda: [
        messages.as_sent(enrolment_session_item(s, row), payload["sequence"] + s.sequence + row.event.sequence,
                         method) for s in sessions])


def _compose_sessions_changed(kind, user, payload):
    pairs = []
    for enrolment_id, session_id, sequence in payload["items"]:
        enrolment_row = messages.load(Enrolment, enrolment_id)
        pairs.append((enrolment_row, messages.load(Session, session_id), sequence))
    titles = list(dict.fromkeys(e.event.title for e, _s, _q in pairs))
    context = dict(title=", ".join(titles), times=session_times([s for _e, s, _q in pairs]),
                   link=absolute("workshops.mine"))
    return messages.fields(TEXTS, kind, user, context, items=lambda: [
        messages.as_sent(enrolment_session_item(s, e), sequence, "REQUEST") for e, s, sequence in pairs])


def _compose_session_deleted(kind, user, payload):
    row = messages.load(Enrolment, payload["enrolment"])
    values = payload["session"]
    gone = SimpleNamespace(**dict(values, starts_at=datetime.fromisoformat(values["starts_at"]),
                                  ends_at=datetime.fromisoformat(values["ends_at"]),
                                  updated_at=datetime.fromisoformat(values["updated_at"]),
                                  venue=SimpleNamespace(**values["venue"]), event=row.event))
    context = dict(title=row.event.title, times=session_times([gone]), link=absolute("workshops.mine"))
    return messages.fields(TEXTS, kind, user, context, method="CANCEL", items=lambda: [
        messages.as_sent(enrolment_session_item(gone, row), payload["sequence"], "CANCEL")])


def _compose(kind, user, payload):
    if kind == "session_deleted":
        return _compose_session_deleted(kind, user, payload)
    if kind in ("sessions_changed", "venue_changed"):
        return _compose_sessions_changed(kind, user, payload)
    return _compose_enrolment(kind, user, payload)


# --- reminders ----------------------------------------------------------------------------

def reminder_key(enrolment_id, session):
    return f"reminder:session:{enrolment_id}:{session.id}:{int(session.starts_at.timestamp())}"


def _due_reminders(session, now, ahead):
    """``(key, queue)`` for each session of a confirmed enrolment starting within ``ahead``,
    for people who want reminders; ``queue()`` renders and queues it."""
    covers = sa.and_(Session.event_id == Enrolment.event_id,
                     sa.or_(Enrolment.session_id.is_(None), Enrolment.session_id == Session.id))
    rows = session.execute(
        sa.select(Enrolment, Session)
        .join(Session, covers).join(Event, Event.id == Enrolment.event_id).join(User, User.id == Enrolment.user_id)
        .where(Enrolment.status == "confirmed", Event.status == "published", User.mail_reminders.is_(True),
               Session.starts_at > now, Session.starts_at <= now + ahead)
        .options(contains_eager(Enrolment.event), contains_eager(Enrolment.user), joinedload(Session.venue))
        .order_by(Session.starts_at, Enrolment.id)
    ).unique().all()
    for row, item in rows:
        def queue(row=row, item=item, key=reminder_key(row.id, item)):
            context = dict(title=row.event.title, times=session_times([item]), link=absolute("workshops.mine"))
            # The item as it is now: a moved session or renamed venue carries its new SEQUENCE.
            messages.queue_now(TEXTS, "reminder_session", row.user, context, dedupe_key=key, check_dedupe=False,
                               items=lambda: [enrolment_session_item(item, row)])
        yield reminder_key(row.id, item), queue


def init_app(app):
    """Register what this feature tells, with the outbox, the venues and the reminders."""
    messages.register(app, TEXTS, _compose)
    on_venue_changed(app, _venue_changed)
    on_organisation_renamed(app, _organisation_renamed)
    on_reminders(app, _due_reminders)


