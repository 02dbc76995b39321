"""What every feature's notifications share: queue inside the change, compose when sent.

A feature's ``notifications.py`` decides what it tells whom. Its queueing functions run
INSIDE the unit of work of the change they report (the services call them right after the
change, under the same locks) and only add a small row to the outbox
(:func:`defer`: the kind, the recipient, the ids): a rolled-back change sends nothing, and
the booking does not pay for rendering. The worker composes each message just before
sending it with the composer the feature registered (:mod:`.composers`), in the
recipient's language from ``templates/mail/notification.*``, with the item's ``.ics``
(the feature's own calendar items, so UID and SEQUENCE are those of the personal feeds):
``METHOD:REQUEST`` for new and changed items, ``METHOD:CANCEL`` for cancellations.

``NOTIFICATIONS_ENABLED = False`` turns every notification into a no-op (benchmarks).
"""
import dataclasses
import functools
from contextlib import nullcontext

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _

from ..core.ical import build_calendar
from ..extensions import db
from . import composers
from .services import ItemGone, defer_message, queue_message, render


def enabled():
    return current_app.config.get("NOTIFICATIONS_ENABLED", True)


def url_context():
    """Links need a request; CLI commands and scripts (demo seed, benchmarks) have none."""
    return nullcontext() if has_request_context() else current_app.test_request_context("/")


def notification(function):
    """For a feature's queueing functions: a no-op when notifications are off; otherwise
    run with links available."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if not enabled():
            return None
        with url_context():
            return function(*args, **kwargs)
    return wrapper


def register(app, texts, compose):
    """Register ``compose(kind, user, payload)`` for every kind in ``texts`` (``kind ->
    (subject, first sentence)``); it runs with links available."""
    @functools.wraps(compose)
    def wrapper(kind, user, payload):
        with url_context():
            return compose(kind, user, payload)
    composers.register(app, list(texts), wrapper)


def defer(kind, user_id, payload):
    """One deferred message (see :func:`.services.defer_message`)."""
    defer_message(kind=kind, user_id=user_id, payload=payload)


def snapshot(row, **extra):
    """What a deferred message needs to know of ``row`` as of now: its id, and its SEQUENCE
    once this change is counted (a flush runs the Versioned bump), so the attachment carries
    the revision the message is about even if the item changes again before it is sent."""
    db.session.flush()
    return dict(extra, id=row.id, sequence=row.sequence)


def as_sent(item, sequence, method):
    """The feed item as the message announces it: the SEQUENCE of that revision, and the
    status (a REQUEST confirms, a CANCEL cancels), even if the item changed again since."""
    status = "CANCELLED" if method == "CANCEL" else ("TENTATIVE" if item.status == "TENTATIVE" else "CONFIRMED")
    return dataclasses.replace(item, sequence=sequence, status=status)


def load(model, pk):
    row = db.session.get(model, pk)
    if row is None:
        raise ItemGone(f"{model.__name__} {pk} no longer exists")
    return row


def organisers_of(organisation_id):
    """The organisers of an organisation (one query), each to be written in their language."""
    from ..accounts.models import Membership, User

    return db.session.scalars(
        sa.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, Membership.role == "organiser")
        .order_by(User.id)
    ).unique().all()


def tell_organisers(kind, organisation_id, payload, *, except_user_id=None):
    """One deferred message per organiser of the organisation, each composed in their language."""
    for organiser in organisers_of(organisation_id):
        if organiser.id != except_user_id:
            defer(kind, organiser.id, payload)


def _ics(user, locale, build_items, method):
    """The attachment, built in the recipient's language (item builders translate labels):
    an invitation from the organisation (ORGANIZER, at the sender address) to the recipient
    (ATTENDEE), as strict clients require of METHOD:REQUEST and CANCEL."""
    with force_locale(locale):
        items = build_items()
        if not items:
            return None
        return build_calendar(_("InduCCI events"), items, method=method,
                              attendee=(user.name, user.email)).decode("utf-8")


def _context(texts, kind, user, context):
    subject, intro = texts[kind]
    words = {key: context.get(key, "") for key in ("title", "person", "adviser")}
    return dict(context, kind=kind, name=user.name, subject=subject, intro=intro, words=words)


def queue_now(texts, kind, user, context, *, items=None, method="REQUEST", dedupe_key=None, check_dedupe=True):
    """Render and queue now (reminders: a batch job, not a booking)."""
    locale = user.locale or "en"
    ics = _ics(user, locale, items, method) if items is not None else None
    return queue_message(
        kind=kind, template="notification", recipient_email=user.email, recipient_name=user.name,
        locale=locale, user_id=user.id, ics=ics, context=_context(texts, kind, user, context),
        ics_method=method if ics else None, dedupe_key=dedupe_key, check_dedupe=check_dedupe,
    )


def fields(texts, kind, user, context, *, items=None, method="REQUEST"):
    """The composed message (for a deferred row): recipient, texts, attachment."""
    locale = user.locale or "en"
    ics = _ics(user, locale, items, method) if items is not None else None
    subject, text, html = render("notification", locale, _context(texts, kind, user, context), user.name)
    return dict(recipient_email=user.email, recipient_name=user.name, locale=locale, subject=subject,
                body_text=text, body_html=html, ics=ics, ics_method=method if ics else None)
