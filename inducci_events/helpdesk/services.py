"""Help-desk rules: every state change is one function and one unit of work.

Bookings lock the person, then the adviser profile (``lock_parent``), in that order
everywhere, so two bookings never deadlock: the adviser lock makes "is the adviser free,
is a seat left?" and the insert one step at every desk; the person lock keeps the
per-person limit exact. The partial unique indexes on appointments back both up.
Notifications are queued in the outbox inside these same units of work (``notifications.py``).
"""
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Membership, User
from ..accounts.services import find_user_by_email
from ..audit import services as audit
from ..core.auth import require_organiser
from ..core.capacity import lock_parent
from ..core.db import unit_of_work, utcnow
from ..core.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from ..core.timeutil import is_valid_timezone, zone
from ..organisations.models import Organisation, Venue
from . import notifications as notify
from .models import RULE_MODES, Absence, Adviser, Appointment, HelpDesk, MentoringRequest, OfficeHourRule
from .slots import rule_slots


# --- errors ------------------------------------------------------------------------

class SlotTaken(Conflict):
    code = "slot_taken"
    default_message = _l("Someone else has just booked this slot. Please pick another one.")


class AdviserBusy(Conflict):
    code = "adviser_busy"
    default_message = _l("The adviser already has an appointment at this time.")


class AdviserAbsent(Conflict):
    code = "adviser_absent"
    default_message = _l("The adviser is away on that day.")


class AlreadyBooked(Conflict):
    code = "already_booked"
    default_message = _l("You have already booked this slot.")


class TooManyAppointments(Conflict):
    code = "too_many_appointments"

    def __init__(self, limit):
        # The limit is part of the message, so it cannot be a fixed default_message.
        super().__init__(message=_("You can have at most %(n)d upcoming appointments at this desk.", n=limit))


class CancellationClosed(Conflict):
    code = "cancellation_closed"

    def __init__(self, hours):
        super().__init__(message=_("Appointments can only be cancelled until %(n)d hours before they start.",
                                   n=hours))


class NotCancellable(Conflict):
    code = "not_cancellable"
    default_message = _l("This appointment can no longer be cancelled.")


def _invalid(code, field, message):
    return ValidationFailed(code, message, fields={field: [message]})


# --- access ------------------------------------------------------------------------

def _desk(session, desk_id):
    desk = session.get(HelpDesk, desk_id)
    if desk is None:
        raise NotFound("helpdesk_not_found", _("There is no such help desk."))
    return desk


def _authenticated(user):
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthorized()


def _not_at_desk():
    """An adviser named in the request who does not work at the desk: a wrong value of the
    request (422, on the field), not a missing page: the desk in the URL exists."""
    return _invalid("adviser_not_found", "adviser_id", _("This adviser does not work at this help desk."))


def _adviser_at_desk(session, desk, adviser_id):
    """The adviser profile, if it advises at ``desk``; 422 ``adviser_not_found`` otherwise."""
    adviser = session.get(Adviser, adviser_id) if adviser_id is not None else None
    if adviser is None or desk.id not in {d.id for d in adviser.desks}:
        raise _not_at_desk()
    return adviser


def can_manage_appointment(user, appointment):
    """The appointment's adviser or an organiser of the desk's organisation."""
    return bool(user and getattr(user, "is_authenticated", False) and (
        appointment.adviser.user_id == user.id or user.is_organiser_of(appointment.desk.organisation_id)))


def cancel_deadline(appointment):
    """The last instant the booked person may cancel: the desk's ``cancel_until_hours`` before the start."""
    return appointment.starts_at - timedelta(hours=appointment.desk.cancel_until_hours)


def _cancel_refusal(appointment, actor, now, deadline=True):
    """Why ``actor`` may not cancel ``appointment`` at ``now`` (a DomainError), or None.

    The person may cancel until :func:`cancel_deadline` (unless ``deadline`` is off: they
    are erasing their account); the adviser and the desk's organisers may cancel any
    confirmed appointment at any time.
    """
    staff = can_manage_appointment(actor, appointment)
    if not staff and appointment.user_id != getattr(actor, "id", None):
        return NotFound("appointment_not_found", _("There is no such appointment."))
    if appointment.status != "confirmed":
        return NotCancellable()
    if deadline and not staff and now > cancel_deadline(appointment):
        return CancellationClosed(appointment.desk.cancel_until_hours)
    return None


