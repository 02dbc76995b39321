"""Read-only looks at the outbox (for the administrators' page)."""
import sqlalchemy as sa

from ..extensions import db
from .models import OutboxMessage


def failed_messages(limit=200):
    """``(messages, total)``: the newest ``limit`` failed messages and how many failed in all."""
    failed = OutboxMessage.status == "failed"
    messages = db.session.scalars(
        sa.select(OutboxMessage).where(failed)
        .order_by(OutboxMessage.failed_at.desc().nulls_last(), OutboxMessage.id.desc()).limit(limit)
    ).all()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(failed))
    return messages, total
