"""The help desks' part of personal data (see :mod:`inducci_events.accounts.privacy`):
appointments with their message and mentoring requests with their address, in the export;
future appointments cancelled and open requests withdrawn when an account is erased;
messages, addresses and adviser notes erased with the account or by the retention purge."""
import sqlalchemy as sa

from ..accounts import privacy
from ..extensions import db
from .models import Adviser, Appointment, MentoringRequest

#: Messages to advisers about a person's appointment (payload ``id`` = the appointment).
ADVISER_KINDS = {"adviser_appointment_cancelled"}


def _when(value):
    return value.isoformat() if value is not None else None


def export(user):
    appointments = db.session.scalars(sa.select(Appointment).where(Appointment.user_id == user.id)
                                      .order_by(Appointment.starts_at, Appointment.id)).all()
    requests = db.session.scalars(sa.select(MentoringRequest).where(MentoringRequest.user_id == user.id)
                                  .order_by(MentoringRequest.created_at, MentoringRequest.id)).all()
    adviser = db.session.scalar(sa.select(Adviser).where(Adviser.user_id == user.id))
    document = {
        "appointments": [{
            "id": a.id, "desk": a.desk.name, "organisation": a.desk.organisation.slug, "adviser": a.adviser.name,
            "starts_at": _when(a.starts_at), "ends_at": _when(a.ends_at), "mode": a.mode, "topic": a.topic,
            "message": a.message, "address": a.address, "status": a.status, "booked_at": _when(a.created_at),
            "cancelled_at": _when(a.cancelled_at),
        } for a in appointments],
        "mentoring_requests": [{
            "id": r.id, "desk": r.desk.name, "topic": r.topic, "address": r.address,
            "preferred_periods": r.preferred_periods, "message": r.message, "status": r.status,
            "proposed_starts_at": _when(r.proposed_starts_at), "requested_at": _when(r.created_at),
        } for r in requests],
    }
    if adviser is not None:
        document["adviser_profile"] = {"bio": adviser.bio, "topics": adviser.topics,
                                       "desks": [d.name for d in adviser.desks]}
    return document


def cancel_future(user, now):
    """Cancel each confirmed appointment that has not started, as the person (their adviser
    is told; the desk's cancellation deadline does not apply), and withdraw open requests."""
    from . import services

    ids = db.session.scalars(sa.select(Appointment.id).where(
        Appointment.user_id == user.id, Appointment.status == "confirmed", Appointment.starts_at > now)
        .order_by(Appointment.id)).all()
    for appointment_id in ids:
        services.cancel(user, appointment_id, now=now, deadline=False)
    db.session.execute(sa.update(MentoringRequest).where(
        MentoringRequest.user_id == user.id, MentoringRequest.status.in_(("open", "proposed")))
        .values(status="withdrawn").execution_options(synchronize_session=False))


def erase(session, user):
    session.execute(sa.update(Appointment).where(Appointment.user_id == user.id)
                    .values(message="", address="", adviser_notes="")
                    .execution_options(synchronize_session=False))
    session.execute(sa.update(MentoringRequest).where(MentoringRequest.user_id == user.id)
                    .values(message="", address="", preferred_periods="")
                    .execution_options(synchronize_session=False))
    session.execute(sa.update(Adviser).where(Adviser.user_id == user.id).values(bio="")
                    .execution_options(synchronize_session=False))


def purge(session, cutoff):
    appointments = session.execute(
        sa.update(Appointment).where(Appointment.ends_at < cutoff, sa.or_(
            Appointment.message != "", Appointment.address != "", Appointment.adviser_notes != ""))
        .values(message="", address="", adviser_notes="").execution_options(synchronize_session=False)).rowcount
    ended = sa.func.coalesce(MentoringRequest.proposed_ends_at, MentoringRequest.created_at) < cutoff
    requests = session.execute(
        sa.update(MentoringRequest).where(ended, MentoringRequest.status != "open", sa.or_(
            MentoringRequest.message != "", MentoringRequest.address != "", MentoringRequest.preferred_periods != ""))
        .values(message="", address="", preferred_periods="").execution_options(synchronize_session=False)).rowcount
    return appointments + requests


def outbox_about(session, user):
    return [(ADVISER_KINDS, set(session.scalars(sa.select(Appointment.id).where(Appointment.user_id == user.id))))]


def init_app(app):
    privacy.register(app, privacy.PersonalData(key="appointments", export=export, cancel_future=cancel_future,
                                               erase=erase, purge=purge, outbox_about=outbox_about))