def can_cancel(appointment, actor, now):
    """Whether :func:`cancel` would let ``actor`` cancel ``appointment`` at ``now`` (for pages)."""
    return _cancel_refusal(appointment, actor, now) is None


def _mark_refusal(appointment, actor, now):
    """Why ``actor`` may not record the outcome of ``appointment`` at ``now``, or None.

    The adviser and the desk's organisers may, once the appointment has started, unless it was cancelled.
    """
    if not can_manage_appointment(actor, appointment):
        return NotFound("appointment_not_found", _("There is no such appointment."))
    if appointment.status == "cancelled":
        return Conflict("not_markable", _("A cancelled appointment cannot be marked."))
    if appointment.starts_at > now:
        return Conflict("not_started_yet", _("An appointment can be marked once it has started."))
    return None


def can_mark(appointment, actor, now):
    """Whether :func:`mark` would let ``actor`` record an outcome of ``appointment`` at ``now`` (for pages)."""
    return _mark_refusal(appointment, actor, now) is None


# --- organisers: desks, advisers, office hours ------------------------------------

def create_desk(actor, organisation_id, *, name, online=False, venue_id=None, topics=(), languages=(),
                network="", description="", meeting_link="", lead_time_hours=12, horizon_days=56,
                cancel_until_hours=24, max_upcoming_per_person=3):
    """A new help desk of the actor's own organisation.

    Its time zone is its venue's, else the organisation's.

    :raises Forbidden: the actor does not organise this organisation.
    :raises ValidationFailed: a venue of another organisation, or neither venue nor online.
    """
    require_organiser(actor, organisation_id)
    with unit_of_work() as session:
        org = session.get(Organisation, organisation_id)
        if org is None:
            raise NotFound("organisation_not_found")
        venue = None
        if venue_id is not None:
            venue = session.get(Venue, venue_id)
            if venue is None or venue.organisation_id != org.id:
                raise _invalid("venue_not_found", "venue_id", _("Pick one of your organisation's venues."))
        if venue is None and not online:
            raise _invalid("venue_or_online", "venue_id", _("Pick a venue or mark the desk as online."))
        # The desk's zone is read from the venue (else the organisation) whenever it is needed.
        tz_name = venue.timezone if venue else org.timezone
        if not is_valid_timezone(tz_name):  # pragma: no cover - venues and partners are validated
            raise _invalid("bad_timezone", "venue_id", _("The venue has no valid time zone."))
        desk = HelpDesk(
            organisation_id=org.id, venue_id=venue.id if venue else None, name=name.strip(), online=bool(online),
            topics=_clean_list(topics), languages=_clean_list(languages), network=(network or "").strip(),
            description=(description or "").strip(), meeting_link=(meeting_link or "").strip(),
            lead_time_hours=lead_time_hours, horizon_days=horizon_days,
            cancel_until_hours=cancel_until_hours, max_upcoming_per_person=max_upcoming_per_person,
        )
        session.add(desk)
        session.flush()
        _audit_desk(session, actor, "desk.create", desk, _desk_changes({}, _desk_logged(desk)))
    return desk


#: What an organiser may change of a desk (``update_desk``, the edit form, ``PATCH /helpdesks/<id>``).
DESK_FIELDS = ("name", "venue_id", "online", "meeting_link", "topics", "languages", "network", "description",
               "lead_time_hours", "horizon_days", "cancel_until_hours", "max_upcoming_per_person")
#: The booking settings and their allowed ranges (as the forms and the API declare them).
_DESK_RANGES = {"lead_time_hours": (0, 720), "horizon_days": (1, 365), "cancel_until_hours": (0, 720),
                "max_upcoming_per_person": (1, 50)}


