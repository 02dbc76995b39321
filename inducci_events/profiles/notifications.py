"""What the profiles feature tells whom: a message written through the app, relayed by
e-mail through the outbox (``mail/``).

The row queued inside the sender's unit of work is a deferred one (kind and message id);
the worker composes it just before sending, in the recipient's language, from
``templates/mail/profile_message.*``: the sender's name, their words and a link to reply
through the app. Neither side ever sees the other's e-mail address. :func:`init_app`
registers the composer with the app, explicitly.
"""
import sqlalchemy as sa

from ..core.ical import absolute
from ..extensions import db
from ..mail import composers, messages
from ..mail.services import render
from .models import Profile, ProfileMessage

KINDS = ("profile_message",)


@messages.notification
def message_relayed(message):
    """Queue the e-mail to ``message``'s recipient (inside the sender's unit of work)."""
    messages.defer("profile_message", message.recipient_id, {"id": message.id})


def _compose(kind, user, payload):
    message = messages.load(ProfileMessage, payload["id"])
    sender_profile = db.session.scalar(sa.select(Profile.id).where(Profile.user_id == message.sender_id,
                                                                   Profile.visible.is_(True)))
    context = dict(
        sender_name=message.sender.name, message_subject=message.subject, body=message.body,
        reply_link=absolute("profiles.reply", message_id=message.id),
        sender_profile_link=absolute("profiles.show", profile_id=sender_profile) if sender_profile else None,
        is_reply=message.reply_to_id is not None,
    )
    locale = user.locale or "en"
    subject, text, html = render("profile_message", locale, context, user.name)
    return dict(recipient_email=user.email, recipient_name=user.name, locale=locale, subject=subject,
                body_text=text, body_html=html, ics=None, ics_method=None)


def _composer(kind, user, payload):
    with messages.url_context():
        return _compose(kind, user, payload)


def init_app(app):
    """Register what this feature tells, with the outbox."""
    composers.register(app, KINDS, _composer)
