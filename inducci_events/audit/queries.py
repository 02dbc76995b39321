"""Reading the audit log (organisers: their organisation's; admins: everything)."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from .models import AuditEntry

PAGE_SIZE = 100

#: What each recorded action is called in the log (organisers and admins read it).
ACTION_LABELS = {
    "organisation.create": _l("Organisation created"),
    "organisation.update": _l("Organisation changed"),
    "membership.grant": _l("Role granted"),
    "membership.revoke": _l("Role revoked"),
    "user.deactivate": _l("Account deactivated"),
    "user.reactivate": _l("Account reactivated"),
    "mail.retry": _l("Undelivered e-mail sent again"),
    "mail.discard": _l("Undelivered e-mail discarded"),
    "programme.create": _l("Programme created"),
    "programme.update": _l("Programme changed"),
    "venue.create": _l("Venue created"),
    "venue.update": _l("Venue changed"),
    "event.create": _l("Event created"),
    "event.update": _l("Event changed"),
    "event.cancel": _l("Event cancelled"),
    "event.question_add": _l("Registration question added"),
    "event.question_remove": _l("Registration question removed"),
    "session.create": _l("Session added"),
    "session.update": _l("Session changed"),
    "session.delete": _l("Session removed"),
    "enrolment.approve": _l("Enrolment approved"),
    "enrolment.decline": _l("Enrolment declined"),
    "enrolment.cancel": _l("Enrolment cancelled by the organiser"),
    "attendance.check_in": _l("Checked in"),
    "attendance.undo": _l("Check-in undone"),
    "listing.create": _l("Space listing created"),
    "listing.update": _l("Space listing changed"),
    "listing.withdraw": _l("Space listing withdrawn"),
    "space_booking.approve": _l("Space booking approved"),
    "space_booking.decline": _l("Space booking declined"),
    "space_booking.cancel": _l("Space booking cancelled by the organiser"),
    "desk.create": _l("Help desk created"),
    "desk.update": _l("Help desk changed"),
    "desk.adviser_add": _l("Adviser added to a help desk"),
    "desk.hours_add": _l("Office hours added"),
    "adviser.absence_add": _l("Adviser's absence recorded"),
    "appointment.cancel": _l("Appointment cancelled by the help desk"),
    "appointment.mark": _l("Appointment outcome recorded"),
}

#: Subjects that always concern a person: without one, that person's account is gone.
PERSONAL_SUBJECTS = frozenset({"enrolment", "space_booking", "appointment", "membership", "user"})

#: How the log names the fields whose previous and new values it shows; others show their key.
FIELD_LABELS = {
    "status": _l("status"),
    "capacity": _l("capacity"),
    "title": _l("title"),
    "name": _l("name"),
    "venue": _l("venue"),
    "starts_at": _l("start"),
    "ends_at": _l("end"),
    "decline_reason": _l("reason"),
    "present": _l("present"),
    "units": _l("units"),
    "description": _l("description"),
    "role": _l("role"),
    "question": _l("question"),
}


def entries(organisation_id=None, *, before_id=None, limit=PAGE_SIZE):
    """Newest first; ``organisation_id=None`` means every entry (admins). ``before_id`` pages on."""
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if organisation_id is not None:
        query = query.where(AuditEntry.organisation_id == organisation_id)
    if before_id is not None and 0 < before_id < 2**31:  # other values (from a URL) mean "from the top"
        query = query.where(AuditEntry.id < before_id)
    return db.session.scalars(query).all()
