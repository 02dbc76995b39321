"""What the help-desk feature tells whom, by e-mail through the outbox (``mail/``).

Queued inside the services' units of work as small deferred rows, composed by the worker
just before sending (see :mod:`inducci_events.mail.messages`), with the appointment's
``.ics`` from :mod:`.ical`. :func:`init_app` registers the composers, the venue listener
and the reminders with the app, explicitly.
"""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..core.db import utcnow
from ..core.ical import absolute
from ..extensions import db
from ..mail import messages
from ..mail.reminders import on_reminders
from ..mail.services import ItemGone
from ..organisations.services import on_organisation_renamed, on_venue_changed
from .ical import appointment_item, appointment_place
from .models import Adviser, Appointment, HelpDesk, MentoringRequest

TEXTS = {
    "appointment_booked": (
        _l("Appointment booked: %(title)s"),
        _l("your appointment with %(adviser)s is booked.")),
    "appointment_cancelled": (
        _l("Appointment cancelled: %(title)s"),
        _l("your appointment with %(adviser)s has been cancelled.")),
    "appointment_venue_changed": (
        _l("New place details: %(title)s"),
        _l("the place of your appointment with %(adviser)s has changed its name or address. The details are "
           "below; the attached file updates your calendar.")),
    "appointment_place_changed": (
        _l("New place: %(title)s"),
        _l("the help desk %(title)s has moved. Your upcoming appointments there are below with the new place; "
           "the attached file updates your calendar.")),
    "adviser_appointment_cancelled": (
        _l("Appointment cancelled by the client: %(title)s"),
        _l("%(person)s has cancelled the appointment; the slot is free again.")),
    "mentoring_proposed": (
        _l("A time is proposed for your mentoring visit: %(title)s"),
        _l("%(adviser)s proposes a time for the mentoring visit you asked for. Accept it on your help-desk "
           "page.")),
    "reminder_appointment": (
        _l("Reminder: %(title)s starts within 24 hours"),
        _l("a reminder: your appointment with %(adviser)s is within the next 24 hours.")),
}


def appointment_context(appointment):
    desk = appointment.desk
    return dict(title=f"{desk.name}: {appointment.topic}", adviser=appointment.adviser.user.name,
                person=appointment.user.name,
                times=[dict(starts_at=appointment.starts_at, ends_at=appointment.ends_at, tz=desk.timezone,
                            place=appointment_place(appointment) or desk.name)],
                link=absolute("helpdesk.mine"))


# --- queued inside the services' units of work --------------------------------------

@messages.notification
def appointment(appointment, kind):
    """``appointment_booked`` or ``appointment_cancelled`` for the person who booked."""
    messages.defer(kind, appointment.user_id, messages.snapshot(appointment))


@messages.notification
def appointment_cancelled(appointment, actor_id):
    """Either side cancelled: the person always gets the cancellation (METHOD:CANCEL); the
    adviser is told when the person cancelled."""
    payload = messages.snapshot(appointment)
    messages.defer("appointment_cancelled", appointment.user_id, payload)
    adviser_user_id = appointment.adviser.user_id
    if actor_id == appointment.user_id and adviser_user_id != actor_id:
        messages.defer("adviser_appointment_cancelled", adviser_user_id, payload)


@messages.notification
def mentoring_proposed(request):
    """The adviser proposed a time for a mentoring visit: the person can accept it."""
    db.session.flush()
    messages.defer("mentoring_proposed", request.user_id, {"id": request.id})


def _venue_changed(session, venue):
    """A desk's venue changed its name or address: appointments held there that are not over
    raise their SEQUENCE, and each person is told once."""
    now = utcnow()
    rows = session.execute(sa.select(Appointment.id, Appointment.user_id)
                           .join(HelpDesk, Appointment.desk_id == HelpDesk.id)
                           .where(HelpDesk.venue_id == venue.id, Appointment.mode == "onsite",
                                  Appointment.status == "confirmed", Appointment.ends_at >= now)).all()
    if not rows:
        return
    session.execute(sa.update(Appointment).where(Appointment.id.in_([r.id for r in rows]))
                    .values(sequence=Appointment.sequence + 1, updated_at=now)
                    .execution_options(synchronize_session="fetch"))
    if not messages.enabled():
        return
    for row in rows:  # one appointment per message: each has its own adviser and time
        messages.defer("appointment_venue_changed", row.user_id,
                       {"id": row.id, "sequence": session.get(Appointment, row.id).sequence})


