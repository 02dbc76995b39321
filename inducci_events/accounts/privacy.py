"""Personal data: the privacy notice, export, erasure of an account, and the retention purge.

Accounts know no feature (imports point down). Each feature that holds personal data
registers a :class:`PersonalData` provider with the app, explicitly, from its
``privacy.init_app(app)`` (called by ``create_app``), as features register their mail
composers. A provider says, for its own tables:

- ``export(user)``: the person's items as JSON-ready values, under ``key`` in the export;
- ``cancel_future(user, now)``: cancel the person's future items through the feature's
  normal cancellation services (notifications, waitlist promotion), inside the deletion's
  unit of work, with the person's own cancellation deadline lifted;
- ``erase(session, user)``: blank the free text the person gave (answers, purposes,
  messages, addresses), keeping the rows so that the statistics' counts survive;
- ``purge(session, cutoff)``: blank that free text (and adviser notes) of items that ended
  before ``cutoff``; returns how many items were cleared;
- ``outbox_about(session, user)``: ``(kinds, item ids)`` of messages sent to others about
  the person's items (an organiser's "X has cancelled"), erased with the account.
"""
import dataclasses
from datetime import timedelta
from pathlib import Path
from typing import Callable

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.db import unit_of_work, utcnow
from ..core.errors import Unauthorized
from ..audit.models import AuditEntry
from ..extensions import db
from ..mail.models import OutboxMessage
from .models import ApiToken, Membership, User, UserSession, new_calendar_token
from .services import end_sessions_and_tokens

_KEY = "privacy_providers"

#: What an erased account is called wherever its name is shown (audit log, organisers' lists).
ERASED_NAME = "Deleted account"


def erased_email(user_id):
    """The placeholder address of an erased account: unique, lower-case, never deliverable
    (``.invalid`` is reserved), and free of the person's address, which can sign up again."""
    return f"erased-{user_id}@erased.invalid"


@dataclasses.dataclass(frozen=True)
class PersonalData:
    key: str
    export: Callable
    cancel_future: Callable
    erase: Callable
    purge: Callable
    outbox_about: Callable = lambda session, user: []


def register(app, provider):
    """Make ``provider`` (a :class:`PersonalData`) part of export, deletion and purge in ``app``."""
    registry = app.extensions.setdefault(_KEY, {})
    if registry.get(provider.key, provider) is not provider:
        raise ValueError(f"two personal-data providers for {provider.key!r}")
    registry[provider.key] = provider


def providers():
    return list(current_app.extensions.get(_KEY, {}).values())


# --- the notice and the imprint -------------------------------------------------------

def _read(setting):
    path = current_app.config.get(setting)
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        current_app.logger.error("%s %s cannot be read; the page shows the built-in text", setting, path)
        return None


def paragraphs(text):
    """Plain text split into paragraphs at blank lines (the templates escape them)."""
    return [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n") if block.strip()]


def privacy_notice():
    """The installation's notice (PRIVACY_NOTICE_FILE) as paragraphs, or ``None`` for the built-in one."""
    text = _read("PRIVACY_NOTICE_FILE")
    return paragraphs(text) if text else None


def imprint():
    text = _read("IMPRINT_FILE")
    return paragraphs(text) if text else None


def notice_version():
    return str(current_app.config.get("PRIVACY_NOTICE_VERSION") or "1")[:40]


def retention_days():
    return int(current_app.config.get("PRIVACY_RETENTION_DAYS") or 365)


# --- export ----------------------------------------------------------------------------

def _when(value):
    return value.isoformat() if value is not None else None


def export_data(user, now=None):
    """Every personal datum the service holds about ``user``, as one JSON-ready document
    (GDPR articles 15 and 20): the account, its sign-ins, every feature's items, the
    e-mails sent to the person (kind and date) and the audit entries about them."""
    now = now or utcnow()
    user = db.session.get(User, user.id)
    document = {
        "exported_at": _when(now),
        "account": {
            "id": user.id, "email": user.email, "name": user.name, "locale": user.locale,
            "created_at": _when(user.created_at), "roles": user.roles,
            "memberships": sorted(({"organisation": m.organisation.slug, "role": m.role,
                                    "since": _when(m.created_at)} for m in user.memberships),
                                  key=lambda m: (m["organisation"], m["role"])),
            "mail_reminders": user.mail_reminders, "calendar_alarm_minutes": user.calendar_alarm_minutes,
            "privacy_notice_accepted_at": _when(user.consent_at),
            "privacy_notice_version": user.consent_version,
        },
        "sessions": [{"created_at": _when(s.created_at), "last_seen_at": _when(s.last_seen_at),
                      "user_agent": s.user_agent, "remember": s.remember}
                     for s in db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)
                                                 .order_by(UserSession.id))],
        "api_tokens": [{"name": t.name, "created_at": _when(t.created_at), "expires_at": _when(t.expires_at),
                        "revoked_at": _when(t.revoked_at)}
                       for t in db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                                                   .order_by(ApiToken.id))],
    }
    for provider in providers():
        document.update(provider.export(user))
    document["emails"] = [
        {"kind": m.kind, "queued_at": _when(m.created_at), "sent_at": _when(m.sent_at), "status": m.status,
         "subject": m.subject}
        for m in db.session.scalars(sa.select(OutboxMessage).where(
            sa.or_(OutboxMessage.user_id == user.id, OutboxMessage.recipient_email == user.email))
            .order_by(OutboxMessage.id))]
    document["changes_by_organisers"] = [
        {"at": _when(e.created_at), "action": e.action, "about": e.subject_type, "summary": e.summary,
         "changes": e.changes}
        for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.subject_user_id == user.id)
                                    .order_by(AuditEntry.id))]
    return document


