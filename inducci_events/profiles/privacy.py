"""The profiles feature's personal data, for account export, deletion and the retention purge.

:func:`init_app` registers this feature with the accounts feature's registry of personal-data
providers: :func:`export_for` says what it holds about a user, :func:`erase_for` deletes it
inside the caller's unit of work, :func:`purge` deletes relayed messages past the retention.
"""
import sqlalchemy as sa

from ..extensions import db
from .models import Profile, ProfileMessage


def _iso(value):
    return value.isoformat() if value is not None else None


def export_for(user):
    """Everything this feature keeps about ``user``, as JSON-ready data: the profile, and
    the messages they wrote or received through the app (the other side by name only)."""
    profile = db.session.scalar(sa.select(Profile).where(Profile.user_id == user.id))
    messages = db.session.scalars(
        sa.select(ProfileMessage).where(sa.or_(ProfileMessage.sender_id == user.id,
                                               ProfileMessage.recipient_id == user.id))
        .order_by(ProfileMessage.created_at, ProfileMessage.id)).all()
    data = {"profile": None, "messages_sent": [], "messages_received": []}
    if profile is not None:
        data["profile"] = dict(
            kind=profile.kind, headline=profile.headline, about=profile.about, skills=profile.skills,
            sectors=profile.sectors, region=profile.region, languages=profile.languages, offers=profile.offers,
            needs=profile.needs, visible=profile.visible, created_at=_iso(profile.created_at),
            updated_at=_iso(profile.updated_at))
    for message in messages:
        sent = message.sender_id == user.id
        other = message.recipient if sent else message.sender
        entry = {"to" if sent else "from": other.name if other is not None else None,
                 "subject": message.subject, "body": message.body, "sent_at": _iso(message.created_at)}
        data["messages_sent" if sent else "messages_received"].append(entry)
    return data


def erase_for(session, user):
    """Delete ``user``'s profile (with its tags) and every message they wrote or received,
    inside the caller's unit of work. Deferred e-mails not yet composed about a deleted
    message are then never sent (the outbox finds nothing to tell)."""
    profile_ids = session.scalars(sa.select(Profile.id).where(Profile.user_id == user.id)).all()
    for profile in session.scalars(sa.select(Profile).where(Profile.id.in_(profile_ids))):
        session.delete(profile)  # the ORM cascade removes its tags on both databases
    session.execute(sa.update(ProfileMessage).where(ProfileMessage.reply_to_id.in_(
        sa.select(ProfileMessage.id).where(sa.or_(ProfileMessage.sender_id == user.id,
                                                  ProfileMessage.recipient_id == user.id))))
                    .values(reply_to_id=None).execution_options(synchronize_session=False))
    session.execute(sa.delete(ProfileMessage).where(sa.or_(ProfileMessage.sender_id == user.id,
                                                           ProfileMessage.recipient_id == user.id))
                    .execution_options(synchronize_session=False))
    session.flush()


def _sent_by(user):
    return sa.select(ProfileMessage.id).where(ProfileMessage.sender_id == user.id)


def outbox_about(session, user):
    """The relayed e-mails carrying the person's words (and name) to others."""
    return [({"profile_message"}, set(session.scalars(_sent_by(user))))]


def purge(session, cutoff):
    """Delete messages relayed before ``cutoff`` (replies first lose their link to them)."""
    old = sa.select(ProfileMessage.id).where(ProfileMessage.created_at < cutoff)
    session.execute(sa.update(ProfileMessage).where(ProfileMessage.reply_to_id.in_(old))
                    .values(reply_to_id=None).execution_options(synchronize_session=False))
    return session.execute(sa.delete(ProfileMessage).where(ProfileMessage.created_at < cutoff)
                           .execution_options(synchronize_session=False)).rowcount


def init_app(app):
    from ..accounts import privacy

    privacy.register(app, privacy.PersonalData(
        key="profiles", export=lambda user: {"profile": export_for(user)},
        cancel_future=lambda user, now: None,  # a profile books nothing
        erase=erase_for, purge=purge, outbox_about=outbox_about))
