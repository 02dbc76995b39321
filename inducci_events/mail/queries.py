"""Read-only looks at the outbox (for the administrators' page)."""
import sqlalchemy as sa

from ..extensions import db
from .models import OutboxMessage

#: What the administrators' outbox page lists under each heading.
LISTS = {
    "failed": ("failed",),  # given up: retry or discard
    "pending": ("pending", "sending"),  # waiting for (another) attempt, or being sent right now
}


def outbox_messages(which="failed", limit=200):
    """``(messages, total)``: the newest ``limit`` messages of one list of :data:`LISTS` and how many it holds."""
    where = OutboxMessage.status.in_(LISTS[which])
    newest = OutboxMessage.failed_at.desc().nulls_last() if which == "failed" else OutboxMessage.next_attempt_at.asc()
    messages = db.session.scalars(
        sa.select(OutboxMessage).where(where).order_by(newest, OutboxMessage.id.desc()).limit(limit)
    ).all()
    return messages, outbox_count(which)


def outbox_count(which):
    """How many messages one list of :data:`LISTS` holds."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.status.in_(LISTS[which])))