def _desk_logged(desk):
    values = {name: getattr(desk, name) for name in DESK_FIELDS if name != "venue_id"}
    values["venue"] = desk.venue.name if desk.venue is not None else None
    values["topics"], values["languages"] = ", ".join(desk.topics or []), ", ".join(desk.languages or [])
    return values


def _desk_changes(before, after):
    changes = audit.changes_of(before, after)
    if "description" in changes:  # long text: logged as changed, not copied
        changes["description"] = ["…" if value else value for value in changes["description"]]
    return changes


def _audit_desk(session, actor, action, desk, changes, *, subject_type="helpdesk", subject_id=None,
                subject_user_id=None):
    audit.record(session, actor=actor, action=action, subject_type=subject_type,
                 subject_id=desk.id if subject_id is None else subject_id, organisation_id=desk.organisation_id,
                 subject_user_id=subject_user_id, summary=desk.name, changes=changes)


def update_desk(actor, desk_id, *, now=None, **changes):
    """Change a desk of the actor's organisation; only the fields given change (see :data:`DESK_FIELDS`).

    A new venue (or none, for an online desk) moves every upcoming on-site appointment
    there: each raises its SEQUENCE and every person concerned gets one message with the
    updated calendar items. A new name raises the SEQUENCE of the desk's upcoming
    appointments (their calendar title shows it). Recorded in the audit log with the
    previous values.

    :raises Forbidden: the actor does not organise the desk's organisation.
    :raises NotFound: no such desk.
    :raises ValidationFailed: an empty name, a value out of range, a venue of another
        organisation, neither venue nor online, or no venue while on-site office hours or
        upcoming on-site appointments need one.
    """
    unknown = set(changes) - set(DESK_FIELDS)
    if unknown:
        raise TypeError(f"unknown desk fields: {sorted(unknown)}")
    if "name" in changes and not (changes["name"] or "").strip():
        raise _invalid("name_required", "name", _("The desk needs a name."))
    for name, (low, high) in _DESK_RANGES.items():
        if name in changes and (changes[name] is None or not low <= changes[name] <= high):
            raise _invalid(f"{name}_range", name, _("This value is outside the allowed range."))
    now = now or utcnow()
    with unit_of_work() as session:
        desk = _desk(session, desk_id)
        require_organiser(actor, desk.organisation_id)
        desk = lock_parent(HelpDesk, desk.id)
        before = _desk_logged(desk)
        venue_id = changes.get("venue_id", desk.venue_id)
        online = bool(changes.get("online", desk.online))
        if venue_id is not None:
            venue = session.get(Venue, venue_id)
            if venue is None or venue.organisation_id != desk.organisation_id:
                raise _invalid("venue_not_found", "venue_id", _("Pick one of your organisation's venues."))
        elif not online:
            raise _invalid("venue_or_online", "venue_id", _("Pick a venue or mark the desk as online."))
        moved = venue_id != desk.venue_id
        if moved and venue_id is None and _needs_venue(session, desk, now):
            raise _invalid("venue_needed", "venue_id", _(
                "On-site office hours or upcoming on-site appointments need a venue: end them first."))
        for name, value in changes.items():
            if name in ("topics", "languages"):
                value = _clean_list(value)
            elif name in ("name", "meeting_link", "network", "description"):
                value = (value or "").strip()
            elif name == "online":
                value = bool(value)
            setattr(desk, name, value)
        session.flush()
        session.refresh(desk, ["venue"])  # the zone and place shown from now on
        after = _desk_logged(desk)
        logged = _desk_changes(before, after)
        if not logged:
            return desk
        _audit_desk(session, actor, "desk.update", desk, logged)
        renamed = before["name"] != after["name"]
        if moved or renamed:
            notify.desk_changed(session, desk, moved=moved, renamed=renamed, now=now)
    return desk


