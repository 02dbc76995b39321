"""What the feedback feature tells whom: the invitation to answer, and one reminder.

Both are queued by the daily ``flask feedback invite`` (a batch job, not a booking), so
they are rendered at once, in each person's language, with a ``dedupe_key`` per person,
form and kind: the outbox holds each at most once, however often the job runs.
:func:`init_app` registers the texts with the outbox and the command with the app.
"""
import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..core.ical import absolute
from ..extensions import db
from ..mail import messages
from ..mail.models import OutboxMessage

TEXTS = {
    "feedback_invitation": (
        _l("How was %(title)s? Tell us in a few minutes"),
        _l("thank you for taking part in %(title)s. The organisers would like to know what you think: the "
           "questionnaire takes a few minutes. Follow the link below to answer.")),
    "feedback_reminder": (
        _l("Reminder: your feedback on %(title)s"),
        _l("a short reminder: the organisers of %(title)s would still like to hear what you think. The "
           "questionnaire takes a few minutes; this is the last message about it.")),
}


def key(kind, form_id, user_id):
    return f"feedback:{kind}:{form_id}:{user_id}"


def sent(kind, form_id, user_ids):
    """Of ``user_ids``, those who already have this form's ``kind`` message in the outbox."""
    keys = {key(kind, form_id, uid): uid for uid in user_ids}
    if not keys:
        return set()
    found = db.session.scalars(sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(list(keys))))
    return {keys[k] for k in found}


def _context(event):
    return dict(title=event.title, link=absolute("feedback.answer", event_id=event.id))


def queue(kind, event, form_id, user_ids):
    """Queue ``kind`` (``invitation`` or ``reminder``) to each of ``user_ids`` who has not had
    it yet (active accounts only); returns how many were queued. Inside a unit of work."""
    if not messages.enabled():
        return 0
    todo = set(user_ids) - sent(kind, form_id, user_ids)
    if not todo:
        return 0
    users = db.session.scalars(sa.select(User).where(User.id.in_(sorted(todo)), User.deactivated_at.is_(None))
                               .order_by(User.id)).all()
    with messages.url_context():
        context = _context(event)
        for user in users:
            messages.queue_now(TEXTS, f"feedback_{kind}", user, context, dedupe_key=key(kind, form_id, user.id),
                               check_dedupe=False)
    return len(users)


def _compose(kind, user, payload):
    """For a deferred message about a questionnaire (``payload``: ``{"event_id": ...}``)."""
    from ..workshops.models import Event

    return messages.fields(TEXTS, kind, user, _context(messages.load(Event, payload["event_id"])))


feedback_cli = AppGroup("feedback", help="Questionnaires after events.")


@feedback_cli.command("invite")
def invite():
    """Invite the attendees of events that ended yesterday to give feedback, and remind those
    who have not answered three days later (safe to run again: nobody is written to twice).

    Run it daily from a timer; ``flask mail send`` (or demo mode) delivers the messages.
    """
    from .services import queue_invitations

    invitations, reminders = queue_invitations()
    db.session.remove()
    click.echo(f"queued {invitations} invitation(s) and {reminders} reminder(s)")


def init_app(app):
    """Register what this feature tells with the outbox, and its command."""
    messages.register(app, TEXTS, _compose)
    app.cli.add_command(feedback_cli)
