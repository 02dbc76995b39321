"""The spaces feature's part of personal data (see :mod:`inducci_events.accounts.privacy`):
bookings with their purpose and team, in the export; bookings that have not ended are
cancelled when an account is erased; purposes, team names and decline reasons are erased
with the account or by the retention purge."""
import sqlalchemy as sa

from ..accounts import privacy
from ..extensions import db
from .models import ACTIVE_STATUSES, SpaceBooking, SpaceTeamMember

#: Messages to organisers about a person's booking (payload ``id`` = the booking).
ORGANISER_KINDS = {"organiser_space_request", "organiser_space_booking_cancelled"}


def _when(value):
    return value.isoformat() if value is not None else None


def export(user):
    rows = db.session.scalars(sa.select(SpaceBooking).where(SpaceBooking.user_id == user.id)
                              .order_by(SpaceBooking.created_at, SpaceBooking.id)).all()
    return {"space_bookings": [{
        "id": row.id, "listing": row.listing.title, "listing_id": row.listing_id,
        "organisation": row.listing.organisation.slug, "first_day": row.start_date.isoformat(),
        "last_day": row.last_day.isoformat(), "units": row.units, "status": row.status,
        "purpose": row.purpose, "team": [{"name": m.name, "home_region": m.home_region} for m in row.team],
        "terms_accepted_at": _when(row.terms_accepted_at), "requested_at": _when(row.created_at),
        "decline_reason": row.decline_reason, "cancelled_by": row.cancelled_by,
    } for row in rows]}


def cancel_future(user, now):
    """Cancel each request or booking that has not ended, as the person would (the
    organisers are told about a confirmed one)."""
    from . import queries, services

    rows = db.session.scalars(sa.select(SpaceBooking).where(
        SpaceBooking.user_id == user.id, SpaceBooking.status.in_(ACTIVE_STATUSES))
        .order_by(SpaceBooking.id)).all()
    for booking in rows:
        if queries.can_cancel(booking, user, now=now):
            services.cancel_booking(user, booking.id, now=now)


def _blank(session, where):
    ids = session.scalars(sa.select(SpaceBooking.id).where(*where)).all()
    if ids:
        session.execute(sa.update(SpaceBooking).where(SpaceBooking.id.in_(ids))
                        .values(purpose="", decline_reason=sa.case(
                            (SpaceBooking.status == "declined", "-"), else_=""))
                        .execution_options(synchronize_session=False))
        session.execute(sa.update(SpaceTeamMember).where(SpaceTeamMember.booking_id.in_(ids))
                        .values(name="").execution_options(synchronize_session=False))
    return ids


def erase(session, user):
    _blank(session, [SpaceBooking.user_id == user.id])


def purge(session, cutoff):
    has_text = sa.or_(SpaceBooking.purpose != "", SpaceBooking.decline_reason.notin_(("", "-")),
                      SpaceBooking.id.in_(sa.select(SpaceTeamMember.booking_id).where(SpaceTeamMember.name != "")))
    return len(_blank(session, [SpaceBooking.end_date <= cutoff.date(), has_text]))


def outbox_about(session, user):
    return [(ORGANISER_KINDS, set(session.scalars(
        sa.select(SpaceBooking.id).where(SpaceBooking.user_id == user.id))))]


def init_app(app):
    privacy.register(app, privacy.PersonalData(key="space_bookings", export=export, cancel_future=cancel_future,
                                               erase=erase, purge=purge, outbox_about=outbox_about))