def _needs_venue(session, desk, now):
    """Whether on-site office hours that have not ended, or upcoming on-site appointments, use the desk's venue."""
    today = now.astimezone(zone(desk.timezone)).date()
    rule = session.scalar(sa.select(OfficeHourRule.id).where(
        OfficeHourRule.desk_id == desk.id, OfficeHourRule.mode == "onsite",
        sa.or_(OfficeHourRule.valid_until.is_(None), OfficeHourRule.valid_until >= today)).limit(1))
    if rule is not None:
        return True
    return session.scalar(sa.select(Appointment.id).where(
        Appointment.desk_id == desk.id, Appointment.mode == "onsite", Appointment.status == "confirmed",
        Appointment.ends_at >= now).limit(1)) is not None


def _clean_list(values):
    seen, cleaned = set(), []
    for value in values or ():
        value = str(value).strip()
        if value and value.lower() not in seen:
            seen.add(value.lower())
            cleaned.append(value[:80])
    return cleaned


def add_adviser(actor, desk_id, *, email, bio="", topics=()):
    """Make a user with the ``adviser`` (or ``organiser``) role of the desk's organisation an adviser there.

    The adviser keeps one profile (bio, topics) across all their desks; given values update it.

    :raises Forbidden: the actor does not organise the desk's organisation.
    :raises ValidationFailed: no such user, or the user is not an adviser of that organisation.
    """
    with unit_of_work() as session:
        desk = _desk(session, desk_id)
        require_organiser(actor, desk.organisation_id)
        user = find_user_by_email(email)  # the accounts rule: IDN domains, older addresses
        if user is None:
            raise _invalid("user_not_found", "email", _("No account has this e-mail address."))
        # As core.auth.require_adviser: advisers, and organisers who advise themselves.
        is_adviser = session.scalar(sa.select(Membership.id).where(
            Membership.user_id == user.id, Membership.organisation_id == desk.organisation_id,
            Membership.role.in_(("adviser", "organiser"))).limit(1))
        if is_adviser is None:
            raise _invalid("not_an_adviser", "email",
                           _("This person does not have the adviser role at your organisation."))
        adviser = session.scalar(sa.select(Adviser).where(Adviser.user_id == user.id))
        if adviser is None:
            adviser = Adviser(user_id=user.id, bio="", topics=[])
            session.add(adviser)
        if bio:
            adviser.bio = bio.strip()
        if topics:
            adviser.topics = _clean_list(topics)
        if desk not in adviser.desks:
            adviser.desks.append(desk)
            session.flush()
            # The adviser is named by the subject (read when shown), not copied into the log.
            _audit_desk(session, actor, "desk.adviser_add", desk, {}, subject_type="adviser", subject_id=adviser.id,
                        subject_user_id=user.id)
    return adviser


def add_rule(actor, desk_id, *, adviser_id, weekdays, start_time, end_time, slot_minutes, valid_from,
             valid_until=None, seats=1, buffer_minutes=0, mode="onsite"):
    """Weekly office hours of an adviser at a desk (wall-clock times in the desk's zone).

    :raises Forbidden: the actor does not organise the desk's organisation.
    :raises ValidationFailed: ``adviser_not_found`` (the adviser does not work at this desk,
        e.g. another organisation's), end before start, no slot fits, bad dates or weekdays.
    """
    with unit_of_work() as session:
        desk = _desk(session, desk_id)
        require_organiser(actor, desk.organisation_id)
        adviser = _adviser_at_desk(session, desk, adviser_id)
        mask = 0
        for day in weekdays or ():
            if not 0 <= int(day) <= 6:
                raise _invalid("bad_weekday", "weekdays", _("Weekdays are 0 (Monday) to 6 (Sunday)."))
            mask |= 1 << int(day)
        if not mask:
            raise _invalid("no_weekday", "weekdays", _("Pick at least one weekday."))
        if end_time <= start_time:
            raise _invalid("time_order", "end_time", _("The end must be after the start."))
        if not 5 <= slot_minutes <= 480:
            raise _invalid("slot_length", "slot_minutes", _("A slot lasts between 5 and 480 minutes."))
        if not 0 <= buffer_minutes <= 240:
            raise _invalid("buffer_length", "buffer_minutes", _("The buffer is between 0 and 240 minutes."))
        if not 1 <= seats <= 100:
            raise _invalid("seats_range", "seats", _("Between 1 and 100 seats per slot."))
        span = (datetime.combine(valid_from, end_time) - datetime.combine(valid_from, start_time))
        if span < timedelta(minutes=slot_minutes):
            raise _invalid("no_slot_fits", "slot_minutes", _("Not a single slot fits between start and end."))
        if valid_until is not None and valid_until < valid_from:
            raise _invalid("valid_order", "valid_until", _("“Valid until” must not be before “valid from”."))
        if mode not in RULE_MODES:
            raise _invalid("mode_unknown", "mode", _("On site or online."))
        if mode == "onsite" and desk.venue_id is None:
            raise _invalid("no_venue", "mode", _("This desk has no venue: its office hours are online."))
        rule = OfficeHourRule(desk_id=desk.id, adviser_id=adviser.id, weekdays=mask, start_time=start_time,
                              end_time=end_time, slot_minutes=slot_minutes, buffer_minutes=buffer_minutes,
                              seats=seats, mode=mode, valid_from=valid_from, valid_until=valid_until)
        session.add(rule)
        session.flush()
        _audit_desk(session, actor, "desk.hours_add", desk, {
            "weekdays": [None, ", ".join(str(d) for d in rule.weekday_list)],
            "hours": [None, f"{start_time:%H:%M}–{end_time:%H:%M}"], "valid_from": [None, valid_from.isoformat()],
            "valid_until": [None, valid_until.isoformat() if valid_until else None], "seats": [None, seats],
            "mode": [None, mode]}, subject_type="office_hours", subject_id=rule.id, subject_user_id=adviser.user_id)
    return rule