# --- deletion --------------------------------------------------------------------------

def _erase_outbox(session, user, email, about):
    """Messages to the person (sent, failed or still waiting: their address is gone) and
    messages to others about the person's items that have been sent or given up. Messages
    about them still waiting are composed when sent, from the erased account; one already
    composed (waiting for a retry) is composed again."""
    session.execute(sa.delete(OutboxMessage).where(
        sa.or_(OutboxMessage.user_id == user.id, OutboxMessage.recipient_email == email)))
    for kinds, ids in about:
        if not ids:
            continue
        rows = session.execute(sa.select(OutboxMessage.id, OutboxMessage.payload, OutboxMessage.status).where(
            OutboxMessage.kind.in_(sorted(kinds)), OutboxMessage.status != "sending")).all()
        theirs = [row for row in rows if (row.payload or {}).get("id") in ids]
        done = [row.id for row in theirs if row.status in ("sent", "failed")]
        waiting = [row.id for row in theirs if row.status == "pending"]
        if done:
            session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id.in_(done)))
        if waiting:
            session.execute(sa.update(OutboxMessage).where(OutboxMessage.id.in_(waiting)).values(
                subject=None, body_text=None, body_html=None, ics=None, ics_method=None))


def delete_account(user, password, *, now=None):
    """Erase ``user``'s account, given its password again (GDPR article 17).

    In one unit of work: every feature cancels the person's future items through its normal
    services (the usual notifications, seats to the waitlist), then erases the free text
    they gave; the outbox forgets the messages to and about them; every sign-in session and
    API token ends; the account row stays, anonymised (:data:`ERASED_NAME`, an ``.invalid``
    address, no password, no roles), so that counts for the pilots' statistics and audit
    entries survive without a name. The address can sign up again at once.

    :raises Unauthorized: ``wrong_password``.
    """
    now = now or utcnow()
    if user is None or getattr(user, "deleted_at", None) is not None:
        raise Unauthorized("wrong_password", _("The password is wrong."))
    if not check_password_hash(user.password_hash, password or ""):
        raise Unauthorized("wrong_password", _("The password is wrong."))
    with unit_of_work() as session:
        user = session.get(User, user.id)
        email = user.email
        for provider in providers():
            provider.cancel_future(user, now)
        session.flush()
        about = [entry for provider in providers() for entry in provider.outbox_about(session, user)]
        for provider in providers():
            provider.erase(session, user)
        end_sessions_and_tokens(session, user.id)
        session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
        session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id))  # names are user agents
        session.execute(sa.delete(Membership).where(Membership.user_id == user.id))
        session.flush()
        _erase_outbox(session, user, email, about)  # what the providers named before erasing
        session.expire(user, ["memberships"])
        user.name = ERASED_NAME
        user.email = erased_email(user.id)
        user.password_hash = generate_password_hash(new_calendar_token())  # nobody knows it
        user.is_admin = False
        user.calendar_token = new_calendar_token()  # old feed URLs answer 404
        user.mail_reminders = False
        user.deleted_at = now
        if user.deactivated_at is None:
            user.deactivated_at = now
    current_app.logger.info("account %s erased by its owner", user.id)
    return user


# --- the retention purge -----------------------------------------------------------------

def purge(*, now=None):
    """Erase answers, purposes, messages and adviser notes of items that ended more than
    PRIVACY_RETENTION_DAYS ago, and the outbox's sent or failed messages of that age.
    Returns ``{key: count}``; running it again finds nothing more."""
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days())
    counts = {}
    with unit_of_work() as session:
        for provider in providers():
            counts[provider.key] = provider.purge(session, cutoff)
        counts["emails"] = session.execute(sa.delete(OutboxMessage).where(
            OutboxMessage.status.in_(("sent", "failed")),
            sa.func.coalesce(OutboxMessage.sent_at, OutboxMessage.failed_at, OutboxMessage.created_at) < cutoff,
        )).rowcount
    return counts


privacy_cli = AppGroup("privacy", help="Personal data: the retention purge.")


@privacy_cli.command("purge")
def purge_command():
    """Erase answers, purposes, messages and adviser notes PRIVACY_RETENTION_DAYS after the item ended."""
    counts = purge()
    click.echo(f"Purged (older than {retention_days()} days): "
               + ", ".join(f"{key} {count}" for key, count in counts.items()))
