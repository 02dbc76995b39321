"""The events feature's part of personal data (see :mod:`inducci_events.accounts.privacy`):
enrolments with their answers, in the export; future enrolments cancelled when an account
is erased; answers and decline reasons erased with the account or by the retention purge."""
import sqlalchemy as sa

from ..accounts import privacy
from ..extensions import db
from .models import ACTIVE_STATUSES, Enrolment, Question, Session

#: Messages to organisers about a person's enrolment (payload ``id`` = the enrolment).
ORGANISER_KINDS = {"organiser_enrolment_pending", "organiser_enrolment_withdrawn"}


def _when(value):
    return value.isoformat() if value is not None else None


def _ends_at():
    """When an enrolment's item ends: its session's end, or the event's last session's."""
    last_of_event = (sa.select(sa.func.max(Session.ends_at)).where(Session.event_id == Enrolment.event_id)
                     .correlate(Enrolment).scalar_subquery())
    own = (sa.select(Session.ends_at).where(Session.id == Enrolment.session_id)
           .correlate(Enrolment).scalar_subquery())
    return sa.func.coalesce(own, last_of_event)


def export(user):
    rows = db.session.scalars(sa.select(Enrolment).where(Enrolment.user_id == user.id)
                              .order_by(Enrolment.created_at, Enrolment.id)).all()
    labels = {}
    event_ids = {row.event_id for row in rows}
    if event_ids:
        labels = {str(q.id): q.label for q in db.session.scalars(
            sa.select(Question).where(Question.event_id.in_(event_ids)))}
    items = []
    for row in rows:
        sessions = [row.session] if row.session is not None else list(row.event.sessions)
        items.append({
            "id": row.id, "event": row.event.title, "event_id": row.event_id,
            "organisation": row.event.organisation.slug, "session_id": row.session_id,
            "status": row.status, "enrolled_at": _when(row.created_at),
            "sessions": [{"title": s.title, "starts_at": _when(s.starts_at), "ends_at": _when(s.ends_at)}
                         for s in sessions],
            "answers": [{"question": labels.get(key, key), "answer": value}
                        for key, value in sorted((row.answers or {}).items())],
            "decline_reason": row.decline_reason,
        })
    return {"enrolments": items}


def cancel_future(user, now):
    """Cancel each active enrolment whose event (or session) has not ended, as the person,
    with the usual messages and waitlist promotion; their own deadline does not apply."""
    from . import services

    ids = db.session.scalars(sa.select(Enrolment.id).where(
        Enrolment.user_id == user.id, Enrolment.status.in_(ACTIVE_STATUSES), _ends_at() > now)
        .order_by(Enrolment.id)).all()
    for enrolment_id in ids:
        services.cancel_enrolment(user, enrolment_id, now=now, deadline=False)


def erase(session, user):
    session.execute(sa.update(Enrolment).where(Enrolment.user_id == user.id)
                    .values(answers={}, decline_reason=""))


def purge(session, cutoff):
    ended = sa.select(Enrolment.id).where(_ends_at() < cutoff, sa.or_(
        Enrolment.decline_reason != "", sa.cast(Enrolment.answers, sa.String).notin_(("{}", "null"))))
    ids = session.scalars(ended).all()
    if ids:
        session.execute(sa.update(Enrolment).where(Enrolment.id.in_(ids)).values(answers={}, decline_reason="")
                        .execution_options(synchronize_session=False))
    return len(ids)


def outbox_about(session, user):
    return [(ORGANISER_KINDS, set(session.scalars(sa.select(Enrolment.id).where(Enrolment.user_id == user.id))))]


def init_app(app):
    privacy.register(app, privacy.PersonalData(key="enrolments", export=export, cancel_future=cancel_future,
                                               erase=erase, purge=purge, outbox_about=outbox_about))

