"""Queue messages inside a unit of work; deliver them from the outbox afterwards."""
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale

from ..core.db import after_commit, in_unit_of_work, unit_of_work, utcnow
from ..extensions import db
from .composers import composer_for
from .models import OutboxMessage
from .transports import PermanentFailure, TransportError, transport_from_config

#: Delays before the 1st, 2nd, ... retry; the last one repeats until MAIL_MAX_ATTEMPTS.
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1)]
#: A claim older than this belongs to a worker that died mid-batch; the message is due again.
STALE_CLAIM = timedelta(minutes=10)


def render(template, locale, context, recipient_name=""):
    """``(subject, text, html)`` of ``templates/mail/<template>.*`` in ``locale``."""
    context = dict(context, recipient_name=recipient_name, base_url=current_app.config["BASE_URL"])
    with force_locale(locale):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    return subject[:300], text, html


def _add(session, message):
    session.add(message)
    _deliver_after_commit()
    return message


def _deliver_after_commit():
    if current_app.config.get("MAIL_DELIVER_AFTER_COMMIT"):
        after_commit(_deliver_quietly)


def queue_message(*, kind, template, recipient_email, recipient_name="", locale="en", user_id=None,
                  context=None, ics=None, ics_method=None, dedupe_key=None, check_dedupe=True):
    """Render ``templates/mail/<template>.{subject,txt,html}`` in ``locale`` and add it to the outbox.

    Must run inside the unit of work of the change that causes the message. With a
    ``dedupe_key`` that is already queued, nothing is added (returns ``None``); a caller
    that has checked its keys in bulk passes ``check_dedupe=False`` (the unique index
    still refuses a duplicate).
    """
    if not in_unit_of_work():
        raise RuntimeError("queue_message() must run inside the unit of work of the change it reports")
    session = db.session()
    if dedupe_key is not None and check_dedupe:
        exists = session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key))
        if exists is not None:
            return None
    subject, text, html = render(template, locale, context or {}, recipient_name)
    return _add(session, OutboxMessage(
        kind=kind, dedupe_key=dedupe_key, user_id=user_id, recipient_email=recipient_email,
        recipient_name=recipient_name, locale=locale, subject=subject, body_text=text, body_html=html,
        ics=ics, ics_method=ics_method, next_attempt_at=utcnow(),
    ))


def defer_message(*, kind, user_id, payload):
    """Add a message to the outbox that is composed when it is sent.

    Inside a booking's transaction this is one small INSERT (the kind, the recipient and the
    ids in ``payload``): rendering texts and the ``.ics`` would cost the booking as much as the
    booking itself. The worker composes it from the committed state just before sending.
    """
    if not in_unit_of_work():
        raise RuntimeError("defer_message() must run inside the unit of work of the change it reports")
    if composer_for(kind) is None:
        raise ValueError(f"no composer for {kind!r}")
    # A plain INSERT, sent now: the ORM's flush machinery would cost the booking more than
    # the row itself (the other columns take their defaults).
    db.session.execute(sa.insert(OutboxMessage).values(kind=kind, user_id=user_id, payload=payload,
                                                       next_attempt_at=utcnow()))
    _deliver_after_commit()


class ItemGone(Exception):
    """What a deferred message was about no longer exists: there is nothing to tell."""


def compose(message_id):
    """Fill in a deferred message (recipient, texts, .ics) from the current state."""
    from ..accounts.models import User

    with unit_of_work() as session:
        message = session.get(OutboxMessage, message_id)
        user = session.get(User, message.user_id) if message.user_id else None
        if user is None:
            raise ItemGone("the recipient's account no longer exists")
        fields = composer_for(message.kind)(message.kind, user, message.payload or {})
        for name, value in fields.items():
            setattr(message, name, value)
    return message


def _deliver_quietly():
    """Demo mode: hand the outbox to the transport right after the commit. A failure only
    leaves the message pending for ``flask mail send``; the booking has already succeeded."""
    try:
        deliver_pending()
    except Exception:  # noqa: BLE001 - delivery must never fail the request that queued it
        current_app.logger.exception("inline mail delivery failed; the outbox keeps the message")


def build_email(message):
    """The outbox row as a MIME message: text + HTML alternatives, and the .ics attached."""
    config = current_app.config
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = formataddr((message.recipient_name, message.recipient_email))
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="inducci-events")
    email["X-Outbox-Id"] = str(message.id)
    email["X-Outbox-Kind"] = message.kind
    email["Content-Language"] = message.locale
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    if message.ics:
        method = message.ics_method or "PUBLISH"
        email.add_attachment(message.ics.encode("utf-8"), maintype="text", subtype="calendar",
                             filename="invite.ics" if method != "CANCEL" else "cancel.ics",
                             params={"method": method, "charset": "utf-8"})
    return email


def _claim(batch, now):
    """Mark up to ``batch`` due messages as ours; PostgreSQL workers skip rows another holds."""
    with unit_of_work() as session:
        due = sa.or_(
            sa.and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
            sa.and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at <= now - STALE_CLAIM),
        )
        stmt = sa.select(OutboxMessage).where(due).order_by(OutboxMessage.id).limit(batch)
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        messages = session.scalars(stmt).all()
        for message in messages:
            message.status = "sending"
            message.claimed_at = now
            message.attempts += 1
        ids = [m.id for m in messages]
    return ids


def _finish(message_id, *, sent, error=None, permanent=False):
    now = utcnow()
    with unit_of_work() as session:
        message = session.get(OutboxMessage, message_id)
        message.claimed_at = None
        if sent:
            message.status, message.sent_at, message.last_error = "sent", now, None
            return
        message.last_error = (error or "")[:500]
        if permanent or message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            message.status = "failed"
        else:
            message.status = "pending"
            message.next_attempt_at = now + BACKOFF[min(message.attempts, len(BACKOFF)) - 1]


def deliver_pending(*, batch=50, transport=None):
    """Deliver due messages once each; returns ``(sent, retried_or_failed)``.

    Claiming happens in its own short transaction, sending outside any transaction (a slow
    SMTP server never holds a database lock), and each result is recorded afterwards.
    """
    transport = transport or transport_from_config(current_app.config)
    sent = failed = 0
    while True:
        ids = _claim(batch, utcnow())
        if not ids:
            return sent, failed
        try:
            with transport:
                for index, message_id in enumerate(ids):
                    message = db.session.get(OutboxMessage, message_id)
                    try:
                        if message.body_text is None:
                            message = compose(message_id)
                    except ItemGone as exc:
                        _finish(message_id, sent=False, error=str(exc), permanent=True)
                        failed += 1
                        continue
                    email = build_email(message)
                    try:
                        transport.send(email)
                    except PermanentFailure as exc:
                        _finish(message_id, sent=False, error=str(exc), permanent=True)
                        failed += 1
                    except TransportError as exc:
                        # The server went away: give this and the rest of the batch back.
                        for rest in ids[index:]:
                            _finish(rest, sent=False, error=str(exc))
                        return sent, failed + len(ids) - index
                    else:
                        _finish(message_id, sent=True)
                        sent += 1
        except TransportError as exc:  # could not even connect
            for message_id in ids:
                _finish(message_id, sent=False, error=str(exc))
            return sent, failed + len(ids)
        if len(ids) < batch:
            return sent, failed