def add_extra_hours(actor, desk_id, *, adviser_id, on_date, start_time, end_time, slot_minutes, seats=1,
                    buffer_minutes=0, mode="onsite"):
    """One-off extra office hours on one date: a rule valid on that single day (``one_off``)."""
    return add_rule(actor, desk_id, adviser_id=adviser_id, weekdays=[on_date.weekday()], start_time=start_time,
                    end_time=end_time, slot_minutes=slot_minutes, valid_from=on_date, valid_until=on_date,
                    seats=seats, buffer_minutes=buffer_minutes, mode=mode)


def add_absence(actor, adviser_id, *, starts_on, ends_on, reason=""):
    """The adviser is away from ``starts_on`` to ``ends_on`` (inclusive) at every desk.

    Their slots on those days disappear; appointments already booked stay (the adviser or
    organiser cancels them, which a notification can then report).

    :raises Forbidden: the actor is neither the adviser nor an organiser of one of their desks.
    :raises ValidationFailed: the end is before the start.
    """
    _authenticated(actor)
    with unit_of_work() as session:
        adviser = lock_parent(Adviser, adviser_id,
                              not_found=NotFound("adviser_not_found", _("There is no such adviser.")))
        if adviser.user_id != actor.id and not any(actor.is_organiser_of(d.organisation_id) for d in adviser.desks):
            raise Forbidden("not_organiser", _("Only the adviser or their organisers may do this."))
        if ends_on < starts_on:
            raise _invalid("date_order", "ends_on", _("The last day must not be before the first."))
        absence = Absence(adviser_id=adviser.id, starts_on=starts_on, ends_on=ends_on, reason=(reason or "").strip())
        session.add(absence)
        if adviser.user_id != actor.id:  # an organiser records it for the adviser
            session.flush()
            changes = {"starts_on": [None, starts_on.isoformat()], "ends_on": [None, ends_on.isoformat()]}
            for desk in adviser.desks:
                if actor.is_organiser_of(desk.organisation_id):
                    _audit_desk(session, actor, "adviser.absence_add", desk, changes, subject_type="absence",
                                subject_id=absence.id, subject_user_id=adviser.user_id)
                    break
    return absence


# --- booking -------------------------------------------------------------------------

def _check_window(desk, starts_at, now):
    if starts_at <= now:
        raise _invalid("in_the_past", "starts_at", _("This time has already passed."))
    if starts_at < now + timedelta(hours=desk.lead_time_hours):
        raise _invalid("inside_lead_time", "starts_at",
                       _("Book at least %(n)d hours ahead.", n=desk.lead_time_hours))
    if starts_at > now + timedelta(days=desk.horizon_days):
        raise _invalid("beyond_horizon", "starts_at",
                       _("Book at most %(n)d days ahead.", n=desk.horizon_days))


