"""Queue messages inside a unit of work; deliver them from the outbox afterwards."""
import secrets
from datetime import timedelta
from email import policy as email_policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid

import idna
import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ..core.db import after_commit, in_unit_of_work, unit_of_work, utcnow
from ..core.errors import Conflict, NotFound
from ..extensions import db
from .composers import composer_for
from .models import OutboxMessage
from .transports import PermanentFailure, TransportError, Unreachable, transport_from_config

#: Delays before the 1st, 2nd, ... retry; the last one repeats until MAIL_MAX_ATTEMPTS.
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1)]


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


# --- delivery: each message built and sent on its own ------------------------------------

#: Headers are written for any SMTP server: CRLF line ends, non-ASCII text as RFC 2047
#: encoded words, and a header value holding CR or LF is refused (never passed through).
POLICY = email_policy.SMTP


class Unsendable(Exception):
    """This message can never be sent as it is (e.g. its address cannot travel by SMTP)."""


class MailConfigError(Exception):
    """A mail setting is wrong (no message is claimed until it is fixed)."""


def one_line(value):
    """``value`` on one line: every line break (CR, LF, and the rest that ``str.splitlines``
    knows) becomes a space. For names and subjects, which may come from a form or an import."""
    return " ".join(part.strip() for part in str(value or "").splitlines()).strip()


def wire_address(address):
    """``address`` as it travels without SMTPUTF8: an internationalised domain in its ASCII
    (``xn--``) form. Sign-up already stores addresses this way (``accounts.services.
    normalise_email``); this is the sender's side of the same rule, for rows from before.

    :raises Unsendable: a local part (before the @) with non-ASCII letters, or no address.
    """
    address = address or ""
    local, at, domain = address.rpartition("@")
    if not (local and at and domain) or not address.isprintable() or any(c.isspace() for c in address):
        raise Unsendable(f"not an e-mail address: {address!r}")
    if not local.isascii():
        raise Unsendable(f"the address {address} has non-ASCII letters before the @, which needs SMTPUTF8; "
                         "this installation sends ASCII addresses only")
    if not domain.isascii():
        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise Unsendable(f"the domain of {address} is not a valid internationalised domain: {exc}") from None
    try:
        return Address(addr_spec=f"{local}@{domain}").addr_spec
    except (ValueError, IndexError) as exc:
        raise Unsendable(f"not an e-mail address: {address!r} ({exc})") from None


def sender_address(config):
    """``MAIL_DEFAULT_SENDER`` (``Name <address>`` or an address) as an ``Address``.

    :raises MailConfigError: it is not one valid, ASCII-only address.
    """
    value = config["MAIL_DEFAULT_SENDER"] or ""
    try:
        header = POLICY.header_factory("From", one_line(value))
        [address] = header.addresses
        return Address(display_name=address.display_name, addr_spec=wire_address(address.addr_spec))
    except (ValueError, IndexError, Unsendable) as exc:
        raise MailConfigError(f"MAIL_DEFAULT_SENDER {value!r} is not one valid e-mail address: {exc}") from None


def build_email(message, sender):
    """The outbox row as a MIME message: text + HTML alternatives, and the .ics attached.

    Returns ``(email, recipient)``; the recipient is the envelope address (ASCII).
    Names and subjects are folded onto one line; the policy encodes what is not ASCII.

    :raises Unsendable: the recipient's address cannot be sent to.
    """
    recipient = wire_address(message.recipient_email)
    email = EmailMessage(policy=POLICY)
    email["Subject"] = one_line(message.subject)
    email["From"] = sender
    email["To"] = Address(display_name=one_line(message.recipient_name), addr_spec=recipient)
    email["Date"] = utcnow()
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="inducci-events")
    email["X-Outbox-Id"] = str(message.id)
    email["X-Outbox-Kind"] = one_line(message.kind)
    email["Content-Language"] = one_line(message.locale)
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    if message.ics:
        method = one_line(message.ics_method) or "PUBLISH"
        email.add_attachment(message.ics.encode("utf-8"), maintype="text", subtype="calendar",
                             filename="invite.ics" if method != "CANCEL" else "cancel.ics",
                             params={"method": method, "charset": "utf-8"})
    return email, recipient