def _organisation_renamed(session, organisation):
    """The organisation's name is the ORGANIZER and in the DESCRIPTION of its desks'
    appointments: each raises its SEQUENCE. Nobody is mailed (no time or place changed)."""
    session.execute(sa.update(Appointment)
                    .where(Appointment.desk_id.in_(sa.select(HelpDesk.id)
                                                   .where(HelpDesk.organisation_id == organisation.id)))
                    .values(sequence=Appointment.sequence + 1, updated_at=utcnow())
                    .execution_options(synchronize_session="fetch"))


def desk_changed(session, desk, *, moved, renamed, now):
    """A desk was renamed or moved (another venue, or none): its upcoming appointments whose
    calendar items show that raise their SEQUENCE (a new name: all of them; a new place: the
    on-site ones), and after a move each person with on-site appointments there gets one
    message covering all of them, with the updated items."""
    query = sa.select(Appointment.id, Appointment.user_id, Appointment.mode).where(
        Appointment.desk_id == desk.id, Appointment.status == "confirmed", Appointment.ends_at >= now)
    if not renamed:
        query = query.where(Appointment.mode == "onsite")
    rows = session.execute(query.order_by(Appointment.starts_at, Appointment.id)).all()
    if not rows:
        return
    session.execute(sa.update(Appointment).where(Appointment.id.in_([r.id for r in rows]))
                    .values(sequence=Appointment.sequence + 1, updated_at=now)
                    .execution_options(synchronize_session="fetch"))
    if not moved or not messages.enabled():
        return
    per_person = {}
    for row in rows:
        if row.mode == "onsite":
            per_person.setdefault(row.user_id, []).append([row.id, session.get(Appointment, row.id).sequence])
    for user_id, items in per_person.items():
        messages.defer("appointment_place_changed", user_id, {"items": items})


# --- composed by the worker ---------------------------------------------------------------

def _compose_place_changed(kind, user, payload):
    pairs = [(db.session.get(Appointment, pk), sequence) for pk, sequence in payload["items"]]
    pairs = [(row, sequence) for row, sequence in pairs if row is not None and row.status == "confirmed"]
    if not pairs:
        raise ItemGone("none of the appointments is still booked")
    desk = pairs[0][0].desk
    context = dict(title=desk.name, times=[appointment_context(row)["times"][0] for row, _sequence in pairs],
                   link=absolute("helpdesk.mine"))
    return messages.fields(TEXTS, kind, user, context, items=lambda: [
        messages.as_sent(appointment_item(row), sequence, "REQUEST") for row, sequence in pairs])


def _compose(kind, user, payload):
    if kind == "appointment_place_changed":
        return _compose_place_changed(kind, user, payload)
    if kind == "mentoring_proposed":
        request = messages.load(MentoringRequest, payload["id"])
        desk = request.desk
        context = dict(title=f"{desk.name}: {request.topic}", adviser=request.proposed_adviser.user.name,
                       times=[dict(starts_at=request.proposed_starts_at, ends_at=request.proposed_ends_at,
                                   tz=desk.timezone, place=request.address)], link=absolute("helpdesk.mine"))
        return messages.fields(TEXTS, kind, user, context)
    row = messages.load(Appointment, payload["id"])
    context = appointment_context(row)
    if kind == "adviser_appointment_cancelled":
        return messages.fields(TEXTS, kind, user, dict(context, link=absolute("helpdesk.agenda")))
    method = "CANCEL" if kind == "appointment_cancelled" else "REQUEST"
    return messages.fields(TEXTS, kind, user, context, method=method,
                           items=lambda: [messages.as_sent(appointment_item(row), payload["sequence"], method)])


# --- reminders ----------------------------------------------------------------------------

def reminder_key(appointment):
    return f"reminder:appointment:{appointment.id}:{int(appointment.starts_at.timestamp())}"


def _due_reminders(session, now, ahead):
    rows = session.scalars(
        sa.select(Appointment).join(User, User.id == Appointment.user_id)
        .where(Appointment.status == "confirmed", User.mail_reminders.is_(True),
               Appointment.starts_at > now, Appointment.starts_at <= now + ahead)
        .options(joinedload(Appointment.adviser).joinedload(Adviser.user))
        .order_by(Appointment.starts_at, Appointment.id)
    ).unique().all()
    for row in rows:
        def queue(row=row):
            messages.queue_now(TEXTS, "reminder_appointment", row.user, appointment_context(row),
                               dedupe_key=reminder_key(row), check_dedupe=False, items=lambda: [appointment_item(row)])
        yield reminder_key(row), queue


def init_app(app):
    """Register what this feature tells, with the outbox, the venues and the reminders."""
    messages.register(app, TEXTS, _compose)
    on_venue_changed(app, _venue_changed)
    on_organisation_renamed(app, _organisation_renamed)
    on_reminders(app, _due_reminders)

