"""Every rule that changes an event, a session or an enrolment. One unit of work each.

Capacity is taken under :func:`~inducci_events.core.capacity.lock_parent` on the
*parent*: the :class:`Event` row in series mode (one enrolment covers every session), the
:class:`Session` row in session mode (capacity per session; enrolling there locks the
event first too, which also reads what enrolment needs of it). Waitlist promotion happens
inside the transaction that frees or adds the seat, so a freed seat is never visible as
free while someone waits. Lock order, where several rows are locked: event, then its
sessions by id; changes to events and sessions then lock their organisation's row
(``calendar_changed_at``) when they are flushed.

Pending enrolments (events that require approval) hold no seat; approving one takes a
seat only if one is free, otherwise it joins the waitlist (or is refused without one).
"""
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..core.auth import require_organiser
from ..core.capacity import lock_parent
from ..core.db import unit_of_work, utcnow
from ..core.errors import Conflict, NotFound, ValidationFailed
from ..organisations.models import Programme, Venue
from . import notifications as notify
from .models import (ACTIVE_STATUSES, ENROLMENT_MODES, EVENT_STATUSES, QUESTION_KINDS, Attendance, Enrolment,
                     Event, Question, Session)

# --- errors ---------------------------------------------------------------------------


class EventNotFound(NotFound):
    code = "event_not_found"
    default_message = _l("There is no such event.")


class SessionNotFound(NotFound):
    code = "session_not_found"
    default_message = _l("There is no such session in this event.")


class EnrolmentNotFound(NotFound):
    code = "enrolment_not_found"
    default_message = _l("There is no such enrolment.")


class QuestionNotFound(NotFound):
    code = "question_not_found"
    default_message = _l("There is no such question.")


class AlreadyEnrolled(Conflict):
    code = "already_enrolled"
    default_message = _l("You are already enrolled (or waiting) here.")


class EventFull(Conflict):
    code = "full"
    default_message = _l("All seats are taken and this event has no waitlist.")


class RegistrationClosed(Conflict):
    code = "registration_closed"
    default_message = _l("Registration for this event is closed.")


class RegistrationNotOpen(Conflict):
    code = "registration_not_open"
    default_message = _l("Registration for this event has not opened yet.")


class EventNotPublished(Conflict):
    code = "event_not_published"
    default_message = _l("This event is not published yet, so nobody can enrol.")


class EventCancelled(Conflict):
    code = "event_cancelled"
    default_message = _l("This event has been cancelled.")


class CancellationClosed(Conflict):
    code = "cancellation_closed"
    default_message = _l("The deadline for cancelling has passed. Please contact the organiser.")


class EnrolmentNotActive(Conflict):
    code = "enrolment_not_active"
    default_message = _l("This enrolment has already been cancelled or declined.")


class EnrolmentNotPending(Conflict):
    code = "enrolment_not_pending"
    default_message = _l("Only enrolments awaiting approval can be approved.")


class NotAttending(Conflict):
    code = "not_attending"
    default_message = _l("Only confirmed participants of this session can be checked in.")


# --- helpers ----------------------------------------------------------------------------


def _audit_enrolment(session, actor, action, enrolment, event, changes, summary=None):
    """An organiser's action on someone's enrolment, in the audit log of the event's organisation."""
    audit.record(session, actor=actor, action=action, subject_type="enrolment", subject_id=enrolment.id,
                 organisation_id=event.organisation_id, subject_user_id=enrolment.user_id,
                 summary=summary or event.title, changes=changes)


def _scope(event_id, session_id):
    """The enrolments that share one set of seats: the event's (series) or one session's."""
    if session_id is None:
        return (Enrolment.event_id == event_id, Enrolment.session_id.is_(None))
    return (Enrolment.event_id == event_id, Enrolment.session_id == session_id)