class Delivery(tuple):
    """What one :func:`deliver_pending` did: ``(sent, not_sent)``, with ``not_sent``
    split into ``retry`` (back in the outbox with back-off) and ``failed`` (given up)."""

    def __new__(cls, sent=0, retry=0, failed=0):
        self = super().__new__(cls, (sent, retry + failed))
        self.sent, self.retry, self.failed = sent, retry, failed
        return self

    def __add__(self, other):
        return Delivery(self.sent + other.sent, self.retry + other.retry, self.failed + other.failed)


def _claim_timeout():
    return timedelta(seconds=current_app.config["MAIL_CLAIM_TIMEOUT"])


def _claim(batch, now, token):
    """Mark up to ``batch`` due messages as ours; returns ``({id: attempts}, more)``.

    Due are pending messages whose time has come, and messages whose claim went stale (the
    worker that claimed them died mid-batch). PostgreSQL workers skip rows another worker
    is claiming at this moment; SQLite runs one claim at a time (``BEGIN IMMEDIATE``). A stale
    message that has used up its attempts (a worker died on it each time) is failed here.
    """
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    with unit_of_work() as session:
        due = sa.or_(
            sa.and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
            sa.and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at <= now - _claim_timeout()),
        )
        stmt = sa.select(OutboxMessage).where(due).order_by(OutboxMessage.id).limit(batch)
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        messages = session.scalars(stmt).all()
        claimed = {}
        for message in messages:
            if message.status == "sending" and message.attempts >= max_attempts:
                message.status, message.failed_at = "failed", now
                message.claimed_at = message.claim_token = None
                message.last_error = (f"the worker stopped while sending it, {message.attempts} times "
                                      f"(last: {message.last_error or 'no error recorded'})")[:500]
                current_app.logger.error("outbox message %s (%s) failed: %s", message.id, message.kind,
                                         message.last_error)
                continue
            message.status, message.claimed_at, message.claim_token = "sending", now, token
            message.attempts += 1
            claimed[message.id] = message.attempts
    return claimed, len(messages) == batch


def _still_ours(message_id, token):
    """Renew our claim just before sending; ``False`` if another worker has taken it over."""
    with unit_of_work() as session:
        result = session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token,
                   OutboxMessage.status == "sending")
            .values(claimed_at=utcnow()),
            execution_options={"synchronize_session": False})
    return result.rowcount == 1


def _record(message_id, token, attempts, *, error=None, permanent=False):
    """Record the outcome of our attempt (only while the claim is still ours).

    Returns ``"sent"``, ``"retry"`` (pending again after the back-off) or ``"failed"``.
    """
    now = utcnow()
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    if error is None:
        outcome, values = "sent", {"status": "sent", "sent_at": now, "last_error": None}
    elif permanent or attempts >= max_attempts:
        if not permanent:
            error = f"{error} (gave up after {attempts} attempts)"
        outcome, values = "failed", {"status": "failed", "failed_at": now, "last_error": error[:500]}
    else:
        delay = BACKOFF[min(attempts, len(BACKOFF)) - 1]
        outcome, values = "retry", {"status": "pending", "next_attempt_at": now + delay, "last_error": error[:500]}
    with unit_of_work() as session:
        result = session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
            .values(claimed_at=None, claim_token=None, **values),
            execution_options={"synchronize_session": False})
    if result.rowcount != 1:
        return None
    if outcome != "sent":
        log = current_app.logger.error if outcome == "failed" else current_app.logger.warning
        log("outbox message %s %s: %s", message_id, "failed" if outcome == "failed" else "will be retried", error)
    return outcome


def _prepare(message_id, sender):
    """Compose (if deferred) and build one message: ``(email, recipient)``.

    :raises Unsendable: it cannot be built (the reason says why).
    """
    message = db.session.get(OutboxMessage, message_id)
    try:
        if message.body_text is None:
            message = compose(message_id)
        return build_email(message, sender)
    except (Unsendable, ItemGone):
        raise
    except (sa.exc.OperationalError, sa.exc.InterfaceError):
        raise  # the database, not the message: the caller retries it
    except Exception as exc:  # noqa: BLE001 - one broken message must not stop the others
        db.session.rollback()
        current_app.logger.exception("outbox message %s cannot be built", message_id)
        raise Unsendable(f"cannot be built: {type(exc).__name__}: {exc}") from exc


