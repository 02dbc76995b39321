"""Reminders 24 hours ahead, queued by ``flask mail remind`` from cron.

The features say what is due (sessions of confirmed enrolments, the first day of confirmed
space bookings, confirmed appointments): each registers a producer with
:func:`on_reminders` in its ``init_app``. A producer ``(session, now, ahead)`` yields
``(dedupe_key, queue)`` pairs, loading what the messages need with a fixed number of
queries, and skips people who opted out (``users.mail_reminders``) in SQL.

:func:`queue_reminders` is one unit of work: the keys already queued, then each producer.
Each reminder has a ``dedupe_key``, so a second run (or a run five minutes later) queues
nothing new; the outbox's unique index backs that up if two runs race.
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..core.db import unit_of_work, utcnow
from . import messages
from .models import OutboxMessage

#: How far ahead a reminder is sent.
AHEAD = timedelta(hours=24)
#: Keys older than this cannot belong to an item still ahead of us (24 h plus slack).
_KEY_MEMORY = timedelta(days=3)
_PRODUCERS = "mail_reminder_producers"


def on_reminders(app, producer):
    """Register ``producer(session, now, ahead) -> iterable of (dedupe_key, queue)`` in ``app``."""
    app.extensions.setdefault(_PRODUCERS, []).append(producer)


def queue_reminders(*, now=None):
    """Queue every reminder that is due and not queued yet; returns how many were queued."""
    now = now or utcnow()
    if not messages.enabled():
        return 0
    queued = 0
    try:
        with messages.url_context(), unit_of_work() as session:
            known = set(session.scalars(sa.select(OutboxMessage.dedupe_key).where(
                OutboxMessage.dedupe_key.like("reminder:%"), OutboxMessage.created_at >= now - _KEY_MEMORY)))
            for producer in current_app.extensions.get(_PRODUCERS, ()):
                for key, queue in producer(session, now, AHEAD):
                    if key in known:
                        continue
                    known.add(key)
                    queue()
                    queued += 1
    except IntegrityError:
        # Another run queued the same reminders a moment earlier; this run's are not needed.
        return 0
    return queued