def _matching_slot(session, desk, adviser, starts_at):
    """The rule slot of ``adviser`` at ``desk`` that starts exactly at ``starts_at``, or None."""
    local_day = starts_at.astimezone(zone(desk.timezone)).date()
    rules = session.scalars(sa.select(OfficeHourRule).where(
        OfficeHourRule.desk_id == desk.id, OfficeHourRule.adviser_id == adviser.id,
        OfficeHourRule.valid_from <= local_day,
        sa.or_(OfficeHourRule.valid_until.is_(None), OfficeHourRule.valid_until >= local_day))).unique().all()
    for rule in rules:
        for slot in rule_slots(rule, desk.timezone, local_day, local_day):
            if slot.starts_at == starts_at:
                return slot
    return None


def _adviser_absent(session, adviser, day):
    return session.scalar(sa.select(Absence.id).where(
        Absence.adviser_id == adviser.id, Absence.starts_on <= day, Absence.ends_on >= day).limit(1)) is not None


def _overlapping(session, adviser_id, starts_at, ends_at):
    return session.scalars(sa.select(Appointment).where(
        Appointment.adviser_id == adviser_id, Appointment.status != "cancelled",
        Appointment.starts_at < ends_at, Appointment.ends_at > starts_at)).unique().all()


def book(user, desk_id, adviser_id, starts_at, *, topic, message="", now=None):
    """Book a seat of the adviser's slot at ``starts_at`` (aware UTC).

    Under the person's and the adviser's locks: the start must be a slot of one of the
    adviser's rules at this desk, outside their absences, at least the desk's lead time
    and at most its horizon ahead; the adviser must not be booked at an overlapping time
    anywhere else; a seat must be left; the person may hold at most the desk's limit of
    upcoming appointments there and one seat per slot.

    :raises NotFound: unknown desk.
    :raises ValidationFailed: ``adviser_not_found`` (an adviser who does not work there).
    :raises ValidationFailed: ``not_a_slot``, ``in_the_past``, ``inside_lead_time``, ``beyond_horizon``.
    :raises Conflict: ``adviser_absent``, ``adviser_busy``, ``slot_taken``, ``already_booked``,
        ``too_many_appointments``.
    """
    _authenticated(user)
    now = now or utcnow()
    if starts_at.tzinfo is None:
        raise ValueError("book() needs an aware UTC datetime")
    topic = (topic or "").strip()
    if not topic:
        raise _invalid("topic_required", "topic", _("Say what the appointment is about."))
    try:
        with unit_of_work() as session:
            desk = _desk(session, desk_id)
            lock_parent(User, user.id)
            adviser = lock_parent(Adviser, adviser_id, not_found=_not_at_desk())
            _adviser_at_desk(session, desk, adviser.id)
            _check_window(desk, starts_at, now)
            slot = _matching_slot(session, desk, adviser, starts_at)
            if slot is None:
                raise _invalid("not_a_slot", "starts_at", _("This is not a bookable slot of the adviser."))
            if _adviser_absent(session, adviser, starts_at.astimezone(zone(desk.timezone)).date()):
                raise AdviserAbsent()
            overlapping = _overlapping(session, adviser.id, slot.starts_at, slot.ends_at)
            same_slot = [a for a in overlapping if a.desk_id == desk.id and a.starts_at == slot.starts_at
                         and a.ends_at == slot.ends_at]
            if len(same_slot) != len(overlapping):
                raise AdviserBusy()
            if any(a.user_id == user.id for a in same_slot):
                raise AlreadyBooked()
            if len(same_slot) >= slot.seats:
                raise SlotTaken()
            upcoming = session.scalar(sa.select(sa.func.count()).select_from(Appointment).where(
                Appointment.user_id == user.id, Appointment.desk_id == desk.id,
                Appointment.status == "confirmed", Appointment.starts_at > now))
            if upcoming >= desk.max_upcoming_per_person:
                raise TooManyAppointments(desk.max_upcoming_per_person)
            taken_seats = {a.seat for a in same_slot}
            seat = next(n for n in range(1, slot.seats + 1) if n not in taken_seats)
            appointment = Appointment(
                desk_id=desk.id, adviser_id=adviser.id, user_id=user.id, rule_id=slot.rule_id,
                starts_at=slot.starts_at, ends_at=slot.ends_at, seat=seat, mode=slot.mode, topic=topic[:120],
                message=(message or "").strip(), status="confirmed")
            session.add(appointment)
            session.flush()
            notify.appointment(appointment, "appointment_booked")
    except IntegrityError:
        # The database refused a second active appointment for this adviser, start and seat.
        raise SlotTaken() from None
    return appointment