def _deliver_one(message_id, attempts, transport, sender, token):
    """Build and send one message and record what happened; returns the outcome.

    :raises Unreachable: the server cannot be reached (nothing recorded for this one).
    """
    if not _still_ours(message_id, token):
        return None
    try:
        email, recipient = _prepare(message_id, sender)
    except (Unsendable, ItemGone) as exc:
        return _record(message_id, token, attempts, error=str(exc), permanent=True)
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
        db.session.rollback()
        return _record(message_id, token, attempts, error=f"database error while composing: {exc}")
    try:
        transport.send(email, sender.addr_spec, recipient)
    except Unreachable:
        raise
    except PermanentFailure as exc:
        return _record(message_id, token, attempts, error=str(exc), permanent=True)
    except TransportError as exc:
        return _record(message_id, token, attempts, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - e.g. the SMTP library refusing this message's headers
        current_app.logger.exception("outbox message %s cannot be sent", message_id)
        return _record(message_id, token, attempts, error=f"cannot be sent: {type(exc).__name__}: {exc}",
                       permanent=True)
    return _record(message_id, token, attempts)


def _deliver_batch(claimed, transport, sender, token):
    outcomes = []
    ids = list(claimed)
    try:
        with transport:
            for index, message_id in enumerate(ids):
                try:
                    outcomes.append(_deliver_one(message_id, claimed[message_id], transport, sender, token))
                except Unreachable as exc:
                    # The server went away and cannot be reached again: give this message
                    # and the rest of the batch back (each counts as an attempt).
                    outcomes += [_record(rest, token, claimed[rest], error=str(exc)) for rest in ids[index:]]
                    break
    except Unreachable as exc:  # could not even connect
        outcomes += [_record(message_id, token, claimed[message_id], error=str(exc)) for message_id in ids]
    return Delivery(outcomes.count("sent"), outcomes.count("retry"), outcomes.count("failed"))


def deliver_pending(*, batch=50, transport=None):
    """Deliver due messages once each; returns a :class:`Delivery` ``(sent, not_sent)``.

    Claiming happens in its own short transaction, sending outside any transaction (a slow
    SMTP server never holds a database lock), and each result is recorded right after its
    message. Every message is built and sent on its own: one that cannot be built or that
    the server refuses for good is marked failed with the reason and the batch goes on;
    one that fails for now (server down, 4xx, time-out) is retried with back-off until
    ``MAIL_MAX_ATTEMPTS``. A worker that dies mid-batch leaves its claims, and another
    worker takes them over after ``MAIL_CLAIM_TIMEOUT`` seconds.

    :raises MailConfigError: ``MAIL_DEFAULT_SENDER`` is unusable (nothing is claimed).
    """
    sender = sender_address(current_app.config)
    transport = transport or transport_from_config(current_app.config)
    token = secrets.token_hex(16)
    total = Delivery()
    while True:
        claimed, more = _claim(batch, utcnow(), token)
        if claimed:
            total += _deliver_batch(claimed, transport, sender, token)
        if not more:
            return total


def _held_message(session, message_id):
    """The message, locked; a message a worker is sending right now cannot be changed."""
    message = session.scalar(sa.select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update())
    if message is None:
        raise NotFound(message=_("There is no such message in the outbox."))
    if message.status not in ("pending", "failed"):
        raise Conflict(message=_("This message is being sent or has been sent; it can no longer be changed."))
    return message


def retry_message(message_id):
    """Put a failed (or waiting) message back in the outbox, due now, with a fresh set of attempts.

    :raises NotFound: no such message. :raises Conflict: it is being sent or was sent.
    """
    with unit_of_work() as session:
        message = _held_message(session, message_id)
        message.status, message.attempts, message.next_attempt_at = "pending", 0, utcnow()
        message.failed_at = message.claimed_at = message.claim_token = None
        return message.kind


def discard_message(message_id):
    """Delete an unsent message for good (it may hold personal data, and nobody will send it).

    :raises NotFound: no such message. :raises Conflict: it is being sent or was sent.
    """
    with unit_of_work() as session:
        message = _held_message(session, message_id)
        kind = message.kind
        session.delete(message)
        return kind
