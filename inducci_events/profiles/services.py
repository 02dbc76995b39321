"""Profile writes: saving one's own profile, and messages relayed through the app.

Each service runs in one :func:`~inducci_events.core.db.unit_of_work`. The relayed
message goes to the outbox in the same transaction (:mod:`.notifications`), so a refused
or rolled-back message sends nothing.
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from ..accounts.models import User
from ..core.capacity import lock_parent
from ..core.db import unit_of_work, utcnow
from ..core.errors import NotFound, RateLimited, Unauthorized, ValidationFailed
from . import notifications, queries, rules
from .models import Profile, ProfileMessage, ProfileTag

#: Messages one person may send per hour unless ``PROFILE_MESSAGES_PER_HOUR`` says otherwise.
DEFAULT_MESSAGES_PER_HOUR = 5


class ProfileNotFound(NotFound):
    code = "profile_not_found"


class TooManyMessages(RateLimited):
    code = "too_many_messages"


def _require_user(user):
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "id", None) is None:
        raise Unauthorized()


def save_profile(user, **values):
    """Create or replace ``user``'s one profile with ``values`` (see :func:`.rules.clean_profile`).

    :raises ValidationFailed: with messages per field; nothing is written.
    """
    _require_user(user)
    fields, errors = rules.clean_profile(**values)
    if errors:
        raise ValidationFailed(fields=errors)
    with unit_of_work() as session:
        # The user row is the parent: two saves of the same person queue up, so the
        # "one profile per user" insert never races (the unique index is the backstop).
        lock_parent(User, user.id)
        profile = session.scalar(sa.select(Profile).where(Profile.user_id == user.id))
        if profile is None:
            profile = Profile(user_id=user.id, created_at=utcnow())
            session.add(profile)
        for name in ("kind", "headline", "about", "region", "offers", "needs", "visible"):
            setattr(profile, name, fields[name])
        profile.region_key = rules.search_key(fields["region"])
        profile.search_text = rules.search_text(fields)
        profile.updated_at = utcnow()
        wanted = [(kind, tag) for kind, key in (("skill", "skills"), ("sector", "sectors"),
                                                ("language", "languages"))
                  for tag in fields[key]]
        existing = {(t.kind, t.tag): t for t in profile.tags}
        profile.tags = [existing.get((kind, tag)) or ProfileTag(kind=kind, tag=tag) for kind, tag in wanted]
        for position, tag in enumerate(profile.tags):
            tag.position = position
    return profile


def _limit():
    return int(current_app.config.get("PROFILE_MESSAGES_PER_HOUR", DEFAULT_MESSAGES_PER_HOUR))


def _check_rate(session, sender_id):
    """At most ``PROFILE_MESSAGES_PER_HOUR`` messages per sender in any hour (a count, under
    the lock on the sender's row, so parallel sends cannot slip past it)."""
    limit = _limit()
    since = utcnow() - timedelta(hours=1)
    sent = session.scalar(sa.select(sa.func.count()).select_from(ProfileMessage)
                          .where(ProfileMessage.sender_id == sender_id, ProfileMessage.created_at > since))
    if sent >= limit:
        raise TooManyMessages(message=ngettext(
            "You can send %(num)d message per hour. Please try again later.",
            "You can send %(num)d messages per hour. Please try again later.", limit))


def _clean_message(subject, body):
    errors = {}
    subject = " ".join(rules.normalise_text(subject).split())
    body = rules.normalise_text(body)
    if not subject:
        errors["subject"] = [_("Give your message a subject.")]
    elif len(subject) > rules.MESSAGE_SUBJECT_MAX:
        errors["subject"] = [ngettext("At most %(num)d character.", "At most %(num)d characters.",
                                      rules.MESSAGE_SUBJECT_MAX)]
    if len(body) < 10:
        errors["body"] = [_("Write a few words: what you would like to talk about.")]
    elif len(body) > rules.MESSAGE_MAX:
        errors["body"] = [ngettext("At most %(num)d character.", "At most %(num)d characters.",
                                   rules.MESSAGE_MAX)]
    if errors:
        raise ValidationFailed(fields=errors)
    return subject, body


def _send(session, sender, recipient_id, subject, body, reply_to_id=None):
    if recipient_id == sender.id:
        raise ValidationFailed("own_profile", _("You cannot write to yourself."))
    _check_rate(session, sender.id)
    message = ProfileMessage(sender_id=sender.id, recipient_id=recipient_id, reply_to_id=reply_to_id,
                             subject=subject, body=body, created_at=utcnow())
    session.add(message)
    session.flush()
    notifications.message_relayed(message)
    return message


def write_to_profile(sender, profile_id, *, subject, body):
    """``sender`` writes to the owner of a visible profile; the message is relayed by e-mail
    in the recipient's language, with the sender's name and a reply link (never an address).

    :raises ProfileNotFound: no such profile, hidden, or its account is deactivated.
    :raises ValidationFailed: an empty or too long subject or text, or one's own profile.
    :raises TooManyMessages: the sender's hourly limit is used up (429).
    """
    _require_user(sender)
    subject, body = _clean_message(subject, body)
    with unit_of_work() as session:
        lock_parent(User, sender.id)
        profile = session.scalar(queries.public_profiles().where(Profile.id == profile_id))
        if profile is None:
            raise ProfileNotFound(message=_("There is no such profile."))
        return _send(session, sender, profile.user_id, subject, body)


def reply(sender, message_id, *, subject, body):
    """The recipient of message ``message_id`` answers its sender through the app (the
    sender's profile need not be visible: they wrote first).

    :raises NotFound: no such message, or ``sender`` did not receive it.
    :raises ValidationFailed, TooManyMessages: as :func:`write_to_profile`.
    """
    _require_user(sender)
    subject, body = _clean_message(subject, body)
    with unit_of_work() as session:
        lock_parent(User, sender.id)
        original = session.get(ProfileMessage, message_id)
        if original is None or original.recipient_id != sender.id:
            raise NotFound("message_not_found", _("There is no such message."))
        other = session.get(User, original.sender_id)
        if other is None or other.deactivated_at is not None:
            raise NotFound("message_not_found", _("There is no such message."))
        return _send(session, sender, other.id, subject, body, reply_to_id=original.id)