def cancel(actor, appointment_id, *, now=None, deadline=True):
    """Cancel an appointment.

    The person may cancel until the desk's ``cancel_until_hours`` before the start; the
    adviser and the desk's organisers may cancel any confirmed appointment. The freed seat
    is free again at once.

    :raises NotFound: unknown appointment, or someone else's (for a person).
    :raises Conflict: ``cancellation_closed``, ``not_cancellable`` (not confirmed any more).
    """
    _authenticated(actor)
    now = now or utcnow()
    with unit_of_work() as session:
        appointment = session.get(Appointment, appointment_id)
        if appointment is None:
            raise NotFound("appointment_not_found", _("There is no such appointment."))
        if appointment.user_id != actor.id and not can_manage_appointment(actor, appointment):
            raise NotFound("appointment_not_found", _("There is no such appointment."))
        lock_parent(Adviser, appointment.adviser_id)
        session.refresh(appointment)
        refusal = _cancel_refusal(appointment, actor, now, deadline)
        if refusal is not None:
            raise refusal
        appointment.status = "cancelled"
        appointment.cancelled_at = now
        notify.appointment_cancelled(appointment, actor.id)
        if appointment.user_id != actor.id:  # the adviser or an organiser cancelled it
            _audit_appointment(session, actor, "appointment.cancel", appointment,
                               {"status": ["confirmed", "cancelled"]})
    return appointment


def _audit_appointment(session, actor, action, appointment, changes):
    desk = appointment.desk
    local = appointment.starts_at.astimezone(zone(desk.timezone))
    audit.record(session, actor=actor, action=action, subject_type="appointment", subject_id=appointment.id,
                 organisation_id=desk.organisation_id, subject_user_id=appointment.user_id,
                 summary=f"{desk.name}: {local:%Y-%m-%d %H:%M}", changes=changes)


def mark(actor, appointment_id, outcome, *, now=None):
    """The adviser records how an appointment went: ``completed`` or ``no_show``.

    :raises NotFound: unknown appointment, or not one of the actor's.
    :raises Conflict: ``not_started_yet`` before the start, ``not_markable`` if cancelled.
    """
    _authenticated(actor)
    now = now or utcnow()
    if outcome not in ("completed", "no_show"):
        raise _invalid("unknown_outcome", "outcome", _("Completed or no-show."))
    with unit_of_work() as session:
        appointment = session.get(Appointment, appointment_id)
        if appointment is None or not can_manage_appointment(actor, appointment):
            raise NotFound("appointment_not_found", _("There is no such appointment."))
        lock_parent(Adviser, appointment.adviser_id)
        session.refresh(appointment)
        refusal = _mark_refusal(appointment, actor, now)
        if refusal is not None:
            raise refusal
        previous = appointment.status
        appointment.status = outcome
        if previous != outcome:
            _audit_appointment(session, actor, "appointment.mark", appointment, {"status": [previous, outcome]})
    return appointment


def save_notes(actor, appointment_id, notes):
    """The adviser's private notes on an appointment (never shown to the person)."""
    _authenticated(actor)
    with unit_of_work() as session:
        appointment = session.get(Appointment, appointment_id)
        if appointment is None or not can_manage_appointment(actor, appointment):
            raise NotFound("appointment_not_found", _("There is no such appointment."))
        appointment.adviser_notes = (notes or "").strip()
    return appointment