def _count_if(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _count(session, scope, status):
    return session.scalar(sa.select(sa.func.count(Enrolment.id)).where(*scope, Enrolment.status == status))


def _next_queue_seq(session, scope):
    return (session.scalar(sa.select(sa.func.max(Enrolment.queue_seq)).where(*scope)) or 0) + 1


def _promote(session, event, scope):
    """Fill free seats from the head of the waitlist (first come, first served).

    Runs under the scope's lock, inside the transaction that freed or added seats.
    Returns the promoted enrolments (a notification could be queued for each).
    """
    free = event.capacity - _count(session, scope, "confirmed")
    if free <= 0:
        return []
    waiting = session.scalars(
        sa.select(Enrolment).where(*scope, Enrolment.status == "waitlisted")
        .order_by(Enrolment.queue_seq, Enrolment.id).limit(free)
    ).all()
    for enrolment in waiting:
        enrolment.status = "confirmed"
    return waiting


def _lock_enrolment(session, enrolment_id):
    """Lock an enrolment's parent (event or session), then return the fresh enrolment and event."""
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise EnrolmentNotFound()
    if enrolment.session_id is None:
        event = lock_parent(Event, enrolment.event_id, not_found=EventNotFound())
    else:
        lock_parent(Session, enrolment.session_id, not_found=SessionNotFound())
        event = session.get(Event, enrolment.event_id, populate_existing=True)
    session.refresh(enrolment)
    return enrolment, event


def _event_of_organiser(session, actor, event_id, *, lock=True):
    event = session.get(Event, event_id)
    if event is None:
        raise EventNotFound()
    require_organiser(actor, event.organisation_id)
    return lock_parent(Event, event_id, not_found=EventNotFound()) if lock else event


def _registration_closes_at(event, parent_session):
    """When registration closes: the organiser's date, else when the (first) session starts."""
    if event.registration_closes_at is not None:
        return event.registration_closes_at
    if parent_session is not None:
        return parent_session.starts_at
    return event.first_starts_at


def registration_state(event, session=None, now=None):
    """``"open"``, ``"not_open"``, ``"closed"`` or ``"unavailable"`` (draft or cancelled): the
    one rule behind both the enrolment check and what event pages offer."""
    now = now or utcnow()
    if event.status != "published":
        return "unavailable"
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        return "not_open"
    closes = _registration_closes_at(event, session)
    if closes is not None and now >= closes:
        return "closed"
    return "open"


def cancellation_open(event, now=None):
    """Participants may cancel their own enrolment until the organiser's ``cancel_until``."""
    return event.cancel_until is None or (now or utcnow()) <= event.cancel_until


def _check_open_for_enrolment(event, parent_session, now):
    if event.status == "cancelled":
        raise EventCancelled()
    state = registration_state(event, parent_session, now)
    if state == "unavailable":
        raise EventNotPublished()
    if state == "not_open":
        raise RegistrationNotOpen()
    if state == "closed":
        raise RegistrationClosed()


_YES = {"yes", "y", "true", "1", "ja"}
_NO = {"no", "n", "false", "0", "nein"}


def clean_answers(questions, raw):
    """Check answers against the event's questions; returns ``{"<question id>": "answer"}``.

    Answers may be keyed by question id (API) or by field name ``q_<id>`` (forms).
    :raises ValidationFailed: a required answer is missing, a choice is not offered or a
        yes/no answer is neither (the field errors are keyed ``q_<id>``).
    """
    raw = raw or {}
    cleaned, errors = {}, {}
    for question in questions:
        value = raw.get(str(question.id), raw.get(question.field_name, raw.get(question.id)))
        if isinstance(value, bool):
            value = "yes" if value else "no"
        value = "" if value is None else str(value).strip()
        if not value:
            if question.required:
                errors[question.field_name] = [_("This question needs an answer.")]
            continue
        if question.kind == "choice" and value not in question.choice_list:
            errors[question.field_name] = [_("Pick one of the offered answers.")]
            continue
        if question.kind == "yesno":
            if value.lower() not in _YES | _NO:
                errors[question.field_name] = [_("Answer yes or no.")]
                continue
            value = "yes" if value.lower() in _YES else "no"
        cleaned[str(question.id)] = value[:2000]
    if errors:
        raise ValidationFailed("answers_invalid", _("Some answers are missing or not valid."), fields=errors)
    return cleaned


# --- participants ---------------------------------------------------------------------------


def enrol(user, event_id, *, session_id=None, answers=None, now=None):
    """Enrol ``user`` in an event (series mode) or in one of its sessions (session mode).

    Under the parent's lock: a free seat gives ``confirmed``; a full event with a waitlist
    gives ``waitlisted`` at the end of the queue; events that require approval give
    ``pending`` (no seat held until approved).

    :raises EventNotFound, SessionNotFound: unknown ids (or a session of another event).
    :raises EventNotPublished, EventCancelled: a draft or cancelled event.
    :raises RegistrationNotOpen, RegistrationClosed: outside the registration window.
    :raises ValidationFailed: no session chosen in session mode; answers missing or invalid.
    :raises AlreadyEnrolled: the person already holds an active enrolment here.
    :raises EventFull: no free seat and no waitlist.
    """
    now = now or utcnow()
    user_id = user.id  # read before the unit of work starts (it expires what the request read)
    try:
        # Nothing is read back after the commit: the caller reports the id and status.
        with unit_of_work(expire_on_commit=False) as session:
            # The event is locked in both modes (what enrolment needs of it comes in the same
            # query); in session mode the session too, in the order used everywhere.
            event = lock_parent(Event, event_id, not_found=EventNotFound(), options=(
                sa.orm.joinedload(Event.questions), sa.orm.undefer(Event.first_starts_at)))
            parent_session = None
            if event.is_series:
                session_id = None
            else:
                if session_id is None:
                    raise ValidationFailed("session_required", _("Choose a session to enrol in."),
                                           fields={"session_id": [_("Choose a session.")]})
                parent_session = lock_parent(Session, session_id, not_found=SessionNotFound())
                if parent_session.event_id != event_id:
                    raise SessionNotFound()
            _check_open_for_enrolment(event, parent_session, now)
            cleaned = clean_answers(event.questions, answers)
            scope = _scope(event.id, session_id)
            # One query for all: is this person active here already, how many are confirmed
            # and waiting, and where does the waitlist end?
            mine, confirmed, waiting, last_seq = session.execute(sa.select(
                _count_if(sa.and_(Enrolment.user_id == user_id, Enrolment.status.in_(ACTIVE_STATUSES))),
                _count_if(Enrolment.status == "confirmed"),
                _count_if(Enrolment.status == "waitlisted"),
                sa.func.max(Enrolment.queue_seq),
            ).where(*scope)).one()
            if mine:
                raise AlreadyEnrolled()
            enrolment = Enrolment(event_id=event.id, session_id=session_id, user_id=user_id, answers=cleaned)
            promoted = []
            if event.requires_approval:
                enrolment.status = "pending"
            else:
                if waiting and confirmed < event.capacity:
                    # Repair a waitlist left behind a free seat before taking a place.
                    promoted = _promote(session, event, scope)
                    confirmed += len(promoted)
                if confirmed < event.capacity:
                    enrolment.status = "confirmed"
                elif event.waitlist:
                    enrolment.status = "waitlisted"
                    enrolment.queue_seq = (last_seq or 0) + 1
                else:
                    raise EventFull()
            session.add(enrolment)
            notify.enrolments(promoted, "enrolment_promoted")
            if enrolment.status == "pending":
                notify.enrolment_pending(enrolment)
            else:
                notify.enrolment(enrolment, f"enrolment_{enrolment.status}")
    except IntegrityError:
        # The partial unique index refused a second active enrolment.
        raise AlreadyEnrolled() from None
    return enrolment


def cancel_enrolment(actor, enrolment_id, *, now=None, deadline=True):
    """Cancel an enrolment: by its participant (until the event's ``cancel_until``) or by an
    organiser of the event's organisation (any time). A freed seat goes to the first
    person on the waitlist in the same transaction. ``deadline=False``: the participant's
    deadline does not apply (they are erasing their account).

    :raises EnrolmentNotFound: unknown, or someone else's enrolment (not revealed).
    :raises EnrolmentNotActive: already cancelled or declined.
    :raises CancellationClosed: the participant's deadline has passed.
    """
    now = now or utcnow()
    with unit_of_work(expire_on_commit=False) as session:  # the page goes to the event it read
        enrolment, event = _lock_enrolment(session, enrolment_id)
        is_organiser = actor.is_organiser_of(event.organisation_id)
        if enrolment.user_id != actor.id and not is_organiser:
            raise EnrolmentNotFound()
        if not enrolment.is_active:
            raise EnrolmentNotActive()
        if deadline and not is_organiser and not cancellation_open(event, now):
            raise CancellationClosed()
        was_confirmed = enrolment.status == "confirmed"
        previous = enrolment.status
        enrolment.status = "cancelled"
        if enrolment.user_id != actor.id:
            notify.enrolment(enrolment, "enrolment_cancelled")  # the organiser cancelled it
            _audit_enrolment(session, actor, "enrolment.cancel", enrolment, event,
                             {"status": [previous, "cancelled"]})
        else:
            notify.enrolment_withdrawn(enrolment, event)
        if was_confirmed:
            session.flush()
            notify.enrolments(_promote(session, event, _scope(event.id, enrolment.session_id)),
                              "enrolment_promoted")
    return enrolment


# --- organisers -------------------------------------------------------------------------


def approve_enrolment(actor, enrolment_id):
    """Approve a pending enrolment: it takes a seat if one is free, else it joins the waitlist.

    :raises Forbidden: the actor does not organise the event's organisation.
    :raises EnrolmentNotPending: it is not awaiting approval.
    :raises EventFull: no free seat and no waitlist (it stays pending).
    """
    with unit_of_work() as session:
        enrolment, event = _lock_enrolment(session, enrolment_id)
        require_organiser(actor, event.organisation_id)
        if enrolment.status != "pending":
            raise EnrolmentNotPending()
        scope = _scope(event.id, enrolment.session_id)
        if _count(session, scope, "confirmed") < event.capacity:
            enrolment.status = "confirmed"
        elif event.waitlist:
            enrolment.queue_seq = _next_queue_seq(session, scope)  # before the status: autoflush
            enrolment.status = "waitlisted"
        else:
            raise EventFull()
        notify.enrolment(enrolment, f"enrolment_{enrolment.status}")
        _audit_enrolment(session, actor, "enrolment.approve", enrolment, event,
                         {"status": ["pending", enrolment.status]})
    return enrolment


def decline_enrolment(actor, enrolment_id, reason=""):
    """Decline a pending or waitlisted enrolment (a confirmed one is cancelled instead);
    ``reason`` is kept for the participant to see.

    :raises Forbidden: the actor does not organise the event's organisation.
    :raises Conflict: the enrolment is confirmed, cancelled or declined already.
    """
    with unit_of_work() as session:
        enrolment, event = _lock_enrolment(session, enrolment_id)
        require_organiser(actor, event.organisation_id)
        if enrolment.status not in ("pending", "waitlisted"):
            raise Conflict("enrolment_not_declinable",
                           _("Only pending or waitlisted enrolments can be declined; cancel a confirmed one."))
        previous = enrolment.status
        enrolment.status = "declined"
        enrolment.decline_reason = (reason or "").strip()[:1000]
        notify.enrolment(enrolment, "enrolment_declined")
        changes = {"status": [previous, "declined"]}
        if enrolment.decline_reason:
            changes["decline_reason"] = [None, enrolment.decline_reason]
        _audit_enrolment(session, actor, "enrolment.decline", enrolment, event, changes)
    return enrolment


def _check_window(opens, closes):
    if opens is not None and closes is not None and closes <= opens:
        raise ValidationFailed(fields={"registration_closes_at": [_("Must be after registration opens.")]})


def _check_programme(session, organisation_id, programme_id):
    if programme_id is None:
        return
    programme = session.get(Programme, programme_id)
    if programme is None or programme.organisation_id != organisation_id:
        raise ValidationFailed(fields={"programme_id": [_("Choose a programme of your organisation.")]})


def _check_session_values(session, organisation_id, venue_id, starts_at, ends_at, prefix=""):
    venue = session.get(Venue, venue_id) if venue_id is not None else None
    if venue is None or venue.organisation_id != organisation_id:
        raise ValidationFailed(fields={f"{prefix}venue_id": [_("Choose a venue of your organisation.")]})
    if ends_at <= starts_at:
        raise ValidationFailed(fields={f"{prefix}ends_at": [_("The end must be after the start.")]})
    return venue


EVENT_FIELDS = ("title", "description", "programme_id", "status", "enrolment_mode", "capacity",
                "min_participants", "waitlist", "requires_approval", "registration_opens_at",
                "registration_closes_at", "cancel_until", "facilitators", "notify_organisers_of_cancellations")


def create_event(actor, organisation_id, *, title, capacity, sessions=(), questions=(), **fields):
    """Create an event of the actor's own organisation, with its sessions and questions.

    ``sessions``: dicts with ``title, venue_id, starts_at, ends_at`` (aware UTC) and
    optional ``module_label, notes``; ``questions``: dicts with ``kind, label, required,
    choices``.

    :raises Forbidden: the actor does not organise this organisation.
    :raises ValidationFailed: a venue or programme of another organisation, an end before
        a start, an unknown status or mode, a registration window out of order.
    """
    require_organiser(actor, organisation_id)
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    _check_choice("status", fields.get("status", "draft"), EVENT_STATUSES)
    _check_choice("enrolment_mode", fields.get("enrolment_mode", "series"), ENROLMENT_MODES)
    _check_numbers(capacity, fields.get("min_participants", 0))
    _check_window(fields.get("registration_opens_at"), fields.get("registration_closes_at"))
    if fields.get("status") == "cancelled":
        raise ValidationFailed(fields={"status": [_("A new event cannot start out cancelled.")]})
    with unit_of_work() as session:
        _check_programme(session, organisation_id, fields.get("programme_id"))
        event = Event(organisation_id=organisation_id, title=title.strip(), capacity=capacity,
                      **{k: v for k, v in fields.items() if v is not None})
        event.description = (event.description or "").strip()
        for i, data in enumerate(sessions):
            _check_session_values(session, organisation_id, data.get("venue_id"), data["starts_at"],
                                  data["ends_at"], prefix=f"sessions.{i}.")
            event.sessions.append(Session(
                title=data["title"].strip(), venue_id=data["venue_id"], starts_at=data["starts_at"],
                ends_at=data["ends_at"], module_label=(data.get("module_label") or "").strip(),
                notes=(data.get("notes") or "").strip()))
        for i, data in enumerate(questions):
            event.questions.append(_question(i, **data))
        session.add(event)
        session.flush()
        audit.record(session, actor=actor, action="event.create", subject_type="event", subject_id=event.id,
                     organisation_id=organisation_id, summary=event.title,
                     changes={"capacity": [None, event.capacity], "status": [None, event.status]})
    return event


def _check_choice(name, value, allowed):
    if value not in allowed:
        raise ValidationFailed(fields={name: [_("Must be one of: %(values)s.", values=", ".join(allowed))]})


def _check_numbers(capacity, min_participants):
    if capacity is None or capacity < 1:
        raise ValidationFailed(fields={"capacity": [_("At least one seat.")]})
    if min_participants is not None and min_participants < 0:
        raise ValidationFailed(fields={"min_participants": [_("Zero or more.")]})


def update_event(actor, event_id, **changes):
    """Change an event of the actor's organisation (the API's PATCH and the edit form).

    Raising the capacity promotes from the waitlist in the same transaction; it may not
    drop below the seats already confirmed. Setting ``status`` to ``cancelled`` cancels
    every enrolment; a cancelled event cannot be changed any more.

    :raises Forbidden: another organisation's event.
    :raises EventCancelled: the event is cancelled.
    :raises ValidationFailed: unknown status or mode, capacity below the confirmed seats,
        changing the mode once people enrolled, a registration window out of order.
    """
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    if "min_participants" in changes and changes["min_participants"] is None:
        changes["min_participants"] = 0  # no minimum
    with unit_of_work() as session:
        event = _event_of_organiser(session, actor, event_id)
        if event.status == "cancelled":
            raise EventCancelled(message=_("This event has been cancelled and can no longer be changed."))
        if "status" in changes:
            _check_choice("status", changes["status"], EVENT_STATUSES)
        if "enrolment_mode" in changes:
            _check_choice("enrolment_mode", changes["enrolment_mode"], ENROLMENT_MODES)
            if changes["enrolment_mode"] != event.enrolment_mode and session.scalar(
                    sa.select(Enrolment.id).where(Enrolment.event_id == event.id).limit(1)) is not None:
                raise ValidationFailed(fields={"enrolment_mode": [
                    _("People have enrolled already; the enrolment mode can no longer change.")]})
        _check_numbers(changes.get("capacity", event.capacity),
                       changes.get("min_participants", event.min_participants))
        _check_window(changes.get("registration_opens_at", event.registration_opens_at),
                      changes.get("registration_closes_at", event.registration_closes_at))
        if "programme_id" in changes:
            _check_programme(session, event.organisation_id, changes["programme_id"])
        old_title = event.title
        before = {name: getattr(event, name) for name in changes}
        for name, value in changes.items():
            if name in ("title", "description", "facilitators") and value is not None:
                value = value.strip()
            setattr(event, name, value)
        changed = audit.changes_of(before, {name: getattr(event, name) for name in changes})
        if changed:
            action = "event.cancel" if event.status == "cancelled" else "event.update"
            audit.record(session, actor=actor, action=action, subject_type="event", subject_id=event.id,
                         organisation_id=event.organisation_id, summary=event.title, changes=_short(changed))
        scopes = _scopes_locked(session, event)
        if event.status == "cancelled":
            cancelled = session.scalars(sa.select(Enrolment).where(
                Enrolment.event_id == event.id, Enrolment.status.in_(ACTIVE_STATUSES))).all()
            for enrolment in cancelled:
                enrolment.status = "cancelled"
            notify.enrolments(cancelled, "event_cancelled")
            return event
        session.flush()
        if event.title != old_title and event.status == "published":
            # Every session's SUMMARY changed: one message per participant, all sessions in it.
            notify.sessions_changed(session.scalars(sa.select(Session.id).where(Session.event_id == event.id)).all())
        for scope in scopes:
            if _count(session, scope, "confirmed") > event.capacity:
                raise ValidationFailed("capacity_below_confirmed", _(
                    "More people are confirmed than the new capacity allows; cancel enrolments first."),
                    fields={"capacity": [_("Lower than the seats already confirmed.")]})
            notify.enrolments(_promote(session, event, scope), "enrolment_promoted")
    return event


def _short(changes):
    """Long texts (descriptions) are logged as changed, not copied into the log."""
    return {name: (["…", "…"] if name == "description" else values) for name, values in changes.items()}


def _scopes_locked(session, event):
    """Every set of seats of a (locked) event; in session mode each session is locked too."""
    if event.is_series:
        return [_scope(event.id, None)]
    ids = session.scalars(sa.select(Session.id).where(Session.event_id == event.id).order_by(Session.id)).all()
    for session_id in ids:
        lock_parent(Session, session_id)
    return [_scope(event.id, session_id) for session_id in ids]


#: What the log keeps of a session's change (the notes are long and internal).
_SESSION_LOGGED = ("title", "starts_at", "ends_at", "module_label")


def _session_logged(session, item):
    values = {name: getattr(item, name) for name in _SESSION_LOGGED}
    values["venue"] = session.get(Venue, item.venue_id).name if item.venue_id is not None else None
    return values


def save_session(actor, event_id, *, title, venue_id, starts_at, ends_at, module_label="", notes="",
                 session_id=None):
    """Add or edit a session of an event of the actor's organisation.

    :raises Forbidden: another organisation's event.
    :raises SessionNotFound: a session of another event.
    :raises ValidationFailed: a venue of another organisation or an end before the start.
    """
    with unit_of_work() as session:
        event = _event_of_organiser(session, actor, event_id)
        if event.status == "cancelled":
            raise EventCancelled(message=_("This event has been cancelled and can no longer be changed."))
        _check_session_values(session, event.organisation_id, venue_id, starts_at, ends_at)
        if session_id is None:
            item = Session(event_id=event.id)
            session.add(item)
        else:
            item = session.get(Session, session_id)
            if item is None or item.event_id != event.id:
                raise SessionNotFound()
        before = item.sequence
        shown = _session_logged(session, item) if session_id is not None else {}
        item.title, item.venue_id, item.starts_at, item.ends_at = title.strip(), venue_id, starts_at, ends_at
        item.module_label, item.notes = (module_label or "").strip(), (notes or "").strip()
        session.flush()  # the Versioned hook raises the SEQUENCE if time, place or title changed
        changed = audit.changes_of(shown, _session_logged(session, item))
        if changed:
            audit.record(session, actor=actor, action="session.create" if session_id is None else "session.update",
                         subject_type="session", subject_id=item.id, organisation_id=event.organisation_id,
                         summary=f"{event.title}: {item.title}", changes=changed)
        if session_id is not None and item.sequence != before and event.status == "published":
            notify.sessions_changed([item.id])
    return item


def delete_session(actor, event_id, session_id):
    """Remove a session nobody has enrolled in or attended.

    :raises Conflict: people enrolled in it (session mode) or were checked in.
    """
    with unit_of_work() as session:
        event = _event_of_organiser(session, actor, event_id)
        item = session.get(Session, session_id)
        if item is None or item.event_id != event.id:
            raise SessionNotFound()
        used = session.scalar(sa.select(Enrolment.id).where(Enrolment.session_id == item.id).limit(1)) or \
            session.scalar(sa.select(Attendance.id).where(Attendance.session_id == item.id).limit(1))
        if used is not None:
            raise Conflict("session_in_use", _("People enrolled in or attended this session; it cannot be removed."))
        notify.session_deleted(item)  # the participants of a series event lose it from their calendars
        shown = _session_logged(session, item)
        audit.record(session, actor=actor, action="session.delete", subject_type="session", subject_id=item.id,
                     organisation_id=event.organisation_id, summary=f"{event.title}: {item.title}",
                     changes=audit.changes_of(shown, dict.fromkeys(shown)))  # what it was -> nothing
        session.delete(item)


def _question(position, *, kind, label, required=False, choices=""):
    _check_choice("kind", kind, QUESTION_KINDS)
    if isinstance(choices, (list, tuple)):
        choices = "\n".join(str(c) for c in choices)
    choice_list = [c.strip() for c in (choices or "").splitlines() if c.strip()]
    if kind == "choice" and len(choice_list) < 2:
        raise ValidationFailed(fields={"choices": [_("Give at least two answers, one per line.")]})
    return Question(position=position, kind=kind, label=label.strip(), required=bool(required),
                    choices="\n".join(choice_list) if kind == "choice" else "")


def add_question(actor, event_id, *, kind, label, required=False, choices=""):
    """Add a registration question to an event of the actor's organisation."""
    with unit_of_work() as session:
        event = _event_of_organiser(session, actor, event_id)
        position = len(event.questions)
        question = _question(position, kind=kind, label=label, required=required, choices=choices)
        question.event_id = event.id
        session.add(question)
        session.flush()
        audit.record(session, actor=actor, action="event.question_add", subject_type="question",
                     subject_id=question.id, organisation_id=event.organisation_id, summary=event.title,
                     changes={"question": [None, question.label]})
    return question


def delete_question(actor, event_id, question_id):
    """Remove a question (answers already given stay stored with their enrolments)."""
    with unit_of_work() as session:
        event = _event_of_organiser(session, actor, event_id)
        question = session.get(Question, question_id)
        if question is None or question.event_id != event.id:
            raise QuestionNotFound()
        audit.record(session, actor=actor, action="event.question_remove", subject_type="question",
                     subject_id=question.id, organisation_id=event.organisation_id, summary=event.title,
                     changes={"question": [question.label, None]})
        session.delete(question)


def set_attendance(actor, session_id, enrolment_id, present=True):
    """Check a confirmed participant in at a session (or undo it). Idempotent.

    :raises Forbidden: another organisation's event.
    :raises NotAttending: the enrolment is not confirmed or does not cover this session.
    """
    try:
        with unit_of_work() as session:
            item = session.get(Session, session_id)
            if item is None:
                raise SessionNotFound()
            event = _event_of_organiser(session, actor, item.event_id, lock=False)
            enrolment = session.get(Enrolment, enrolment_id)
            if enrolment is None or enrolment.event_id != event.id:
                raise EnrolmentNotFound()
            covers = enrolment.session_id is None or enrolment.session_id == item.id
            if enrolment.status != "confirmed" or not covers:
                raise NotAttending()
            existing = session.scalar(sa.select(Attendance).where(
                Attendance.session_id == item.id, Attendance.enrolment_id == enrolment.id))
            if present and existing is None:
                session.add(Attendance(session_id=item.id, enrolment_id=enrolment.id, checked_in_by_id=actor.id))
            elif not present and existing is not None:
                session.delete(existing)
            else:
                return present  # nothing changed: nothing to log
            audit.record(session, actor=actor, action="attendance.check_in" if present else "attendance.undo",
                         subject_type="enrolment", subject_id=enrolment.id, organisation_id=event.organisation_id,
                         subject_user_id=enrolment.user_id, summary=f"{event.title}: {item.title}",
                         changes={"present": [not present, present]})
    except IntegrityError:
        pass  # someone else checked the same person in a moment earlier: the result is the same
    return present