# --- mentoring on demand --------------------------------------------------------------

def request_mentoring(user, desk_id, *, address, topic, preferred_periods="", message=""):
    """A person asks a desk for a mentoring visit at their premises."""
    _authenticated(user)
    with unit_of_work() as session:
        desk = _desk(session, desk_id)
        request = MentoringRequest(desk_id=desk.id, user_id=user.id, address=address.strip()[:300],
                                   topic=topic.strip()[:120], preferred_periods=(preferred_periods or "").strip(),
                                   message=(message or "").strip(), status="open")
        session.add(request)
    return request


def propose_mentoring(actor, request_id, starts_at, minutes=60, *, now=None):
    """An adviser of the desk proposes a time for a mentoring visit.

    :raises NotFound: unknown request, or the actor does not advise at its desk.
    :raises ValidationFailed: a time in the past.
    :raises Conflict: ``adviser_busy`` at that time; ``not_open`` once accepted or withdrawn.
    """
    _authenticated(actor)
    now = now or utcnow()
    with unit_of_work() as session:
        request = session.get(MentoringRequest, request_id)
        adviser = session.scalar(sa.select(Adviser).where(Adviser.user_id == actor.id))
        if request is None or adviser is None or request.desk_id not in {d.id for d in adviser.desks}:
            raise NotFound("mentoring_request_not_found", _("There is no such mentoring request."))
        lock_parent(Adviser, adviser.id)
        if request.status not in ("open", "proposed"):
            raise Conflict("not_open", _("This request has already been settled."))
        if starts_at <= now:
            raise _invalid("in_the_past", "starts_at", _("This time has already passed."))
        if not 15 <= minutes <= 480:
            raise _invalid("visit_length", "minutes", _("A visit lasts between 15 and 480 minutes."))
        ends_at = starts_at + timedelta(minutes=minutes)
        if _overlapping(session, adviser.id, starts_at, ends_at):
            raise AdviserBusy()
        request.status = "proposed"
        request.proposed_adviser_id = adviser.id
        request.proposed_starts_at = starts_at
        request.proposed_ends_at = ends_at
        notify.mentoring_proposed(request)
    return request


def accept_mentoring(user, request_id, *, now=None):
    """The person accepts the proposed time: it becomes an appointment at their address.

    :raises NotFound: not the person's request.
    :raises Conflict: ``no_proposal``; ``proposal_expired`` once the time has passed;
        ``adviser_busy`` if the adviser has been booked at that time meanwhile.
    """
    _authenticated(user)
    now = now or utcnow()
    try:
        with unit_of_work() as session:
            request = session.get(MentoringRequest, request_id)
            if request is None or request.user_id != user.id:
                raise NotFound("mentoring_request_not_found", _("There is no such mentoring request."))
            lock_parent(User, user.id)
            if request.status != "proposed" or request.proposed_adviser_id is None:
                raise Conflict("no_proposal", _("No time has been proposed yet."))
            lock_parent(Adviser, request.proposed_adviser_id)
            session.refresh(request)
            if request.status != "proposed":
                raise Conflict("no_proposal", _("No time has been proposed yet."))
            if request.proposed_starts_at <= now:
                raise Conflict("proposal_expired", _("The proposed time has passed; ask for a new one."))
            if _overlapping(session, request.proposed_adviser_id, request.proposed_starts_at,
                            request.proposed_ends_at):
                raise AdviserBusy()
            appointment = Appointment(
                desk_id=request.desk_id, adviser_id=request.proposed_adviser_id, user_id=user.id,
                starts_at=request.proposed_starts_at, ends_at=request.proposed_ends_at, seat=1, mode="visit",
                topic=request.topic, message=request.message, address=request.address, status="confirmed")
            session.add(appointment)
            session.flush()
            request.status = "accepted"
            request.appointment_id = appointment.id
            notify.appointment(appointment, "appointment_booked")
    except IntegrityError:
        raise AdviserBusy() from None
    return appointment
